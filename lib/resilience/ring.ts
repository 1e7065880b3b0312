/**
 * A growable FIFO ring buffer: O(1) push and shift without `Array#shift` (which costs ~135 µs
 * at depth 100k). Also a fixed-capacity mode that overwrites the oldest entry, for bounded logs.
 * Leaf file.
 */
export class Ring<T> {
  #items: Array<T | undefined>;
  #head = 0;
  #size = 0;
  readonly #bounded: boolean;

  /**
   * @param capacity - initial capacity (growable mode) or the hard bound (bounded mode).
   * @param bounded - when true, pushing into a full ring drops the oldest entry.
   */
  constructor(capacity = 16, bounded = false) {
    this.#items = new Array<T | undefined>(Math.max(1, capacity));
    this.#bounded = bounded;
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The bound (bounded mode) or the current allocation. */
  get capacity(): number {
    return this.#items.length;
  }

  /** Appends; returns the dropped oldest entry when a bounded ring was full. */
  push(item: T): T | undefined {
    const cap = this.#items.length;
    if (this.#size === cap) {
      if (this.#bounded) {
        const dropped = this.#items[this.#head];
        this.#items[this.#head] = item;
        this.#head = (this.#head + 1) % cap;
        return dropped;
      }
      this.#grow();
    }
    this.#items[(this.#head + this.#size) % this.#items.length] = item;
    this.#size++;
    return undefined;
  }

  /** Removes and returns the oldest entry. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#size--;
    return item;
  }

  /** The oldest entry, not removed. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Entries oldest first (a copy). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(this.#head + i) % this.#items.length] as T);
    return out;
  }

  /** Changes the bound of a bounded ring, keeping the newest entries. */
  resize(capacity: number): void {
    const kept = this.toArray().slice(-capacity);
    this.#items = new Array<T | undefined>(Math.max(1, capacity));
    this.#head = 0;
    this.#size = 0;
    for (const k of kept) this.push(k);
  }

  /** Removes every entry. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.toArray();
    this.#items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < old.length; i++) this.#items[i] = old[i];
    this.#head = 0;
  }
}

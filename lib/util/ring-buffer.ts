/**
 * A FIFO queue on a circular array: O(1) push and shift at any depth (`Array#shift` is O(n)). Grows by doubling; never holds references to removed items.
 */
export class RingBuffer<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  /** @param initialCapacity - rounded up to a power of two. */
  constructor(initialCapacity = 16) {
    let cap = 4;
    while (cap < initialCapacity) cap *= 2;
    this.#items = new Array<T | undefined>(cap);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /**
   * Drops the oldest item and appends `item` in one step, the size unchanged: a bounded log
   * (a `shift` then a `push` did twice the checks). Needs at least one item held.
   */
  replaceOldest(item: T): void {
    const items = this.#items;
    const head = this.#head;
    // Cleared first: in a ring full to its array the newest slot is the oldest's.
    items[head] = undefined;
    items[(head + this.#size) & this.#mask] = item;
    this.#head = (head + 1) & this.#mask;
  }

  /** Removes and returns the oldest item (`undefined` when empty). */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The item `i` places from the oldest (0 = oldest). */
  at(i: number): T | undefined {
    return i < 0 || i >= this.#size ? undefined : this.#items[(this.#head + i) & this.#mask];
  }

  /** Everything held, oldest first (a copy). */
  toArray(): T[] {
    const out = new Array<T>(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#items[(this.#head + i) & this.#mask] as T;
    return out;
  }

  /** Forgets everything. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  /** Removes everything, returning what was held, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#items[(this.#head + i) & this.#mask] as T;
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) next[i] = old[(this.#head + i) & this.#mask];
    this.#items = next;
    this.#mask = next.length - 1;
    this.#head = 0;
  }
}

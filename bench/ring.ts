/** A growable power-of-two ring buffer (FIFO). Used by the bare and xstate baselines. */
export class Ring<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private tail = 0;
  private mask: number;
  size = 0;

  constructor(initial = 16) {
    let cap = 16;
    while (cap < initial) cap *= 2;
    this.buf = new Array<T | undefined>(cap);
    this.mask = cap - 1;
  }

  push(v: T): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[this.tail] = v;
    this.tail = (this.tail + 1) & this.mask;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return v;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.tail = this.size;
    this.mask = next.length - 1;
  }
}

/** FNV-1a 32-bit: the partition hash the hand-written baselines use. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

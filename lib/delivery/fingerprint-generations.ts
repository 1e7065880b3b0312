/** Slots below which a full table grows fourfold rather than twofold. */
const QUADRUPLE_BELOW = 1 << 14;

/** Int32s per slot: a fingerprint (high, low) of each generation side by side. */
const SLOT = 4;

/**
 * Two generations of key fingerprints (see `key-fingerprint.ts`), current and previous, in one
 * open-addressed `Int32Array`. Slot `i` holds a fingerprint of each generation side by side
 * (16 bytes), and both generations probe linearly from the same slot, so a look-up that must
 * miss in both (every fresh key) reads one cache line where two tables read two: at 100,000
 * keys the tables outgrow the L2 cache, and each line is a miss.
 *
 * A generation is a lane: ints 0-1 or 2-3 of every slot. Each lane is kept at most half full
 * (the table grows when the current one would pass that, fourfold while small, then twofold;
 * both lanes move), and `rotate` empties the previous lane and makes it the current one. It
 * holds no strings, so no key stays reachable and the garbage collector has nothing to trace.
 */
export class FingerprintGenerations {
  #slots: Int32Array;
  #mask: number;
  /** Int offset in a slot of the current generation's lane (0 or 2); the previous is the other. */
  #current = 0;
  #currentSize = 0;
  #previousSize = 0;

  /** `capacity`: initial number of slots, a power of two. */
  constructor(capacity = 64) {
    this.#slots = new Int32Array(capacity * SLOT);
    this.#mask = capacity - 1;
  }

  /** Fingerprints in the current generation. */
  get currentSize(): number {
    return this.#currentSize;
  }

  /** Fingerprints in the previous generation. */
  get previousSize(): number {
    return this.#previousSize;
  }

  /** True when the fingerprint is in either generation. */
  has(high: number, low: number): boolean {
    return this.#inPrevious(high, low) || this.#find(this.#current, high, low) >= 0;
  }

  /** Adds the fingerprint to the current generation unless either holds it; false when one did. */
  add(high: number, low: number): boolean {
    if (this.#inPrevious(high, low)) return false;
    const found = this.#find(this.#current, high, low);
    if (found >= 0) return false;
    if ((this.#currentSize + 1) * 2 > this.#mask + 1) {
      this.#grow();
      this.#insert(this.#current, high, low);
    } else {
      const at = -1 - found;
      this.#slots[at] = high;
      this.#slots[at + 1] = low;
    }
    this.#currentSize++;
    return true;
  }

  /** The current generation becomes the previous one; the previous one is forgotten. */
  rotate(): void {
    if (this.#previousSize > 0) this.#clearLane(2 - this.#current);
    this.#current = 2 - this.#current;
    this.#previousSize = this.#currentSize;
    this.#currentSize = 0;
  }

  /** Forgets both generations, keeping the memory for reuse. */
  clear(): void {
    if (this.#currentSize + this.#previousSize > 0) this.#slots.fill(0);
    this.#currentSize = this.#previousSize = 0;
  }

  #inPrevious(high: number, low: number): boolean {
    return this.#previousSize > 0 && this.#find(2 - this.#current, high, low) >= 0;
  }

  /** In `lane`: the int index of the fingerprint, or -1 - the index of the empty slot where it belongs. */
  #find(lane: number, high: number, low: number): number {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = high & mask; // the low bits: high has only its top bit forced
    for (;;) {
      const at = i * SLOT + lane;
      const h = slots[at]!;
      if (h === 0) return -1 - at;
      if (h === high && slots[at + 1] === low) return at;
      i = (i + 1) & mask;
    }
  }

  #insert(lane: number, high: number, low: number): void {
    const at = -1 - this.#find(lane, high, low);
    this.#slots[at] = high;
    this.#slots[at + 1] = low;
  }

  #clearLane(lane: number): void {
    const slots = this.#slots;
    for (let at = lane; at < slots.length; at += SLOT) slots[at] = slots[at + 1] = 0;
  }

  #grow(): void {
    const old = this.#slots;
    // Small tables quadruple: a busy window passes the small sizes in fewer rehashes; large ones double.
    const capacity = old.length / SLOT;
    const slots = capacity < QUADRUPLE_BELOW ? capacity * 4 : capacity * 2;
    this.#slots = new Int32Array(slots * SLOT);
    this.#mask = slots - 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] !== 0) this.#insert(at % SLOT, old[at]!, old[at + 1]!);
    }
  }
}

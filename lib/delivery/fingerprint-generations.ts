/** Slots below which a full table grows fourfold rather than twofold. */
const QUADRUPLE_BELOW = 1 << 14;

/**
 * Int32s per slot: a fingerprint (high, low) of each generation side by side (ints 0-3), then the
 * time each was first seen, a float64 per generation (ints 4-7, read through a `Float64Array`
 * view of the same memory). 32 bytes: two slots a cache line, never one across two.
 */
const SLOT = 8;

/**
 * Two generations of key fingerprints (see `key-fingerprint.ts`), current and previous, in one
 * open-addressed table. Slot `i` holds a fingerprint of each generation side by side, with the
 * time it was first seen, and both generations probe linearly from the same slot, so a look-up
 * that must miss in both (every fresh key) reads one cache line where two tables read two: at
 * 100,000 keys the tables outgrow the L2 cache, and each line is a miss. The time sits in the
 * slot, not in an array of its own, so recording a key writes the line it already read.
 *
 * A fingerprint counts only while it is younger than `ttlMs` (`now - firstSeen < ttlMs`): a hit on
 * an older one is a miss, and adding the key again records it afresh. The times are read on hits
 * only (a fingerprint matched), so a fresh key pays nothing for them but the store.
 *
 * A generation is a lane: ints 0-1 or 2-3 of every slot (and float 2 or 3 of the slot's four).
 * Each lane is kept at most half full (the table grows when the current one would pass that,
 * fourfold while small, then twofold; both lanes move), and `rotate` empties the previous lane
 * and makes it the current one. It holds no strings, so no key stays reachable and the garbage
 * collector has nothing to trace.
 */
export class FingerprintGenerations {
  #slots: Int32Array;
  /** The same memory as `#slots`, as float64s: a slot's times are floats 2 and 3 of its four. */
  #times: Float64Array;
  #mask: number;
  /** Int offset in a slot of the current generation's lane (0 or 2); the previous is the other. */
  #current = 0;
  #currentSize = 0;
  #previousSize = 0;
  readonly #ttlMs: number;

  /**
   * `capacity`: initial number of slots, a power of two. `ttlMs`: how long a fingerprint counts
   * after it was first seen (`Infinity`: as long as its generation is kept).
   */
  constructor(capacity = 64, ttlMs = Infinity) {
    this.#slots = new Int32Array(capacity * SLOT);
    this.#times = new Float64Array(this.#slots.buffer);
    this.#mask = capacity - 1;
    this.#ttlMs = ttlMs;
  }

  /** Fingerprints in the current generation (some may have outlived `ttlMs`). */
  get currentSize(): number {
    return this.#currentSize;
  }

  /** Fingerprints in the previous generation (some may have outlived `ttlMs`). */
  get previousSize(): number {
    return this.#previousSize;
  }

  /** True when either generation holds the fingerprint, first seen less than `ttlMs` before `now`. */
  has(high: number, low: number, now = 0): boolean {
    return this.#inPrevious(high, low, now) || this.#live(this.#find(this.#current, high, low), now);
  }

  /**
   * Records the fingerprint as first seen at `now`, in the current generation, unless either
   * generation holds it from less than `ttlMs` before; false when one did (a duplicate).
   */
  add(high: number, low: number, now = 0): boolean {
    if (this.#inPrevious(high, low, now)) return false;
    const found = this.#find(this.#current, high, low);
    if (found >= 0) {
      if (this.#live(found, now)) return false;
      this.#times[(found >> 1) + 2] = now; // seen again after its time ran out: a new first sighting
      return true;
    }
    if ((this.#currentSize + 1) * 2 > this.#mask + 1) {
      this.#grow();
      this.#insert(this.#current, high, low, now);
    } else {
      const at = -1 - found;
      this.#slots[at] = high;
      this.#slots[at + 1] = low;
      this.#times[(at >> 1) + 2] = now;
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

  #inPrevious(high: number, low: number, now: number): boolean {
    return this.#previousSize > 0 && this.#live(this.#find(2 - this.#current, high, low), now);
  }

  /** `at` (a `#find` result) is a fingerprint first seen less than `ttlMs` before `now`. */
  #live(at: number, now: number): boolean {
    // The float index of a lane's time: a slot's ints 8i..8i+7 are its floats 4i..4i+3, the
    // times floats 4i+2 (lane 0) and 4i+3 (lane 2); `at` is 8i + lane.
    return at >= 0 && now - this.#times[(at >> 1) + 2]! < this.#ttlMs;
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

  #insert(lane: number, high: number, low: number, seenAt: number): void {
    const at = -1 - this.#find(lane, high, low);
    this.#slots[at] = high;
    this.#slots[at + 1] = low;
    this.#times[(at >> 1) + 2] = seenAt;
  }

  /**
   * Empties a lane: a zero `high` marks a slot empty, and the rest of an empty slot (`low`, the
   * time) is never read before an insert overwrites it, so one store a slot does.
   */
  #clearLane(lane: number): void {
    const slots = this.#slots;
    for (let at = lane; at < slots.length; at += SLOT) slots[at] = 0;
  }

  #grow(): void {
    const old = this.#slots;
    const oldTimes = this.#times;
    // Small tables quadruple: a busy window passes the small sizes in fewer rehashes; large ones double.
    const capacity = old.length / SLOT;
    const slots = capacity < QUADRUPLE_BELOW ? capacity * 4 : capacity * 2;
    this.#slots = new Int32Array(slots * SLOT);
    this.#times = new Float64Array(this.#slots.buffer);
    this.#mask = slots - 1;
    for (let base = 0; base < old.length; base += SLOT) {
      for (let lane = 0; lane <= 2; lane += 2) {
        const at = base + lane;
        if (old[at] !== 0) this.#insert(lane, old[at]!, old[at + 1]!, oldTimes[(at >> 1) + 2]!);
      }
    }
  }
}

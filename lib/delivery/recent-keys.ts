/**
 * The idempotency keys a durable journal keeps for the network's dedup window, so that a
 * restart knows them again: a signal sent again after a crash must still be a duplicate.
 * Records of accepted signals carry their keys, but compaction drops the records of ended
 * signals, so the journal keeps the keys of the signals that ended here (node, key and time,
 * the time the key was first seen: the signal's `createdAt`), and compaction writes those still
 * inside the window as key records.
 *
 * A ring of at most `maxKeys` (the dedup window's own cap: more could not be remembered
 * anyway), oldest out first: three array stores per ended signal, no object. It holds the key
 * strings (the dedup window itself keeps fingerprints only, whose seeds are per process), and
 * starts small, doubling up to the cap.
 */

/** One key as read back or kept. */
export interface RecentKey {
  readonly node: string;
  readonly key: string;
  readonly at: number;
}

const INITIAL_SLOTS = 1024;

/** See the file comment. */
export class RecentKeys {
  readonly windowMs: number;
  readonly maxKeys: number;
  #nodes: string[] = [];
  #keys: string[] = [];
  #times = new Float64Array(0);
  /** Next slot to write; the ring is full once it wrapped. */
  #next = 0;
  #size = 0;
  /** Latest time added: "now" for the window, as the journal has no clock of its own. */
  latest = -Infinity;

  constructor(windowMs: number, maxKeys: number) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  /** Keys held (inside the window or not). */
  get size(): number {
    return this.#size;
  }

  /** Keeps `key`, seen at `node` at time `at` (the oldest goes once `maxKeys` are held). */
  add(node: string, key: string, at: number): void {
    let i = this.#next;
    if (i === this.#keys.length) {
      if (this.#size < this.maxKeys) this.#grow();
      else i = 0;
    }
    this.#nodes[i] = node;
    this.#keys[i] = key;
    this.#times[i] = at;
    this.#next = i + 1;
    if (this.#size < this.maxKeys) this.#size++;
    if (at > this.latest) this.latest = at;
  }

  /** The keys seen within `windowMs` of the latest one, oldest first. */
  inWindow(): RecentKey[] {
    const out: RecentKey[] = [];
    const from = this.latest - this.windowMs;
    const n = this.#keys.length;
    // Oldest first: from the slot after the last written, when the ring wrapped.
    const first = this.#size === n ? this.#next % n : 0;
    for (let k = 0; k < this.#size; k++) {
      const i = (first + k) % n;
      if (this.#times[i]! >= from) out.push({ node: this.#nodes[i]!, key: this.#keys[i]!, at: this.#times[i]! });
    }
    return out;
  }

  #grow(): void {
    const slots = Math.min(this.maxKeys, Math.max(INITIAL_SLOTS, 2 * this.#keys.length));
    const times = new Float64Array(slots);
    times.set(this.#times);
    this.#times = times;
    // Plain arrays grow in place; fill so they stay packed.
    for (let i = this.#keys.length; i < slots; i++) {
      this.#nodes.push('');
      this.#keys.push('');
    }
  }
}

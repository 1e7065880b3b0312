/**
 * The FileJournal's accepted-and-not-settled signals, by id, in order of acceptance.
 *
 * An open-addressing table rather than a `Map` keyed by id, which hashes all 36 characters of
 * each fresh id string (figures in docs/benchmarks.md). Here the hash of an id of
 * 36 characters (a UUID) is taken from its last 8, which are random in UUID v7 and v4; other ids
 * are hashed whole, and so is every id once a probe runs long (ids built to collide). Linear
 * probing with backward-shift deletion, so no tombstones pile up under churn. (A `Map` keyed by
 * the signal object is about as fast, but the journal's contract is by id: a revised copy or a
 * signal read back from the file must find the entry too.)
 *
 * Each signal carries its acceptance number (a counter): the order to list them in, and how a
 * lost batch is taken back (the signals it made pending hold the numbers it handed out), without
 * a list per batch that would keep every signal alive until its batch is written.
 */
import type { Signal } from '../signal/signal.ts';

const MIN_CAPACITY = 1024;
/** A probe this long means clustered hashes: switch to hashing whole ids. */
const LONG_PROBE = 64;

/** See the file comment. */
export class PendingSet {
  #mask = MIN_CAPACITY - 1;
  #signals: (Signal | undefined)[] = new Array<Signal | undefined>(MIN_CAPACITY).fill(undefined);
  /** Per slot: the id's hash, then the acceptance number (one array: one cache line per probe). */
  #meta = new Float64Array(2 * MIN_CAPACITY);
  #size = 0;
  /** Deletes since the table was last resized: it shrinks only after many (see `delete`). */
  #deletesSinceResize = 0;
  #accepted = 0;
  #wholeIds = false;

  /** Signals pending. */
  get size(): number {
    return this.#size;
  }

  /** Slots in the table (it grows at half full, and shrinks slowly when an eighth full). */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** The acceptance number the next new signal gets. */
  get next(): number {
    return this.#accepted;
  }

  /** The pending signals, oldest first. Sorts: for reads at start-up and compaction, not per signal. */
  values(): Signal[] {
    return this.#slots().map((i) => this.#signals[i]!);
  }

  /**
   * Makes `s` pending. False when its id was pending already: it stays so (as `s`), in its place
   * and under its first acceptance number (the batch of that record is the one that counts).
   */
  add(s: Signal): boolean {
    const id = s.id;
    const h = this.#hash(id);
    const signals = this.#signals;
    const meta = this.#meta;
    const mask = this.#mask;
    let i = h & mask;
    for (let probe = 0; ; probe++) {
      const t = signals[i];
      if (t === undefined) break;
      if (meta[2 * i] === h && (t === s || t.id === id)) {
        signals[i] = s;
        return false;
      }
      if (probe === LONG_PROBE && !this.#wholeIds) {
        this.#wholeIds = true;
        this.#rehash(mask + 1);
        return this.add(s);
      }
      i = (i + 1) & mask;
    }
    signals[i] = s;
    meta[2 * i] = h;
    meta[2 * i + 1] = this.#accepted++;
    if (++this.#size * 2 > mask + 1) this.#rehash(2 * (mask + 1));
    return true;
  }

  /** Ends the signal pending under the id of `s`; false when none was. */
  delete(s: Signal): boolean {
    return this.take(s) >= 0;
  }

  /** Ends the signal pending under the id of `s`; returns its acceptance number, or -1 when none was pending. */
  take(s: Signal): number {
    const id = s.id;
    if (typeof id !== 'string') return -1; // a malformed envelope was never added
    const h = this.#hash(id);
    const signals = this.#signals;
    const meta = this.#meta;
    const mask = this.#mask;
    let i = h & mask;
    for (;;) {
      const t = signals[i];
      if (t === undefined) return -1;
      if (meta[2 * i] === h && (t === s || t.id === id)) break;
      i = (i + 1) & mask;
    }
    const accepted = meta[2 * i + 1]!;
    // Backward shift: pull later entries of the cluster into the hole when their home allows it.
    for (let j = (i + 1) & mask; signals[j] !== undefined; j = (j + 1) & mask) {
      const home = meta[2 * j]! & mask;
      if (i <= j ? home > i && home <= j : home > i || home <= j) continue;
      signals[i] = signals[j];
      meta[2 * i] = meta[2 * j]!;
      meta[2 * i + 1] = meta[2 * j + 1]!;
      i = j;
    }
    signals[i] = undefined;
    // Shrink when an eighth full, but only after 4 × capacity deletes since the last resize: a
    // set that empties and refills every burst (a producer's window) would otherwise rehash on
    // every cycle, all the way down and back up.
    this.#deletesSinceResize++;
    if (--this.#size * 8 < mask + 1 && mask + 1 > MIN_CAPACITY && this.#deletesSinceResize >= 4 * (mask + 1)) this.#rehash((mask + 1) / 2);
    return accepted;
  }

  /** Forgets the signals whose acceptance numbers are in [`from`, `to`) (a lost batch). One pass over all: a failure path. */
  deleteAccepted(from: number, to: number): void {
    const lost = this.#slots()
      .filter((i) => this.#meta[2 * i + 1]! >= from && this.#meta[2 * i + 1]! < to)
      .map((i) => this.#signals[i]!);
    for (const s of lost) this.delete(s);
  }

  /** Occupied slots, oldest first. */
  #slots(): number[] {
    const slots: number[] = [];
    for (let i = 0; i <= this.#mask; i++) if (this.#signals[i] !== undefined) slots.push(i);
    return slots.sort((a, b) => this.#meta[2 * a + 1]! - this.#meta[2 * b + 1]!);
  }

  #rehash(capacity: number): void {
    this.#deletesSinceResize = 0;
    const signals = this.#signals;
    const meta = this.#meta;
    const mask = (this.#mask = capacity - 1);
    this.#signals = new Array<Signal | undefined>(capacity).fill(undefined);
    this.#meta = new Float64Array(2 * capacity);
    // Slot order does not matter: the acceptance numbers move along.
    for (let from = 0; from < signals.length; from++) {
      const s = signals[from];
      if (s === undefined) continue;
      const h = this.#hash(s.id);
      let i = h & mask;
      while (this.#signals[i] !== undefined) i = (i + 1) & mask;
      this.#signals[i] = s;
      this.#meta[2 * i] = h;
      this.#meta[2 * i + 1] = meta[2 * from + 1]!;
    }
  }

  /** FNV-1a over the id's last 8 characters (a UUID's random tail), or all of them, then mixed. */
  #hash(id: string): number {
    const n = id.length;
    let h = 0x811c9dc5 ^ n;
    for (let i = n === 36 && !this.#wholeIds ? 28 : 0; i < n; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    return Math.imul(h, 0x45d9f3b) ^ (h >>> 13);
  }
}

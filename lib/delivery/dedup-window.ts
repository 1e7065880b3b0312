import { FingerprintGenerations } from './fingerprint-generations.ts';

/**
 * How long an idempotency key is remembered: a repeat is a duplicate when the key was first seen
 * less than this long ago (see the dedup window in docs/architecture.md).
 * @defaultValue 300 000 ms (5 minutes)
 */
export const DEFAULT_DEDUP_WINDOW_MS = 300_000;

/**
 * Most keys remembered at once by a network, all its nodes together.
 * @defaultValue 100 000
 */
export const DEFAULT_DEDUP_MAX_KEYS = 100_000;

/** Slots a generation starts with; it doubles as keys arrive (a quiet node stays small). */
const INITIAL_SLOTS = 64;

/**
 * Remembers idempotency keys for a time window, in bounded memory. A network has one, shared by
 * its nodes: each node sees it through a {@link DedupScope} of its own (its keys apart from every
 * other node's), and the key cap bounds the memory of the whole network, however many nodes it
 * has (with one window per node, 1,000 nodes could hold 1,000 times the cap, and every look-up
 * went to memory that no cache holds).
 *
 * Keys live in two generations of 63-bit key fingerprints (see `key-fingerprint.ts` for the
 * odds of a false duplicate: about 1 in 10^14 look-ups at 100,000 keys), side by side in one
 * table, a {@link FingerprintGenerations}, so that a fresh key reads one cache line for both.
 * Each fingerprint keeps the time its key was first seen, and a key is a duplicate exactly when
 * that time is less than `windowMs` ago: a hit on an older fingerprint is a miss (the key is
 * recorded afresh). New keys go into the current generation; a look-up checks both. When the
 * current generation is `windowMs` old, or holds `maxKeys / 2` keys, it becomes the previous one
 * and the old previous generation is emptied whole and reused. Every key of that old previous
 * generation was seen before the current one began, `windowMs` ago or more, so none was still
 * needed. So:
 *
 * - a key seen at `t` is a duplicate at `now` exactly when `now - t < windowMs`, unless more than
 *   `maxKeys / 2` newer keys arrived first (then it is forgotten early, and counted in
 *   {@link DedupWindow.evictedEarly}): memory never exceeds `maxKeys` keys;
 * - expiry costs O(1) per rotation, with no per-key timers, scans or deletes; the exact window
 *   costs a float64 per key (first-seen time, read on a fingerprint hit only).
 */
export class DedupWindow {
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly #generationKeys: number;
  readonly #keys: FingerprintGenerations;
  #startedAt = -Infinity;
  /** Keys forgotten early because the key cap forced a rotation before the window ended. */
  evictedEarly = 0;

  constructor(windowMs: number = DEFAULT_DEDUP_WINDOW_MS, maxKeys: number = DEFAULT_DEDUP_MAX_KEYS) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.#generationKeys = Math.max(1, Math.floor(maxKeys / 2));
    this.#keys = new FingerprintGenerations(INITIAL_SLOTS, windowMs);
  }

  /** Keys held now (some may be older than the window, until their generation is dropped). */
  get size(): number {
    return this.#keys.currentSize + this.#keys.previousSize;
  }

  /**
   * Records a key's fingerprint (see `key-fingerprint.ts`) seen at `now`; returns `false` when it
   * was first seen less than `windowMs` before `now` (a duplicate), `true` when it is new (its
   * first-seen time is then `now`).
   */
  admit(high: number, low: number, now: number): boolean {
    this.#rotate(now);
    return this.#keys.add(high, low, now);
  }

  /** True when the fingerprint was first seen less than `windowMs` before `now` (does not record it). */
  has(high: number, low: number, now: number): boolean {
    this.#rotate(now);
    return this.#keys.has(high, low, now);
  }

  /** Forgets every key. */
  clear(): void {
    this.#keys.clear();
    this.#startedAt = -Infinity;
  }

  #rotate(now: number): void {
    const aged = now - this.#startedAt >= this.windowMs;
    if (!aged && this.#keys.currentSize < this.#generationKeys) return;
    if (aged && now - this.#startedAt >= 2 * this.windowMs) {
      // Idle for two windows: everything is older than the window.
      this.#keys.clear();
    } else {
      if (!aged) this.evictedEarly += this.#keys.previousSize;
      this.#keys.rotate();
    }
    this.#startedAt = now;
  }
}

import type { DedupWindow } from './dedup-window.ts';
import { fingerprint, fingerprintOf, newKeySeeds } from './key-fingerprint.ts';

/**
 * One node's keys in its network's {@link DedupWindow}: the node fingerprints keys with seeds of
 * its own, so a key is a duplicate only at a node that saw it, while every node shares the
 * window's table, clock and key cap.
 */
export class DedupScope {
  readonly #window: DedupWindow;
  // Fields of the scope, not an object of seeds: at 1,000 nodes each object a look-up reads is
  // one more cache miss.
  readonly #seedA: number;
  readonly #seedB: number;

  constructor(window: DedupWindow) {
    this.#window = window;
    const seeds = newKeySeeds();
    this.#seedA = seeds.a;
    this.#seedB = seeds.b;
  }

  /**
   * Records `key` seen at `now`; returns `false` when this scope saw it within the window
   * (a duplicate), `true` when it is new.
   */
  admit(key: string, now: number): boolean {
    fingerprint(key, this.#seedA, this.#seedB);
    return this.#window.admit(fingerprintOf.high, fingerprintOf.low, now);
  }

  /** True when this scope saw `key` within the window (does not record it). */
  has(key: string, now: number): boolean {
    fingerprint(key, this.#seedA, this.#seedB);
    return this.#window.has(fingerprintOf.high, fingerprintOf.low, now);
  }
}

import { randomFillSync } from 'node:crypto';

/*
 * A 63-bit fingerprint of a string key, as two 32-bit halves: `high` (its top bit set, so it is
 * never 0 and a table can use 0 for "empty") and `low`. The halves come from two different
 * hashes run in one pass over the UTF-16 units (FNV-1a and a multiply-xorshift lane), each finished
 * with murmur3's avalanche and seeded at random (per process, or per scope: each node of a network
 * has its own seeds), so keys chosen to collide in one process do not collide in another, and a
 * flood of such keys cannot be precomputed.
 *
 * Two distinct keys share a fingerprint with probability about 2^-63: with a window of 100,000
 * keys, a fresh key is taken for a duplicate about once in 10^14 look-ups.
 *
 * (The dedup window keeps both generations in one table, a lane each per slot: see
 * `fingerprint-generations.ts`. A generation bit per entry, tried before, meant rebuilding the
 * table to drop a generation, a cache miss per surviving key.)
 */

/** Two random 32-bit seeds: a scope of keys (see `DedupScope`) fingerprints with its own. */
export interface KeySeeds {
  readonly a: number;
  readonly b: number;
}

/** Fresh random seeds: the same key gets unrelated fingerprints under different seeds. */
export function newKeySeeds(): KeySeeds {
  const seeds = new Int32Array(2);
  randomFillSync(seeds);
  return { a: seeds[0]! ^ 0x811c9dc5, b: seeds[1]! };
}

const PROCESS_SEEDS = newKeySeeds();

/** The halves of the last {@link fingerprint} (a scratch record: no allocation per key). */
export const fingerprintOf = { high: -1, low: 0 };

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Fingerprints `key` into {@link fingerprintOf}, under seeds `seedA`, `seedB` (the process's own by default). */
export function fingerprint(key: string, seedA: number = PROCESS_SEEDS.a, seedB: number = PROCESS_SEEDS.b): void {
  let a = seedA;
  let b = seedB ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  fingerprintOf.high = avalanche(a) | 0x80000000;
  fingerprintOf.low = avalanche(b);
}

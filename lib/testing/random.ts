/**
 * A small seeded PRNG so that every "random" failure in a test can be replayed exactly.
 */
import { TestingOptionError } from './errors.ts';

/** A function returning floats in [0, 1), like `Math.random`, but reproducible. */
export type RandomSource = () => number;

/**
 * Seed used by the fakes when none is given. Fixed (not time-based) so that a failing test
 * fails the same way on the next run.
 * @defaultValue `0x5eed`
 */
export const DEFAULT_SEED = 0x5eed;

/**
 * Returns a mulberry32 generator: fast, 32 bits of state, good enough to schedule failures
 * (not for cryptography). The same seed always yields the same sequence.
 *
 * @param seed - any finite number; only its low 32 bits are used.
 * @throws {@link TestingOptionError} when `seed` is not a finite number.
 */
export function createSeededRandom(seed: number = DEFAULT_SEED): RandomSource {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TestingOptionError('seed', 'must be a finite number', seed);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds any limiter from a plain, serialisable description (used by keyed limiters, which
 * create one limiter per key, and by configuration files).
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkOneOf } from '../validate.ts';
import { FixedWindow, type WindowOptions } from './fixed-window.ts';
import { LeakyBucket, type LeakyBucketOptions } from './leaky-bucket.ts';
import { SlidingWindow } from './sliding-window.ts';
import { TokenBucket, type TokenBucketOptions } from './token-bucket.ts';
import type { RateLimiter, RateLimiterCommonOptions } from './types.ts';

/** The algorithm names. */
export const RATE_ALGORITHMS = ['token-bucket', 'sliding-window', 'fixed-window', 'leaky-bucket'] as const;
/** One of {@link RATE_ALGORITHMS}. */
export type RateAlgorithm = (typeof RATE_ALGORITHMS)[number];

/** A limiter described as data. */
export type RateLimiterSpec =
  | ({
      /** Which algorithm. */
      algorithm: 'token-bucket';
    } & TokenBucketOptions &
      RateLimiterCommonOptions)
  | ({
      /** Which algorithm. */
      algorithm: 'sliding-window';
    } & WindowOptions &
      RateLimiterCommonOptions)
  | ({
      /** Which algorithm. */
      algorithm: 'fixed-window';
    } & WindowOptions &
      RateLimiterCommonOptions)
  | ({
      /** Which algorithm. */
      algorithm: 'leaky-bucket';
    } & LeakyBucketOptions &
      RateLimiterCommonOptions);

/** The spec of one algorithm. */
type SpecOf<A extends RateAlgorithm> = Extract<RateLimiterSpec, { algorithm: A }>;

/** The keys of each algorithm's spec (a compile error until a new option is listed). */
export const RATE_LIMITER_SPEC_KEYS: { readonly [A in RateAlgorithm]: readonly (keyof SpecOf<A>)[] } = {
  'token-bucket': optionKeys<SpecOf<'token-bucket'>>()(['algorithm', 'name', 'ratePerSec', 'burst']),
  'sliding-window': optionKeys<SpecOf<'sliding-window'>>()(['algorithm', 'name', 'limit', 'windowMs']),
  'fixed-window': optionKeys<SpecOf<'fixed-window'>>()(['algorithm', 'name', 'limit', 'windowMs']),
  'leaky-bucket': optionKeys<SpecOf<'leaky-bucket'>>()(['algorithm', 'name', 'ratePerSec', 'capacity']),
};

/**
 * Creates the limiter a spec describes (validating it). `prefix` is the spec's place in the
 * caller's options, named when the spec has an unknown key (`rateLimit.burts`).
 */
export function createRateLimiter(spec: RateLimiterSpec, clock: Clock = systemClock, prefix = 'rateLimit'): RateLimiter<object> {
  const algorithm = checkOneOf('algorithm', (spec as { algorithm?: unknown } | undefined)?.algorithm, RATE_ALGORITHMS);
  checkKnownKeys(prefix, spec, RATE_LIMITER_SPEC_KEYS[algorithm] as readonly string[]);
  const { algorithm: _a, ...options } = spec;
  switch (algorithm) {
    case 'token-bucket':
      return new TokenBucket(options, clock);
    case 'sliding-window':
      return new SlidingWindow(options, clock);
    case 'fixed-window':
      return new FixedWindow(options, clock);
    default:
      return new LeakyBucket(options, clock);
  }
}

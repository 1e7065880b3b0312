/**
 * Builds any limiter from a plain, serialisable description (used by keyed limiters, which
 * create one limiter per key, and by configuration files).
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { checkOneOf } from '../validate.ts';
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
  | ({ algorithm: 'token-bucket' } & TokenBucketOptions & RateLimiterCommonOptions)
  | ({ algorithm: 'sliding-window' } & WindowOptions & RateLimiterCommonOptions)
  | ({ algorithm: 'fixed-window' } & WindowOptions & RateLimiterCommonOptions)
  | ({ algorithm: 'leaky-bucket' } & LeakyBucketOptions & RateLimiterCommonOptions);

/** Creates the limiter a spec describes (validating it). */
export function createRateLimiter(spec: RateLimiterSpec, clock: Clock = systemClock): RateLimiter<object> {
  const algorithm = checkOneOf('algorithm', (spec as { algorithm?: unknown } | undefined)?.algorithm, RATE_ALGORITHMS);
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

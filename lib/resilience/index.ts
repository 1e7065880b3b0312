/**
 * Resilience: circuit breakers, retry, rate limits, bulkheads, resource guards, timeouts,
 * error classification and recovery, and the protector that composes them.
 */
export * from './errors.ts';
export { Emitter, disposable, type Disposable } from './emitter.ts';
export type * from './events.ts';

export * from './breaker/types.ts';
export * from './breaker/options.ts';
export { breakerMachine, type BreakerMachineContext, type BreakerMachineEvent, type BreakerMachineInput, type BreakerMachineState } from './breaker/machine.ts';
export { CircuitBreaker, createCircuitBreaker, type BreakerCall } from './breaker/breaker.ts';

export * from './retry/options.ts';
export { RetryPolicy, createRetry, type RetryAttempt, type RetryExecuteOptions, type RetryNotice } from './retry/policy.ts';

export * from './rate/types.ts';
export { TokenBucket, createTokenBucket, DEFAULT_RATE_PER_SEC, DEFAULT_BURST_SECONDS, type TokenBucketOptions } from './rate/token-bucket.ts';
export { FixedWindow, createFixedWindow, DEFAULT_WINDOW_LIMIT, DEFAULT_WINDOW_MS, type WindowOptions } from './rate/fixed-window.ts';
export { SlidingWindow, createSlidingWindow } from './rate/sliding-window.ts';
export { LeakyBucket, createLeakyBucket, DEFAULT_LEAKY_CAPACITY, type LeakyBucketOptions } from './rate/leaky-bucket.ts';
export { createRateLimiter, RATE_ALGORITHMS, type RateAlgorithm, type RateLimiterSpec } from './rate/create.ts';
export * from './rate/keyed.ts';
export * from './rate/combined.ts';

export * from './isolation/bulkhead.ts';
export * from './isolation/resource-guard.ts';
export * from './isolation/timeout.ts';

export * from './classify/categories.ts';
export * from './classify/classifier.ts';
export * from './classify/recovery.ts';
export * from './classify/audit-log.ts';

export * from './protector/options.ts';
export { Protector, createProtector } from './protector/protector.ts';

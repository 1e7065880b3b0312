/**
 * `plexus/resilience`: circuit breakers, retry, rate limits, bulkheads, resource guards,
 * timeouts, error classification and recovery, and the protector that composes them. Usable
 * without a network; a network's `protect()` builds on the same parts. Every part is made by a
 * `createX` factory that takes one options object (with an optional `clock` for virtual time).
 * @packageDocumentation
 */

// Circuit breaker.
export { createCircuitBreaker, type CircuitBreaker, type BreakerCall } from './breaker/breaker.ts';
export { BREAKER_STATE_CODE, type BreakerState, type BreakerStateCode, type BreakerEvent, type BreakerTransition, type BreakerHealth, type BreakerSnapshot } from './breaker/types.ts';
export {
  DEFAULT_FAILURE_THRESHOLD, DEFAULT_RESET_TIMEOUT_MS, DEFAULT_OPERATION_RESET_TIMEOUT_MS, DEFAULT_HALF_OPEN_MAX_PROBES, DEFAULT_SUCCESS_THRESHOLD,
  DEFAULT_ERROR_RATE_THRESHOLD, DEFAULT_MINIMUM_VOLUME, type BreakerOptions, type ErrorRateOptions,
} from './breaker/options.ts';

// Retry.
export { createRetry, type RetryPolicy, type RetryAttempt, type RetryExecuteOptions, type RetryNotice } from './retry/policy.ts';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_DELAY_MS, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY_MS, DEFAULT_JITTER, JITTER_MODES, type JitterMode, type RetryFilter, type RetryOptions } from './retry/options.ts';

// Rate limits.
export type { RateLimiter, RateDecision, AcquireOptions, RateLimiterCommonOptions } from './rate/types.ts';
export { createRateLimiter, RATE_ALGORITHMS, type RateAlgorithm, type RateLimiterSpec } from './rate/create.ts';
export { createTokenBucket, type TokenBucket, type TokenBucketOptions } from './rate/token-bucket.ts';
export { createFixedWindow, type FixedWindow, type WindowOptions } from './rate/fixed-window.ts';
export { createSlidingWindow, type SlidingWindow } from './rate/sliding-window.ts';
export { createLeakyBucket, type LeakyBucket, type LeakyBucketOptions } from './rate/leaky-bucket.ts';
export { createKeyedRateLimiter, type KeyedRateLimiter, type KeyedRateLimiterOptions } from './rate/keyed.ts';
export { createCombinedRateLimiter, type CombinedRateLimiter, type CombinedRateLimiterOptions, type CombinedAcquireOptions } from './rate/combined.ts';

// Isolation.
export { createBulkhead, type Bulkhead, type BulkheadOptions, type BulkheadAcquireOptions, type Permit } from './isolation/bulkhead.ts';
export { createResourceGuard, type ResourceGuard, type ResourceGuardOptions } from './isolation/resource-guard.ts';
export { withTimeout, DEFAULT_TIMEOUT_MS, type WithTimeoutOptions } from './isolation/timeout.ts';

// Classification and recovery.
export { ErrorCategory, ErrorSeverity, type Classification, type ClassifiedError, type ClassifierRule, type ErrorContext } from './classify/categories.ts';
export { createErrorClassifier, builtInClassification, type ErrorClassifier, type ErrorClassifierOptions } from './classify/classifier.ts';
export { RecoveryStrategy, type RecoveryRecord, type Fallback } from './classify/recovery.ts';
export type { AuditLog, AuditEntry, AuditLogOptions } from './classify/audit-log.ts';

// The protector: every safeguard around one operation.
export { createProtector, type Protector } from './protector/protector.ts';
export type { ProtectorOptions, ProtectorRateLimits, ProtectorSettings, ProtectedCallOptions, ProtectorMetrics } from './protector/options.ts';
export type { DisposableHandle } from './emitter.ts';
export type * from './events.ts';

// Errors (the same classes as in `plexus`).
export {
  InvalidOptionsError, BreakerOpenError, BreakerDisposedError, RateLimitedError, BulkheadFullError, ResourceExhaustedError, TimeoutError, ShuttingDownError,
} from './errors.ts';

/**
 * `plexus/resilience`: circuit breakers, retry, rate limits, bulkheads, resource guards,
 * timeouts, error classification and recovery, and the protector that composes them. Usable
 * without a network; a network's `protect()` builds on the same parts. Every part is made by a
 * `createX` factory that takes one options object (with an optional `clock` for virtual time).
 * @packageDocumentation
 * @module plexus/resilience
 */

// Circuit breaker.
export { createCircuitBreaker, type CircuitBreaker, type BreakerCall } from './breaker/breaker.ts';
export {
  BREAKER_STATE_CODE,
  type BreakerState,
  type BreakerStateCode,
  type BreakerEvent,
  type BreakerTransition,
  type BreakerHealth,
  type BreakerSnapshot,
  type BreakerWindowBucket,
} from './breaker/types.ts';
export {
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_RESET_TIMEOUT_MS,
  DEFAULT_OPERATION_RESET_TIMEOUT_MS,
  DEFAULT_HALF_OPEN_MAX_PROBES,
  DEFAULT_SUCCESS_THRESHOLD,
  DEFAULT_ERROR_RATE_THRESHOLD,
  DEFAULT_MINIMUM_VOLUME,
  DEFAULT_ERROR_RATE_WINDOW_MS,
  DEFAULT_ERROR_RATE_BUCKETS,
  type BreakerOptions,
  type ResolvedBreakerOptions,
  type ErrorRateOptions,
  type ResolvedErrorRate,
} from './breaker/options.ts';

// Retry.
export { createRetry, type RetryPolicy, type RetryAttempt, type RetryExecuteOptions, type RetryNotice } from './retry/policy.ts';
export {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MULTIPLIER,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_JITTER,
  DEFAULT_JITTER_MODE,
  JITTER_MODES,
  type JitterMode,
  type RetryFilter,
  type RetryOptions,
  type ResolvedRetryOptions,
} from './retry/options.ts';

// Rate limits.
export { DEFAULT_ACQUIRE_TIMEOUT_MS, type RateLimiter, type RateDecision, type AcquireOptions, type RateLimiterCommonOptions } from './rate/types.ts';
export type { RateLimiterBase } from './rate/base.ts';
export { createRateLimiter, RATE_ALGORITHMS, type RateAlgorithm, type RateLimiterSpec } from './rate/create.ts';
export { createTokenBucket, DEFAULT_RATE_PER_SEC, DEFAULT_BURST_SECONDS, type TokenBucket, type TokenBucketOptions } from './rate/token-bucket.ts';
export { createFixedWindow, DEFAULT_WINDOW_LIMIT, DEFAULT_WINDOW_MS, type FixedWindow, type WindowOptions } from './rate/fixed-window.ts';
export { createSlidingWindow, type SlidingWindow } from './rate/sliding-window.ts';
export { createLeakyBucket, DEFAULT_LEAKY_CAPACITY, type LeakyBucket, type LeakyBucketOptions } from './rate/leaky-bucket.ts';
export { createKeyedRateLimiter, DEFAULT_MAX_KEYS, DEFAULT_KEY_IDLE_MS, type KeyedRateLimiter, type KeyedRateLimiterOptions } from './rate/keyed.ts';
export { createCombinedRateLimiter, type CombinedRateLimiter, type CombinedRateLimiterOptions, type CombinedAcquireOptions } from './rate/combined.ts';

// Isolation.
export {
  createBulkhead,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_MAX_QUEUE,
  DEFAULT_QUEUE_TIMEOUT_MS,
  type Bulkhead,
  type ResolvedBulkheadOptions,
  type BulkheadOptions,
  type BulkheadAcquireOptions,
  type Permit,
} from './isolation/bulkhead.ts';
export {
  createResourceGuard,
  DEFAULT_MAX_HEAP_RATIO,
  DEFAULT_SAMPLE_INTERVAL_MS,
  type ResourceGuard,
  type ResolvedResourceGuardOptions,
  type ResourceGuardOptions,
} from './isolation/resource-guard.ts';
export { withTimeout, DEFAULT_TIMEOUT_MS, type WithTimeoutOptions } from './isolation/timeout.ts';

// Classification and recovery.
export { ErrorCategory, ErrorSeverity, DEFAULT_SEVERITY, type Classification, type ClassifiedError, type ClassifierRule, type ErrorContext } from './classify/categories.ts';
export { createErrorClassifier, builtInClassification, DEFAULT_CAUSE_DEPTH, type ErrorClassifier, type ErrorClassifierOptions } from './classify/classifier.ts';
export { RecoveryStrategy, type RecoveryRecord, type Fallback } from './classify/recovery.ts';
export { DEFAULT_AUDIT_CAPACITY, type AuditLog, type AuditEntry, type AuditLogOptions } from './classify/audit-log.ts';

// The protector: every safeguard around one operation.
export { createProtector, type Protector } from './protector/protector.ts';
export {
  DEFAULT_PROTECTOR_NAME,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  type ProtectorOptions,
  type ProtectorRateLimits,
  type ProtectorSettings,
  type ProtectedCallOptions,
  type ProtectorMetrics,
} from './protector/options.ts';
export type { DisposableHandle } from './emitter.ts';
export type * from './events.ts';
export type { ResilienceEventBase, RefusalReason } from './events.ts';

// Types from `plexus` that signatures here use, so this door stands on its own.
export type { PlexusError, ErrorInfo } from '../util/errors.ts';
export type { Clock, TimerHandle } from '../util/clock.ts';
export type { SignalDraft } from '../signal/signal.ts';

// Errors (the same classes as in `plexus`).
export {
  InvalidOptionsError,
  BreakerOpenError,
  BreakerDisposedError,
  RateLimitedError,
  BulkheadFullError,
  ResourceExhaustedError,
  TimeoutError,
  ShuttingDownError,
} from './errors.ts';

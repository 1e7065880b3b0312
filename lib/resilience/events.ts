/**
 * The typed events of the resilience layer, each with `kind` and `at`. Leaf file (types only).
 * Breaker transitions are the same `BreakerEvent` the network forwards to its `events$`.
 */
import type { BreakerEvent } from './breaker/types.ts';
import type { ErrorInfo } from '../util/errors.ts';
import type { ClassifiedError } from './classify/categories.ts';
import type { RecoveryStrategy } from './classify/recovery.ts';

export type { BreakerEvent } from './breaker/types.ts';

/** What every resilience event carries. */
export interface ResilienceEventBase {
  /** Clock time (ms). */
  readonly at: number;
  /** The protected operation (or breaker) name. */
  readonly name: string;
}

/** A call was refused by a rate limit. */
export interface RateLimitedEvent extends ResilienceEventBase {
  /** Discriminant. */
  readonly kind: 'rate-limited';
  /** The per-key limit key of the call, if any. */
  readonly key: string | undefined;
  /** When the limit lets the next call through (ms from now). */
  readonly retryAfterMs: number;
}

/** An attempt failed and another will run after `delayMs`. */
export interface RetryEvent extends ResilienceEventBase {
  /** Discriminant. */
  readonly kind: 'retry';
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** The wait before the next attempt (ms). */
  readonly delayMs: number;
  /** What the failed attempt threw. */
  readonly error: ErrorInfo;
}

/** A recovery strategy ran. */
export interface RecoveryEvent extends ResilienceEventBase {
  /** Discriminant. */
  readonly kind: 'recovery';
  /** The strategy that ran. */
  readonly strategy: RecoveryStrategy;
  /** True when the strategy produced the result. */
  readonly succeeded: boolean;
  /** Id of the classified error it answered, if any. */
  readonly errorId: string | undefined;
  /** Attempts made before it ran. */
  readonly attempts: number;
}

/** Why a safeguard refused a call before it ran. */
export type RefusalReason = 'shutting-down' | 'resource-exhausted' | 'bulkhead-full' | 'breaker-open';

/** A safeguard other than the rate limiter refused a call before it ran. */
export interface RefusedEvent extends ResilienceEventBase {
  /** Discriminant. */
  readonly kind: 'refused';
  /** Which safeguard refused. */
  readonly reason: RefusalReason;
  /** The error the caller got. */
  readonly error: ErrorInfo;
}

/** An operation failed for good (after retries and without a recovery that produced a result). */
export interface OperationFailedEvent extends ResilienceEventBase {
  /** Discriminant. */
  readonly kind: 'operation-failed';
  /** The final error, classified. */
  readonly error: ClassifiedError;
  /** Attempts made. */
  readonly attempts: number;
}

/** Every resilience event. */
export type ResilienceEvent = RateLimitedEvent | RetryEvent | RecoveryEvent | RefusedEvent | OperationFailedEvent | BreakerEvent;

/** The `kind`s of {@link ResilienceEvent}. */
export type ResilienceEventKind = ResilienceEvent['kind'];

/**
 * Shapes shared by the breaker machine, the runtime class and their users. Leaf file.
 */
/** The three public states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A breaker changed state (also on `network.events$`). */
export interface BreakerEvent {
  /** Discriminant. */
  readonly kind: 'breaker';
  /** Clock time (ms). */
  readonly at: number;
  /** Breaker name: a node name, or `op:<operation>` for protected operations. */
  readonly name: string;
  /** The state before. */
  readonly from: BreakerState;
  /** The state now. */
  readonly to: BreakerState;
  /** Failure-and-load pressure 0..1 at the change. */
  readonly pressureLevel: number;
  /** On a change to `open`: what to do about it, the runbook entry `docs/operations.md#breaker-open`. */
  readonly runbook?: string;
}

/** Gauge values for {@link BreakerState}, as exported to metrics: 0 closed, 1 open, 2 half-open. */
export const BREAKER_STATE_CODE = Object.freeze({
  /** Calls go through. */
  closed: 0,
  /** Calls are refused (or held). */
  open: 1,
  /** A few probe calls test whether to close. */
  'half-open': 2,
} as const);

/** A numeric gauge value of a breaker state. */
export type BreakerStateCode = (typeof BREAKER_STATE_CODE)[BreakerState];

/**
 * A state change, as published on `state$`. It is the network's {@link BreakerEvent}, so the
 * runtime can forward it to `events$` untouched.
 */
export type BreakerTransition = BreakerEvent;

/** The health view of a breaker (REFERENCE.md "Circuit breaker"). */
export interface BreakerHealth {
  /** The state now. */
  readonly state: BreakerState;
  /** Failures recorded since creation or the last `reset()`. */
  readonly failureCount: number;
  /** Successes recorded since creation or the last `reset()`. */
  readonly successCount: number;
  /** 0..1, see `CircuitBreaker.pressureLevel`. */
  readonly pressureLevel: number;
}

/** One time bucket of a breaker's error-rate window, in a {@link BreakerSnapshot}. */
export interface BreakerWindowBucket {
  /** Clock time (ms) the bucket began. */
  readonly startedAt: number;
  /** Calls recorded in the bucket. */
  readonly calls: number;
  /** Failures among them. */
  readonly failures: number;
}

/** A JSON-serialisable picture of a breaker, for persistence across restarts. */
export interface BreakerSnapshot {
  /**
   * Format version of this snapshot: 2 carries the error-rate window (`errorRateWindow`);
   * `restore()` still takes 1 (without it).
   */
  readonly version: 1 | 2;
  /** The breaker name. */
  readonly name: string;
  /** The state at the snapshot. */
  readonly state: BreakerState;
  /** Forced open by `isolate()`; stays open until `reset()`. */
  readonly isolated: boolean;
  /** Clock time when the breaker may go half-open (open and not isolated), else `null`. */
  readonly openUntil: number | null;
  /** Failures in a row since the last success. */
  readonly consecutiveFailures: number;
  /** Failures recorded since creation or the last reset(). */
  readonly failureCount: number;
  /** Successes recorded since creation or the last reset(). */
  readonly successCount: number;
  /** Times the breaker opened. */
  readonly trips: number;
  /** Clock time of the snapshot. */
  readonly at: number;
  /**
   * The error-rate window's buckets still in the window at the snapshot, oldest first (version
   * 2; `null` without error-rate mode). Restored, they count toward `minimumVolume` and the rate
   * for as long as they would have stayed in the window.
   */
  readonly errorRateWindow?: readonly BreakerWindowBucket[] | null;
}

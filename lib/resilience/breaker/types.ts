/**
 * Shapes shared by the breaker machine, the runtime class and their users. Leaf file.
 */
/** The three public states of a circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A breaker changed state (also on `network.events$`). */
export interface BreakerEvent {
  readonly kind: 'breaker';
  /** Clock time (ms). */
  readonly at: number;
  /** Breaker name: a node name, or `op:<operation>` for protected operations. */
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly pressureLevel: number;
}

/** Gauge values for {@link BreakerState}, as exported to metrics: 0 closed, 1 open, 2 half-open. */
export const BREAKER_STATE_CODE = Object.freeze({ closed: 0, open: 1, 'half-open': 2 } as const);

/** A numeric gauge value of a breaker state. */
export type BreakerStateCode = (typeof BREAKER_STATE_CODE)[BreakerState];

/**
 * A state change, as published on `state$`. It is the network's {@link BreakerEvent}, so the
 * runtime can forward it to `events$` untouched.
 */
export type BreakerTransition = BreakerEvent;

/** The health view of a breaker (REFERENCE.md "Circuit breaker"). */
export interface BreakerHealth {
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
  readonly calls: number;
  readonly failures: number;
}

/** A JSON-serialisable picture of a breaker, for persistence across restarts. */
export interface BreakerSnapshot {
  /**
   * Format version of this snapshot: 2 carries the error-rate window (`errorRateWindow`);
   * `restore()` still takes 1 (without it).
   */
  readonly version: 1 | 2;
  readonly name: string;
  readonly state: BreakerState;
  /** Forced open by `isolate()`; stays open until `reset()`. */
  readonly isolated: boolean;
  /** Clock time when the breaker may go half-open (open and not isolated), else `null`. */
  readonly openUntil: number | null;
  readonly consecutiveFailures: number;
  readonly failureCount: number;
  readonly successCount: number;
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

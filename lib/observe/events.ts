/**
 * Everything observable about a network is one of these typed events on `network.events$`.
 * Leaf file: imports only types.
 */
import type { BreakerEvent, OperationFailedEvent, RateLimitedEvent, RecoveryEvent, RefusedEvent, RetryEvent } from '../resilience/events.ts';
import type { Signal } from '../signal/signal.ts';
import type { ErrorInfo } from '../util/errors.ts';

/** Why a send was refused. */
export type RejectReason = 'backpressure' | 'shutting-down' | 'invalid' | 'rate-limited' | 'unknown-target' | 'not-started' | 'resource-exhausted' | 'causation-depth';

/**
 * Why a signal went to the dead letter queue. `max-deliveries`: a transport delivered it as
 * often as allowed and this process still could not take it. `transport-failed`: publishing it
 * to a node of another process failed (the error is kept).
 */
export type DeadLetterReason =
  | 'handler-failed'
  | 'unsupported-version'
  | 'invalid-payload'
  | 'max-deliveries'
  | 'transport-failed'
  | 'breaker-open'
  | 'timeout'
  | 'shutdown-forced';

interface Base {
  /** Clock time (ms). */
  readonly at: number;
}

interface SignalBase extends Base {
  readonly node: string;
  readonly signalId: string;
  readonly signalType: string;
  readonly correlationId: string;
  readonly signal: Signal;
}

export interface AcceptedEvent extends SignalBase { readonly kind: 'accepted'; readonly partition: number }
export interface DuplicateEvent extends SignalBase { readonly kind: 'duplicate'; readonly idempotencyKey: string }
export interface RejectedEvent extends Base {
  readonly kind: 'rejected';
  readonly node: string;
  readonly reason: RejectReason;
  readonly error: ErrorInfo;
  readonly signalType: string | undefined;
  readonly correlationId: string | undefined;
}
export interface StartedEvent extends SignalBase { readonly kind: 'started'; readonly partition: number; readonly attempt: number }
export interface CompletedEvent extends SignalBase {
  readonly kind: 'completed';
  readonly partition: number;
  readonly attempt: number;
  readonly durationMs: number;
}
export interface FailedEvent extends SignalBase {
  readonly kind: 'failed';
  readonly partition: number;
  readonly attempt: number;
  readonly error: ErrorInfo;
}
export interface RetriedEvent extends SignalBase {
  readonly kind: 'retried';
  readonly partition: number;
  /** The attempt that is about to run. */
  readonly attempt: number;
  readonly delayMs: number;
}
export interface DeadLetteredEvent extends SignalBase {
  readonly kind: 'dead-lettered';
  readonly reason: DeadLetterReason;
  readonly error: ErrorInfo;
  readonly attempts: number;
}
/** A dead letter pushed out of a full DLQ (it is also counted). */
export interface DlqOverflowEvent extends SignalBase { readonly kind: 'dlq-overflow' }
/** Mailbox fill crossed a watermark. */
export interface PressureEvent extends Base {
  readonly kind: 'pressure';
  readonly node: string;
  readonly level: 'normal' | 'warning' | 'critical';
  /** Queued / capacity, 0..1. */
  readonly fill: number;
}
/**
 * A transport failed to connect, publish, consume, decode or ack; also in the audit log.
 * (Publish failures also dead-letter their signal with reason `transport-failed`.)
 */
export interface TransportErrorEvent extends Base {
  readonly kind: 'transport-error';
  /** Which transport, e.g. `nats`. */
  readonly transport: string;
  /** What it was doing, e.g. `transport.publish`, `transport.decode`, `transport.connection`. */
  readonly operation: string;
  /** The node concerned, when there is one. */
  readonly node: string | undefined;
  readonly error: ErrorInfo;
}
/**
 * A subscriber of `network.events$` threw (or a `pipe` of its own failed with no `error`
 * callback to take it). The error was caught and counted (`network.counts().subscriberErrors`,
 * `plexus_event_subscriber_errors_total`); the network and the other subscribers went on.
 */
export interface SubscriberErrorEvent extends Base {
  readonly kind: 'subscriber-error';
  /** The kind of event the subscriber was handling (`undefined` for an error or completion). */
  readonly eventKind: string | undefined;
  readonly error: ErrorInfo;
}
export interface ShutdownPhaseEvent extends Base { readonly kind: 'shutdown-phase'; readonly phase: string }

/**
 * The overall health status, or a component's, changed (see `network.health()`). `component` is
 * undefined when the overall status changed because a component was added or removed.
 */
export interface HealthEvent extends Base {
  readonly kind: 'health';
  /** The overall status now. */
  readonly status: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  /** The overall status before (equal to `status` when only a component changed). */
  readonly previous: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  readonly component: string | undefined;
  readonly componentStatus: 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | undefined;
}

/**
 * A value of `network.context` changed: set (new, changed, or from another publisher), expired
 * (its TTL passed) or removed.
 */
export interface ContextEvent extends Base {
  readonly kind: 'context';
  readonly change: 'set' | 'expired' | 'removed';
  readonly key: string;
  readonly publisher: string;
  /** The value now (a JSON value); undefined when it expired or was removed. */
  readonly value: unknown;
}

export type SignalEvent =
  | AcceptedEvent
  | DuplicateEvent
  | RejectedEvent
  | StartedEvent
  | CompletedEvent
  | FailedEvent
  | RetriedEvent
  | DeadLetteredEvent
  | DlqOverflowEvent;

/** A node's rate limit held a signal back (it waits; nothing is refused). */
export interface ThrottledEvent extends SignalBase {
  readonly kind: 'throttled';
  readonly partition: number;
  readonly retryAfterMs: number;
}

/**
 * The node's breaker holds a signal in its partition: open (or half-open with every probe slot
 * taken), it lets the signal wait rather than fail it. Emitted each time a signal is put to
 * wait (again after a half-open probe let another one through first).
 */
export interface HeldEvent extends SignalBase {
  readonly kind: 'held';
  readonly partition: number;
  readonly reason: 'breaker-open';
  /** Milliseconds until the breaker tries again (`Infinity` while isolated; 0 when half-open). */
  readonly retryAfterMs: number;
}

export type { BreakerEvent, RateLimitedEvent, RetryEvent, RecoveryEvent, RefusedEvent, OperationFailedEvent };

/** Every event kind on `network.events$`: signal life, flow control, breakers, protected operations, shutdown. */
export type NetworkEvent =
  | SignalEvent
  | ThrottledEvent
  | HeldEvent
  | PressureEvent
  | BreakerEvent
  | ShutdownPhaseEvent
  | HealthEvent
  | ContextEvent
  | SubscriberErrorEvent
  | TransportErrorEvent
  | RateLimitedEvent
  | RetryEvent
  | RecoveryEvent
  | RefusedEvent
  | OperationFailedEvent;

export type NetworkEventKind = NetworkEvent['kind'];

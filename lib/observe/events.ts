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
export type DeadLetterReason = 'handler-failed' | 'unsupported-version' | 'invalid-payload' | 'max-deliveries' | 'transport-failed' | 'breaker-open' | 'timeout' | 'shutdown-forced';

/** What every network event carries. */
export interface EventBase {
  /** Clock time (ms). */
  readonly at: number;
}

/** What every event about one signal carries. */
export interface SignalEventBase extends EventBase {
  /** The node the signal is addressed to. */
  readonly node: string;
  /** The signal's id. */
  readonly signalId: string;
  /** The signal's type. */
  readonly signalType: string;
  /** The correlation id the signal carries (shared by everything one request caused). */
  readonly correlationId: string;
  /** The signal itself. */
  readonly signal: Signal;
}

/** A node accepted a signal into a mailbox partition. */
export interface AcceptedEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'accepted';
  /** The mailbox partition that holds it. */
  readonly partition: number;
}
/** A signal was recognised as a duplicate (same idempotency key within the window) and dropped. */
export interface DuplicateEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'duplicate';
  /** The key that matched. */
  readonly idempotencyKey: string;
}
/** A send was refused before any node took the signal (see `reason`). */
export interface RejectedEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'rejected';
  /** The node the send was addressed to. */
  readonly node: string;
  /** Why it was refused. */
  readonly reason: RejectReason;
  /** The error the sender got. */
  readonly error: ErrorInfo;
  /** The draft's type, when it had a valid one. */
  readonly signalType: string | undefined;
  /** The draft's correlation id, when it had one. */
  readonly correlationId: string | undefined;
}
/** A handler attempt started. */
export interface StartedEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'started';
  /** The partition the signal is handled from. */
  readonly partition: number;
  /** The attempt (1-based). */
  readonly attempt: number;
}
/** A handler attempt succeeded; the signal is done. */
export interface CompletedEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'completed';
  /** The partition the signal was handled from. */
  readonly partition: number;
  /** The attempt that succeeded (1-based). */
  readonly attempt: number;
  /** How long that attempt took (ms). */
  readonly durationMs: number;
}
/** A handler attempt failed (a retry or a dead letter follows). */
export interface FailedEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'failed';
  /** The partition the signal is handled from. */
  readonly partition: number;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** What the handler threw. */
  readonly error: ErrorInfo;
}
/** A failed signal will be tried again after `delayMs`. */
export interface RetriedEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'retried';
  /** The partition the signal is handled from. */
  readonly partition: number;
  /** The attempt that is about to run. */
  readonly attempt: number;
  /** The wait before it (ms). */
  readonly delayMs: number;
}
/** A signal went to the dead letter queue (see `reason`). */
export interface DeadLetteredEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'dead-lettered';
  /** Why it was given up. */
  readonly reason: DeadLetterReason;
  /** The last error. */
  readonly error: ErrorInfo;
  /** Attempts made. */
  readonly attempts: number;
}
/** A dead letter pushed out of a full DLQ (it is also counted). */
export interface DlqOverflowEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'dlq-overflow';
}
/** Mailbox fill crossed a watermark. */
export interface PressureEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'pressure';
  /** The node whose mailbox it is. */
  readonly node: string;
  /** The level now: `warning` from 80% fill, `critical` (producers refused) from 95%. */
  readonly level: 'normal' | 'warning' | 'critical';
  /** Queued / capacity, 0..1. */
  readonly fill: number;
}
/**
 * A transport failed to connect, publish, consume, decode or ack; also in the audit log.
 * (Publish failures also dead-letter their signal with reason `transport-failed`.)
 */
export interface TransportErrorEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'transport-error';
  /** Which transport, e.g. `nats`. */
  readonly transport: string;
  /** What it was doing, e.g. `transport.publish`, `transport.decode`, `transport.connection`. */
  readonly operation: string;
  /** The node concerned, when there is one. */
  readonly node: string | undefined;
  /** What failed. */
  readonly error: ErrorInfo;
}
/**
 * A subscriber of `network.events$` threw (or a `pipe` of its own failed with no `error`
 * callback to take it). The error was caught and counted (`network.counts().subscriberErrors`,
 * `plexus_event_subscriber_errors_total`); the network and the other subscribers went on.
 */
export interface SubscriberErrorEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'subscriber-error';
  /** The kind of event the subscriber was handling (`undefined` for an error or completion). */
  readonly eventKind: string | undefined;
  /** What the subscriber threw. */
  readonly error: ErrorInfo;
}
/** Shutdown entered a phase (see `SHUTDOWN_PHASES`). */
export interface ShutdownPhaseEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'shutdown-phase';
  /** The phase entered. */
  readonly phase: string;
}

/**
 * A shutdown handler (`network.onShutdown`) ended: `ok`, `error` (it threw or rejected) or
 * `timeout` (the shutdown stopped waiting for it). The shutdown went on either way.
 */
export interface ShutdownHandlerEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'shutdown-handler';
  /** The phase it ran in (`save-state` or `cleanup-resources`). */
  readonly phase: string;
  /** The name it was registered under. */
  readonly name: string;
  /** How it ended. */
  readonly outcome: 'ok' | 'error' | 'timeout';
  /** How long the shutdown waited for it (ms). */
  readonly durationMs: number;
  /** What it threw, or which limit it outlasted; undefined when `ok`. */
  readonly error: string | undefined;
}

/**
 * The process received a signal hooked by `network.shutdownOnSignals()`: the first starts the
 * graceful shutdown (`shutdown`), a later one forces it (`force`).
 */
export interface ProcessSignalEvent extends EventBase {
  /** Discriminant. */
  readonly kind: 'process-signal';
  /** The signal, e.g. `SIGTERM`. */
  readonly signal: string;
  /** What it did. */
  readonly action: 'shutdown' | 'force';
  /** Signals received so far, this one included. */
  readonly count: number;
}

/**
 * The overall health status, or a component's, changed (see `network.health()`). `component` is
 * undefined when the overall status changed because a component was added or removed.
 */
export interface HealthEvent extends EventBase {
  /** Always `'health'`. */
  readonly kind: 'health';
  /** The overall status now. */
  readonly status: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  /** The overall status before (equal to `status` when only a component changed). */
  readonly previous: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  /** The component whose status changed, if one did. */
  readonly component: string | undefined;
  /** That component's status now. */
  readonly componentStatus: 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | undefined;
}

/**
 * A value of `network.context` changed: set (new, changed, or from another publisher), expired
 * (its TTL passed) or removed.
 */
export interface ContextEvent extends EventBase {
  /** Always `'context'`. */
  readonly kind: 'context';
  /** What happened to the key. */
  readonly change: 'set' | 'expired' | 'removed';
  /** The key that changed. */
  readonly key: string;
  /** Who published the value. */
  readonly publisher: string;
  /** The value now (a JSON value); undefined when it expired or was removed. */
  readonly value: unknown;
}

/**
 * An alert rule's alert fired (its condition held for the rule's `forMs`) or resolved (it no
 * longer holds). See `network.alerts`.
 */
export interface AlertEvent extends EventBase {
  /** Always `'alert'`. */
  readonly kind: 'alert';
  /** The rule's name. */
  readonly alert: string;
  /** The rule's severity. */
  readonly severity: 'warning' | 'critical';
  /** The rule's runbook entry (an anchor in docs/operations.md). */
  readonly runbook: string;
  /** Fired or resolved. */
  readonly state: 'firing' | 'resolved';
  /** When the condition was first seen to hold (ms). */
  readonly since: number;
}

/**
 * The network's bottleneck forecast (`network.forecast`) sees a node's risk level change (from
 * `low` at the first forecast). See docs/operations.md, "Bottleneck forecast".
 */
export interface ForecastEvent extends EventBase {
  /** Always `'forecast'`. */
  readonly kind: 'forecast';
  /** The node. */
  readonly node: string;
  /** Its risk level now. */
  readonly risk: 'low' | 'medium' | 'high' | 'critical';
  /** Its risk level at the forecast before. */
  readonly previous: 'low' | 'medium' | 'high' | 'critical';
  /** The risk rose (else it fell). */
  readonly rising: boolean;
  /** Arrivals over service capacity. */
  readonly utilisation: number;
  /** Seconds until its mailbox is full at the depth's trend (`null`: not growing). */
  readonly timeToFullSeconds: number | null;
  /** 0..1, see `NodeForecast.confidence`. */
  readonly confidence: number;
  /** The node is the forecast's bottleneck. */
  readonly bottleneck: boolean;
}

/**
 * A reflex rule fired (lib/control/reflex-engine.ts): it acted (reflex signals posted to its
 * subscribers), was shadowed (shadow mode: reported only), or was held back by the emission rate.
 */
export interface ReflexEvent extends EventBase {
  /** Always `'reflex'`. */
  readonly kind: 'reflex';
  /** The rule (its kind, e.g. `breakerPressure`). */
  readonly rule: string;
  /** The level reached. */
  readonly level: 'high' | 'critical';
  /** Why it fired, in words. */
  readonly cause: string;
  /** The input value. */
  readonly value: number;
  /** Where the value comes from (a node name). */
  readonly source: string;
  /** Reflex signals were posted. */
  readonly acted: boolean;
  /** Shadow mode: computed and reported, nothing posted. */
  readonly shadowed: boolean;
  /** The subscribed nodes (posted to when `acted`). */
  readonly targets: readonly string[];
}

/** The events about one signal's way through a node (each carries the signal). */
export type SignalEvent = AcceptedEvent | DuplicateEvent | RejectedEvent | StartedEvent | CompletedEvent | FailedEvent | RetriedEvent | DeadLetteredEvent | DlqOverflowEvent;

/** A node's rate limit held a signal back (it waits; nothing is refused). */
export interface ThrottledEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'throttled';
  /** The partition that waits. */
  readonly partition: number;
  /** When the limit lets the next one through (ms from now). */
  readonly retryAfterMs: number;
}

/**
 * The node's breaker holds a signal in its partition: open (or half-open with every probe slot
 * taken), it lets the signal wait rather than fail it. Emitted each time a signal is put to
 * wait (again after a half-open probe let another one through first).
 */
export interface HeldEvent extends SignalEventBase {
  /** Discriminant. */
  readonly kind: 'held';
  /** The partition that waits. */
  readonly partition: number;
  /** Why it waits. */
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
  | ShutdownHandlerEvent
  | ProcessSignalEvent
  | HealthEvent
  | ContextEvent
  | AlertEvent
  | ForecastEvent
  | ReflexEvent
  | SubscriberErrorEvent
  | TransportErrorEvent
  | RateLimitedEvent
  | RetryEvent
  | RecoveryEvent
  | RefusedEvent
  | OperationFailedEvent;

/** The `kind` of a network event: `'accepted'`, `'completed'`, `'breaker'`, … */
export type NetworkEventKind = NetworkEvent['kind'];

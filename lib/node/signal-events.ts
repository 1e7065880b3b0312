import type { EventHub } from '../observe/event-hub.ts';
import type { Signal } from '../signal/signal.ts';
import type { ErrorInfo } from '../util/errors.ts';

/**
 * Builds a node's signal events, and only when someone listens: each method checks
 * `hub.observed` before allocating, so an unwatched network pays one field read per event.
 */
export class SignalEvents {
  readonly #hub: EventHub;
  readonly #node: string;
  readonly #onPressure: (() => void) | undefined;

  /** `onPressure`: told of each change of the pressure level (rare), watched or not. */
  constructor(hub: EventHub, node: string, onPressure?: () => void) {
    this.#hub = hub;
    this.#node = node;
    this.#onPressure = onPressure;
  }

  accepted(signal: Signal, partition: number, at: number): void {
    if (this.#hub.observed) this.#hub.emit({ kind: 'accepted', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition });
  }

  duplicate(signal: Signal, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({ kind: 'duplicate', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, idempotencyKey: signal.idempotencyKey });
  }

  started(signal: Signal, partition: number, attempt: number, at: number): void {
    if (this.#hub.observed) this.#hub.emit({ kind: 'started', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition, attempt });
  }

  throttled(signal: Signal, partition: number, retryAfterMs: number, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({ kind: 'throttled', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition, retryAfterMs });
  }

  completed(signal: Signal, partition: number, attempt: number, durationMs: number, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({ kind: 'completed', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition, attempt, durationMs });
  }

  failed(signal: Signal, partition: number, attempt: number, error: ErrorInfo, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({ kind: 'failed', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition, attempt, error });
  }

  /** `attempt` is the attempt about to run. */
  retried(signal: Signal, partition: number, attempt: number, delayMs: number, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({ kind: 'retried', at, node: this.#node, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, partition, attempt, delayMs });
  }

  /** The breaker holds the signal in its partition (it waits; nothing is refused). */
  held(signal: Signal, partition: number, retryAfterMs: number, at: number): void {
    if (this.#hub.observed)
      this.#hub.emit({
        kind: 'held',
        at,
        node: this.#node,
        signalId: signal.id,
        signalType: signal.type,
        correlationId: signal.correlationId,
        signal,
        partition,
        reason: 'breaker-open',
        retryAfterMs,
      });
  }

  pressure(level: 'normal' | 'warning' | 'critical', fill: number, at: number): void {
    if (this.#hub.observed) this.#hub.emit({ kind: 'pressure', at, node: this.#node, level, fill });
    this.#onPressure?.();
  }
}

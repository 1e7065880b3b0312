import type { DeadLetter } from '../delivery/dead-letter-queue.ts';
import type { DeadLetterReason } from '../observe/events.ts';
import type { NodeStats } from '../observe/node-stats.ts';
import type { ClassifiedError } from '../resilience/classify/categories.ts';
import type { RecoveryStrategy } from '../resilience/classify/recovery.ts';
import { isTimeoutError } from '../resilience/errors.ts';
import { isValidationError, type ValidationError } from '../signal/errors.ts';
import type { HopOutcome, Signal } from '../signal/signal.ts';
import type { NodeConfig, NodeHost } from './node-host.ts';
import type { SignalHandler } from './node-options.ts';
import type { SignalEvents } from './signal-events.ts';
import type { Worker } from './worker.ts';

/** What the failure path borrows from its node's runtime. */
export interface FailureHost {
  readonly name: string;
  readonly config: NodeConfig;
  readonly stats: NodeStats;
  readonly host: NodeHost;
  readonly events: SignalEvents;
  /** The node was stopped (a forced shutdown): no retry or fallback starts. */
  stopped(): boolean;
  /** Records the attempt that just ended in the signal's history. */
  hop(worker: Worker, signal: Signal, now: number, outcome: HopOutcome): void;
  /** Runs `handler` for the worker's signal, settling as any attempt does. */
  invoke(worker: Worker, handler: SignalHandler, signal: Signal): void;
  /** The worker's signal has ended: frees the worker and its partition. */
  finish(worker: Worker, now: number): void;
}

/**
 * A node's failure path, kept apart from the runtime's hot path: after a failed attempt, retry
 * (exponential backoff, the partition held), then the fallback handler, then the dead letter
 * queue; and the recovery reports (which strategy saved or lost a signal).
 *
 * The breaker counts signals, not attempts: a failed attempt that will be retried records
 * nothing (it gives back a half-open probe slot, so the retry or another signal can probe), and
 * a signal's failure is recorded once, when its handler's attempts are over (retries used up,
 * or an error not worth retrying), before the fallback or the dead letter queue. Counting
 * attempts made a handler that fails one attempt in five, with retries that save every signal,
 * trip the breaker and stall its node for a reset timeout per trip. Attempts of the `degrade`
 * handler (the breaker was open: the protected handler did not run) and of the fallback record
 * nothing.
 */
export class AttemptFailures {
  readonly #node: FailureHost;

  constructor(host: FailureHost) {
    this.#node = host;
  }

  /** An attempt failed with `error` (`outcome`: `failed` or `timed-out`). */
  failed(worker: Worker, error: unknown, outcome: HopOutcome): void {
    const signal = worker.signal;
    if (signal === undefined) return; // settled after a forced stop
    const node = this.#node;
    const config = node.config;
    worker.seq++;
    const now = node.host.clock.now();
    node.hop(worker, signal, now, outcome);
    node.stats.failedAttempts++;
    node.stats.tick(now, true);
    if (worker.firstFailureAt === 0) worker.firstFailureAt = now;
    const classified = node.host.classify(error, { node: node.name, attempt: worker.attempt, signalId: signal.id, signalType: signal.type });
    node.events.failed(signal, worker.partition, worker.attempt, classified.error, now);
    if (worker.fallingBack) {
      this.recovered(worker, false, classified);
      this.#deadLetter(worker, 'handler-failed', classified, now);
      return;
    }
    const retry = config.retry;
    const final = node.stopped() || isValidationError(error);
    if (retry !== undefined && !final && retry.shouldRetry(error, worker.attempt)) {
      const delay = retry.delayFor(worker.attempt - 1, worker.previousDelayMs);
      worker.previousDelayMs = delay;
      node.stats.retried++;
      if (!worker.degraded) config.breaker?.releaseProbe();
      node.events.retried(signal, worker.partition, worker.attempt + 1, delay, now);
      // The partition stays claimed while the retry waits: the next signal of this key waits too.
      worker.timer = node.host.clock.setTimeout(worker.resume, delay);
      return;
    }
    if (!worker.degraded) config.breaker?.recordFailure(error);
    if (worker.attempt > 1 || worker.degraded) this.recovered(worker, false, classified);
    if (config.fallback !== undefined && !final) {
      // FALLBACK: one more attempt, with the fallback handler, once the retries are used up.
      worker.fallingBack = true;
      worker.attempt++;
      worker.startedAt = node.host.clock.now();
      node.invoke(worker, config.fallback, signal);
      return;
    }
    this.#deadLetter(worker, isTimeoutError(error) ? 'timeout' : 'handler-failed', classified, now);
  }

  /** The schema registry refused the worker's signal (or failed on it): dead-lettered unhandled. */
  schemaFailed(worker: Worker, error: unknown): void {
    const node = this.#node;
    const now = node.host.clock.now();
    const reason: DeadLetterReason = isValidationError(error) && (error as ValidationError).issue === 'unsupported-version' ? 'unsupported-version' : 'invalid-payload';
    worker.firstFailureAt = now;
    this.#deadLetter(worker, reason, node.host.classify(error, { node: node.name, attempt: 0, signalId: worker.signal!.id, signalType: worker.signal!.type }), now);
  }

  /** Reports which strategy (retry, graceful degrade, fallback) saved the worker's signal, or did not. */
  recovered(worker: Worker, succeeded: boolean, error: ClassifiedError | undefined): void {
    const strategy: RecoveryStrategy = worker.fallingBack ? 'fallback' : worker.degraded ? 'graceful-degrade' : 'retry';
    const detail = `${strategy.toLowerCase()} ${succeeded ? 'handled' : 'did not save'} signal ${worker.signal?.id} after ${worker.attempt} attempt(s)`;
    this.#node.host.recovered(this.#node.name, strategy, succeeded, error, worker.attempt, detail);
  }

  #deadLetter(worker: Worker, reason: DeadLetterReason, error: ClassifiedError, now: number): void {
    const node = this.#node;
    const signal = worker.signal!;
    node.stats.deadLettered++;
    const firstFailureAt = worker.firstFailureAt || now;
    const entry: DeadLetter = {
      id: signal.id,
      node: node.name,
      partition: worker.partition,
      reason,
      error: error.error,
      attempts: worker.attempt,
      firstFailureAt,
      lastFailureAt: now,
      deadLetteredAt: now,
      signal,
    };
    // With its entry: a durable journal restores the dead letter queue from it after a restart.
    node.host.journal.settle(signal, 'dead-lettered', now, entry);
    node.host.deadLetter(entry);
    node.finish(worker, now);
  }
}

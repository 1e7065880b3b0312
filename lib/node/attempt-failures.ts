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
  hop(w: Worker, signal: Signal, now: number, outcome: HopOutcome): void;
  /** Runs `handler` for the worker's signal, settling as any attempt does. */
  invoke(w: Worker, handler: SignalHandler, signal: Signal): void;
  /** The worker's signal has ended: frees the worker and its partition. */
  finish(w: Worker, now: number): void;
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
  readonly #n: FailureHost;

  constructor(host: FailureHost) {
    this.#n = host;
  }

  /** An attempt failed with `error` (`outcome`: `failed` or `timed-out`). */
  failed(w: Worker, error: unknown, outcome: HopOutcome): void {
    const signal = w.signal;
    if (signal === undefined) return; // settled after a forced stop
    const n = this.#n;
    const config = n.config;
    w.seq++;
    const now = n.host.clock.now();
    n.hop(w, signal, now, outcome);
    n.stats.failedAttempts++;
    n.stats.tick(now, true);
    if (w.firstFailureAt === 0) w.firstFailureAt = now;
    const classified = n.host.classify(error, { node: n.name, attempt: w.attempt, signalId: signal.id, signalType: signal.type });
    n.events.failed(signal, w.partition, w.attempt, classified.error, now);
    if (w.fallingBack) {
      this.recovered(w, false, classified);
      this.#deadLetter(w, 'handler-failed', classified, now);
      return;
    }
    const retry = config.retry;
    const final = n.stopped() || isValidationError(error);
    if (retry !== undefined && !final && retry.shouldRetry(error, w.attempt)) {
      const delay = retry.delayFor(w.attempt - 1, w.previousDelayMs);
      w.previousDelayMs = delay;
      n.stats.retried++;
      if (!w.degraded) config.breaker?.releaseProbe();
      n.events.retried(signal, w.partition, w.attempt + 1, delay, now);
      // The partition stays claimed while the retry waits: the next signal of this key waits too.
      w.timer = n.host.clock.setTimeout(w.resume, delay);
      return;
    }
    if (!w.degraded) config.breaker?.recordFailure(error);
    if (w.attempt > 1 || w.degraded) this.recovered(w, false, classified);
    if (config.fallback !== undefined && !final) {
      // FALLBACK: one more attempt, with the fallback handler, once the retries are used up.
      w.fallingBack = true;
      w.attempt++;
      w.startedAt = n.host.clock.now();
      n.invoke(w, config.fallback, signal);
      return;
    }
    this.#deadLetter(w, isTimeoutError(error) ? 'timeout' : 'handler-failed', classified, now);
  }

  /** The schema registry refused the worker's signal (or failed on it): dead-lettered unhandled. */
  schemaFailed(w: Worker, e: unknown): void {
    const n = this.#n;
    const now = n.host.clock.now();
    const reason: DeadLetterReason = isValidationError(e) && (e as ValidationError).issue === 'unsupported-version' ? 'unsupported-version' : 'invalid-payload';
    w.firstFailureAt = now;
    this.#deadLetter(w, reason, n.host.classify(e, { node: n.name, attempt: 0, signalId: w.signal!.id, signalType: w.signal!.type }), now);
  }

  /** Reports which strategy (retry, graceful degrade, fallback) saved the worker's signal, or did not. */
  recovered(w: Worker, succeeded: boolean, error: ClassifiedError | undefined): void {
    const strategy: RecoveryStrategy = w.fallingBack ? 'fallback' : w.degraded ? 'graceful-degrade' : 'retry';
    const detail = `${strategy.toLowerCase()} ${succeeded ? 'handled' : 'did not save'} signal ${w.signal?.id} after ${w.attempt} attempt(s)`;
    this.#n.host.recovered(this.#n.name, strategy, succeeded, error, w.attempt, detail);
  }

  #deadLetter(w: Worker, reason: DeadLetterReason, error: ClassifiedError, now: number): void {
    const n = this.#n;
    const signal = w.signal!;
    n.stats.deadLettered++;
    const firstFailureAt = w.firstFailureAt || now;
    const entry: DeadLetter = { id: signal.id, node: n.name, partition: w.partition, reason, error: error.error, attempts: w.attempt, firstFailureAt, lastFailureAt: now, deadLetteredAt: now, signal };
    // With its entry: a durable journal restores the dead letter queue from it after a restart.
    n.host.journal.settle(signal, 'dead-lettered', now, entry);
    n.host.deadLetter(entry);
    n.finish(w, now);
  }
}

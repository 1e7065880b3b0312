import { PartitionedMailbox } from '../mailbox/partitioned-mailbox.ts';
import type { Receipt } from './receipt.ts';
import { NodeStats } from '../observe/node-stats.ts';
import { appendHop } from '../signal/envelope.ts';
import { isThenable } from '../util/thenable.ts';
import type { HopOutcome, Signal, SignalDraft } from '../signal/signal.ts';
import { NodeContext, type ContextHost } from './handler-context.ts';
import { OFFER_BACKPRESSURE, OFFER_DUPLICATE, type NodeConfig, type NodeHost } from './node-host.ts';
import type { SignalHandler } from './node-options.ts';
import { deferDrain, scheduleDrain, spendDrainBudget } from './drain-scheduler.ts';
import { SignalEvents } from './signal-events.ts';
import { Worker } from './worker.ts';
import { FlowControl, type PressureLevel } from './flow-control.ts';
import { runTimedAttempt, type AttemptOutcome } from './timed-attempt.ts';
import { AttemptFailures } from './attempt-failures.ts';
import { resolveSchema } from './schema-step.ts';
import { admitRate } from './rate-gate.ts';

export { OFFER_BACKPRESSURE, OFFER_DUPLICATE, type NodeConfig, type NodeHost } from './node-host.ts';

/**
 * A node at run time: its mailbox, its workers and the life of each signal in it, from
 * acceptance to completion or dead letter. Hot path: `offer` → microtask `#drain` → `#attempt`
 * → `#succeed`; none of them allocates beyond the handler's context (one small object per
 * attempt), its promise and the hop record, and none does work that grows with queue depth. Off it: the schema step (`schema-step.ts`), rate
 * limits (`rate-gate.ts`) and what follows a failed attempt (`attempt-failures.ts`).
 */
export class NodeRuntime implements ContextHost {
  readonly name: string;
  readonly config: NodeConfig;
  readonly stats = new NodeStats();
  readonly mailbox: PartitionedMailbox;
  readonly #host: NodeHost;
  readonly #events: SignalEvents;
  /** Every worker made so far (see `#takeWorker`). */
  readonly #workers: Worker[] = [];
  /** The free workers, the last freed first, linked through `Worker.nextFree`. */
  #freeWorker: Worker | undefined = undefined;
  readonly #breakerWaiters: Worker[] = [];
  #drainScheduled = false;
  #draining = false;
  readonly #flow: FlowControl;
  #stopped = false;
  readonly #failures: AttemptFailures;
  /** Where a timed attempt reports back. */
  readonly #outcome: AttemptOutcome = {
    succeeded: (worker) => this.#succeed(worker),
    failed: (worker, error, outcome) => this.#failures.failed(worker, error, outcome),
  };
  readonly #schemaPassed = (worker: Worker): void => this.#attempt(worker);
  readonly #schemaFailed = (worker: Worker, e: unknown): void => this.#failures.schemaFailed(worker, e);
  readonly #drainTask = (): void => {
    this.#drainScheduled = false;
    this.#drain();
  };

  constructor(config: NodeConfig, host: NodeHost) {
    this.name = config.name;
    this.config = config;
    this.#host = host;
    const pressureChanged = host.pressureChanged;
    this.#events = new SignalEvents(host.hub, config.name, pressureChanged === undefined ? undefined : () => pressureChanged(config.name));
    this.mailbox = new PartitionedMailbox(config.partitions, host.clock.now());
    this.#flow = new FlowControl(config.capacity, config.warnAt, config.rejectAt, this.#events);
    config.breaker?.onStateChange(() => this.#wakeBreakerWaiters());
    this.#failures = new AttemptFailures({
      name: this.name,
      config,
      stats: this.stats,
      host,
      events: this.#events,
      stopped: () => this.#stopped,
      hop: (worker, signal, now, outcome) => this.#hop(worker, signal, now, outcome),
      invoke: (worker, handler, signal) => this.#invoke(worker, handler, signal),
      finish: (worker, now) => this.#finish(worker, now),
    });
  }

  /** Queued plus in flight. */
  get load(): number {
    return this.mailbox.queued + this.stats.inFlight;
  }

  /** Fill level 0..1 of the mailbox. */
  get fill(): number {
    return this.load / this.config.capacity;
  }

  /** Signals waiting for the node's breaker to let them through (open, or half-open with its probes out). */
  get held(): number {
    return this.#breakerWaiters.length;
  }

  /** Flow-control level right now. */
  get pressure(): PressureLevel {
    return this.#flow.level;
  }

  /**
   * Takes a signal into the mailbox and returns its partition, or says why not
   * ({@link OFFER_DUPLICATE}, {@link OFFER_BACKPRESSURE}). `skipDedup` is for keys that were seen
   * on purpose (the DLQ's reprocess, journal replays) or cannot have been (fresh ids).
   */
  offer(signal: Signal, skipDedup: boolean, now: number): number {
    const dedup = this.config.dedup;
    const flow = this.#flow;
    if (this.load >= flow.rejectLoad) {
      if (dedup !== undefined && !skipDedup && dedup.has(signal.idempotencyKey, now)) return this.#duplicate(signal, now);
      this.stats.rejected++;
      this.stats.rejectedBackpressure++;
      flow.set('critical', this.load, now);
      return OFFER_BACKPRESSURE;
    }
    if (dedup !== undefined && !skipDedup && !dedup.admit(signal.idempotencyKey, now)) return this.#duplicate(signal, now);
    const partition = this.mailbox.partitionOf(signal.partitionKey);
    this.mailbox.push(partition, signal);
    this.stats.accepted++;
    if (this.load >= flow.warnLoad) flow.check(this.load, now);
    this.#events.accepted(signal, partition, now);
    if (!this.#drainScheduled && !this.#draining) {
      this.#drainScheduled = true;
      scheduleDrain(this.#drainTask);
    }
    return partition;
  }

  /** ContextHost: a handler's `ctx.emit`. */
  emitFrom(parent: Signal, target: string, draft: SignalDraft): Receipt {
    return this.#host.emitFrom(this.name, parent, target, draft);
  }

  /** Changes the number of partitions handled at once, at run time. */
  setConcurrency(n: number): void {
    this.config.concurrency = n;
    this.#drain();
  }

  /**
   * Stops the node (forced shutdown, or a drain that timed out) and hands back every signal it
   * still holds: queued, waiting for a retry or the breaker, and running. Running handlers are
   * told through `ctx.abortSignal`; whatever they do later is ignored, since their signals were
   * handed back (at-least-once: a handback may have had effects, which idempotency keys absorb).
   */
  stop(): Signal[] {
    this.#stopped = true;
    const reason = new Error(`node ${this.name} stopped by shutdown`);
    const left: Signal[] = [];
    this.#breakerWaiters.length = 0;
    for (const worker of this.#workers) {
      const signal = worker.abandon(reason, this.#host.clock);
      if (signal === undefined) continue;
      left.push(signal);
      this.stats.inFlight--;
    }
    left.push(...this.mailbox.drainAll());
    return left;
  }

  #duplicate(signal: Signal, now: number): number {
    this.stats.duplicate++;
    this.#events.duplicate(signal, now);
    return OFFER_DUPLICATE;
  }

  /**
   * Starts handlers on ready partitions while the concurrency allows. `now`: the caller's clock
   * reading when it has one (a completion's end is the next start: one clock read serves both). It serves the first start only: a handler's synchronous part runs inside
   * `#startNext`, so time has moved on before the next. Each start spends the turn's drain
   * budget: once it is spent, the drain waits for the event loop's next turn (drain-scheduler.ts).
   */
  #drain(now?: number): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = true;
    try {
      while (this.stats.inFlight < this.config.concurrency) {
        const partition = this.mailbox.claim();
        if (partition < 0) break;
        if (!spendDrainBudget()) {
          this.mailbox.release(partition);
          if (!this.#drainScheduled) {
            this.#drainScheduled = true;
            deferDrain(this.#drainTask);
          }
          break;
        }
        this.#startNext(this.#takeWorker(partition), now ?? this.#host.clock.now());
        now = undefined;
      }
    } finally {
      this.#draining = false;
    }
  }

  #startNext(worker: Worker, now: number): void {
    const signal = this.mailbox.shift(worker.partition);
    if (signal === undefined) {
      this.#release(worker);
      return;
    }
    this.stats.inFlight++;
    worker.signal = signal;
    worker.attempt = 0;
    if (this.#host.metrics) this.stats.waitMs.observe(now - signal.createdAt);
    const schemas = this.#host.schemas;
    if (!schemas.has(signal.type)) {
      this.#attempt(worker, now);
      return;
    }
    resolveSchema(schemas, worker, this.#schemaPassed, this.#schemaFailed);
  }

  /** Runs (or re-runs) the handler for the worker's signal. */
  #attempt(worker: Worker, at?: number): void {
    if (this.#stopped) return;
    worker.timer = undefined;
    const signal = worker.signal!;
    const limiter = this.config.limiter;
    if (limiter !== undefined && !admitRate(limiter, this.config.limitKeyHeader, worker, signal, this.#host.clock, this.stats, this.#events)) return;
    const breaker = this.config.breaker;
    let handler = this.config.handle;
    worker.degraded = false;
    if (breaker !== undefined && !breaker.tryPass()) {
      if (this.config.degrade === undefined) {
        this.#breakerWaiters.push(worker);
        this.#events.held(signal, worker.partition, breaker.retryAfterMs, at ?? this.#host.clock.now());
        return;
      }
      handler = this.config.degrade;
      worker.degraded = true;
    }
    const now = at ?? this.#host.clock.now();
    worker.attempt++;
    worker.startedAt = now;
    this.stats.started++;
    this.#events.started(signal, worker.partition, worker.attempt, now);
    const timeoutMs = this.config.timeoutMs;
    if (timeoutMs !== undefined) runTimedAttempt(this, this.#host.clock, worker, handler, signal, timeoutMs, this.#outcome);
    else this.#invoke(worker, handler, signal);
  }

  /**
   * Runs `handler` in a context of its own (see NodeContext: a late `ctx.emit` must not take the
   * next signal's ids); settles through the pre-bound callbacks.
   */
  #invoke(worker: Worker, handler: SignalHandler, signal: Signal): void {
    let result: void | Promise<void>;
    try {
      result = handler(signal, new NodeContext(this, worker.stop, worker.partition, signal, worker.attempt));
    } catch (e) {
      this.#failures.failed(worker, e, 'failed');
      return;
    }
    if (isThenable<void>(result)) result.then(worker.ok, worker.fail);
    else this.#succeed(worker);
  }

  #succeed(worker: Worker): void {
    const signal = worker.signal;
    if (signal === undefined) return; // settled after a forced stop
    worker.seq++;
    const now = this.#host.clock.now();
    this.#hop(worker, signal, now, 'completed');
    // The breaker hears of the handler only: a degraded or fallback success says nothing of it.
    if (!worker.degraded && !worker.fallingBack) this.config.breaker?.recordSuccess();
    if (worker.attempt > 1 || worker.degraded || worker.fallingBack) this.#failures.recovered(worker, true, undefined);
    const stats = this.stats;
    stats.completed++;
    stats.tick(now, false);
    if (this.#host.metrics) stats.handleMs.observe(now - worker.startedAt);
    this.#host.journal.settle(signal, 'completed', now);
    this.#events.completed(signal, worker.partition, worker.attempt, now - worker.startedAt, now);
    this.#finish(worker, now);
  }

  #hop(worker: Worker, signal: Signal, now: number, outcome: HopOutcome): void {
    if (this.#host.tracing) appendHop(signal, { node: this.name, partition: worker.partition, attempt: worker.attempt, startedAt: worker.startedAt, finishedAt: now, outcome });
  }

  #finish(worker: Worker, now: number): void {
    worker.reset();
    this.stats.inFlight--;
    this.#release(worker);
    if (this.#flow.level !== 'normal') this.#flow.check(this.load, now);
    this.#host.settled();
    if (this.#breakerWaiters.length > 0) this.#wakeBreakerWaiters();
    this.#drain(now);
  }

  /**
   * A worker for claimed partition `partition`. Pooled, not one per partition: the one freed last (still
   * in the cache) serves next, so in a network of many nodes a signal meets a warm worker.
   */
  #takeWorker(partition: number): Worker {
    const worker = this.#freeWorker ?? this.#newWorker();
    this.#freeWorker = worker.nextFree;
    worker.assign(partition);
    return worker;
  }

  #newWorker(): Worker {
    const worker = new Worker();
    worker.ok = () => this.#succeed(worker);
    worker.fail = (e: unknown) => this.#failures.failed(worker, e, 'failed');
    worker.resume = () => this.#attempt(worker);
    this.#workers.push(worker);
    return worker;
  }

  /** Gives the worker's partition back to the mailbox, and the worker to the pool. */
  #release(worker: Worker): void {
    this.mailbox.release(worker.partition);
    worker.nextFree = this.#freeWorker;
    this.#freeWorker = worker;
  }

  #wakeBreakerWaiters(): void {
    const waiting = this.#breakerWaiters.splice(0);
    for (const worker of waiting) this.#attempt(worker);
  }
}

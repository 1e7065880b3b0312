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
    succeeded: (w) => this.#succeed(w),
    failed: (w, error, outcome) => this.#failures.failed(w, error, outcome),
  };
  readonly #schemaPassed = (w: Worker): void => this.#attempt(w);
  readonly #schemaFailed = (w: Worker, e: unknown): void => this.#failures.schemaFailed(w, e);
  readonly #drainTask = (): void => {
    this.#drainScheduled = false;
    this.#drain();
  };

  constructor(config: NodeConfig, host: NodeHost) {
    this.name = config.name;
    this.config = config;
    this.#host = host;
    this.#events = new SignalEvents(host.hub, config.name);
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
      hop: (w, signal, now, outcome) => this.#hop(w, signal, now, outcome),
      invoke: (w, handler, signal) => this.#invoke(w, handler, signal),
      finish: (w, now) => this.#finish(w, now),
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
    const p = this.mailbox.partitionOf(signal.partitionKey);
    this.mailbox.push(p, signal);
    this.stats.accepted++;
    if (this.load >= flow.warnLoad) flow.check(this.load, now);
    this.#events.accepted(signal, p, now);
    if (!this.#drainScheduled && !this.#draining) {
      this.#drainScheduled = true;
      scheduleDrain(this.#drainTask);
    }
    return p;
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
    for (const w of this.#workers) {
      const signal = w.abandon(reason, this.#host.clock);
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
   * reading when it has one (a completion's end is the next start: one clock read, ~90 ns here,
   * serves both). It serves the first start only: a handler's synchronous part runs inside
   * `#startNext`, so time has moved on before the next. Each start spends the turn's drain
   * budget: once it is spent, the drain waits for the event loop's next turn (drain-scheduler.ts).
   */
  #drain(now?: number): void {
    if (this.#draining || this.#stopped) return;
    this.#draining = true;
    try {
      while (this.stats.inFlight < this.config.concurrency) {
        const p = this.mailbox.claim();
        if (p < 0) break;
        if (!spendDrainBudget()) {
          this.mailbox.release(p);
          if (!this.#drainScheduled) {
            this.#drainScheduled = true;
            deferDrain(this.#drainTask);
          }
          break;
        }
        this.#startNext(this.#takeWorker(p), now ?? this.#host.clock.now());
        now = undefined;
      }
    } finally {
      this.#draining = false;
    }
  }

  #startNext(w: Worker, now: number): void {
    const signal = this.mailbox.shift(w.partition);
    if (signal === undefined) {
      this.#release(w);
      return;
    }
    this.stats.inFlight++;
    w.signal = signal;
    w.attempt = 0;
    if (this.#host.metrics) this.stats.waitMs.observe(now - signal.createdAt);
    const schemas = this.#host.schemas;
    if (!schemas.has(signal.type)) {
      this.#attempt(w, now);
      return;
    }
    resolveSchema(schemas, w, this.#schemaPassed, this.#schemaFailed);
  }

  /** Runs (or re-runs) the handler for the worker's signal. */
  #attempt(w: Worker, at?: number): void {
    if (this.#stopped) return;
    w.timer = undefined;
    const signal = w.signal!;
    const limiter = this.config.limiter;
    if (limiter !== undefined && !admitRate(limiter, this.config.limitKeyHeader, w, signal, this.#host.clock, this.stats, this.#events)) return;
    const breaker = this.config.breaker;
    let handler = this.config.handle;
    w.degraded = false;
    if (breaker !== undefined && !breaker.tryPass()) {
      if (this.config.degrade === undefined) {
        this.#breakerWaiters.push(w);
        this.#events.held(signal, w.partition, breaker.retryAfterMs, at ?? this.#host.clock.now());
        return;
      }
      handler = this.config.degrade;
      w.degraded = true;
    }
    const now = at ?? this.#host.clock.now();
    w.attempt++;
    w.startedAt = now;
    this.stats.started++;
    this.#events.started(signal, w.partition, w.attempt, now);
    const timeoutMs = this.config.timeoutMs;
    if (timeoutMs !== undefined) runTimedAttempt(this, this.#host.clock, w, handler, signal, timeoutMs, this.#outcome);
    else this.#invoke(w, handler, signal);
  }

  /**
   * Runs `handler` in a context of its own (see NodeContext: a late `ctx.emit` must not take the
   * next signal's ids); settles through the pre-bound callbacks.
   */
  #invoke(w: Worker, handler: SignalHandler, signal: Signal): void {
    let result: void | Promise<void>;
    try {
      result = handler(signal, new NodeContext(this, w.stop, w.partition, signal, w.attempt));
    } catch (e) {
      this.#failures.failed(w, e, 'failed');
      return;
    }
    if (isThenable<void>(result)) result.then(w.ok, w.fail);
    else this.#succeed(w);
  }

  #succeed(w: Worker): void {
    const signal = w.signal;
    if (signal === undefined) return; // settled after a forced stop
    w.seq++;
    const now = this.#host.clock.now();
    this.#hop(w, signal, now, 'completed');
    // The breaker hears of the handler only: a degraded or fallback success says nothing of it.
    if (!w.degraded && !w.fallingBack) this.config.breaker?.recordSuccess();
    if (w.attempt > 1 || w.degraded || w.fallingBack) this.#failures.recovered(w, true, undefined);
    const stats = this.stats;
    stats.completed++;
    stats.tick(now, false);
    if (this.#host.metrics) stats.handleMs.observe(now - w.startedAt);
    this.#host.journal.settle(signal, 'completed', now);
    this.#events.completed(signal, w.partition, w.attempt, now - w.startedAt, now);
    this.#finish(w, now);
  }

  #hop(w: Worker, signal: Signal, now: number, outcome: HopOutcome): void {
    if (this.#host.tracing) appendHop(signal, { node: this.name, partition: w.partition, attempt: w.attempt, startedAt: w.startedAt, finishedAt: now, outcome });
  }

  #finish(w: Worker, now: number): void {
    w.reset();
    this.stats.inFlight--;
    this.#release(w);
    if (this.#flow.level !== 'normal') this.#flow.check(this.load, now);
    this.#host.settled();
    if (this.#breakerWaiters.length > 0) this.#wakeBreakerWaiters();
    this.#drain(now);
  }

  /**
   * A worker for claimed partition `p`. Pooled, not one per partition: the one freed last (still
   * in the cache) serves next, so in a network of many nodes a signal meets a warm worker.
   */
  #takeWorker(p: number): Worker {
    const w = this.#freeWorker ?? this.#newWorker();
    this.#freeWorker = w.nextFree;
    w.assign(p);
    return w;
  }

  #newWorker(): Worker {
    const w = new Worker();
    w.ok = () => this.#succeed(w);
    w.fail = (e: unknown) => this.#failures.failed(w, e, 'failed');
    w.resume = () => this.#attempt(w);
    this.#workers.push(w);
    return w;
  }

  /** Gives the worker's partition back to the mailbox, and the worker to the pool. */
  #release(w: Worker): void {
    this.mailbox.release(w.partition);
    w.nextFree = this.#freeWorker;
    this.#freeWorker = w;
  }

  #wakeBreakerWaiters(): void {
    const waiting = this.#breakerWaiters.splice(0);
    for (const w of waiting) this.#attempt(w);
  }
}

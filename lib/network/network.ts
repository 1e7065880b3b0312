import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import { DeadLetterStore, type DeadLetter } from '../delivery/dead-letter-queue.ts';
import type { Journal, JournalQuery } from '../delivery/journal.ts';
import { MemoryJournal } from '../delivery/memory-journal.ts';
import type { NodeOptions } from '../node/node-options.ts';
import { NodeRuntime, OFFER_DUPLICATE, type NodeHost } from '../node/node-runtime.ts';
import { EventHub } from '../observe/event-hub.ts';
import type { NetworkEvent, RejectReason } from '../observe/events.ts';
import { createNetworkRegistry } from '../observe/network-metrics.ts';
import type { CircuitBreaker } from '../resilience/breaker/breaker.ts';
import { AuditLog } from '../resilience/classify/audit-log.ts';
import { ErrorClassifier } from '../resilience/classify/classifier.ts';
import type { ProtectedCallOptions, ProtectorSettings } from '../resilience/protector/options.ts';
import type { Protector } from '../resilience/protector/protector.ts';
import { createRateLimiter } from '../resilience/rate/create.ts';
import type { RateLimiter } from '../resilience/rate/types.ts';
import { configureNode, type NodeSettings } from './configure-node.ts';
import { Operations, type OperationOptions } from './operations.ts';
import { ResourceExhaustedError, ShuttingDownError } from '../resilience/errors.ts';
import { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import { createSignal } from '../signal/create-signal.ts';
import { reviseSignal } from '../signal/envelope.ts';
import { UnknownTargetError, ValidationError } from '../signal/errors.ts';
import { SchemaRegistry } from '../signal/schema-registry.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { Clock } from '../util/clock.ts';
import { toErrorInfo, type PlexusError } from '../util/errors.ts';
import { BackpressureError, EmitRefusedError, LifecycleError } from './errors.ts';
import { DeadLetters } from './dead-letters.ts';
import { buildNodeConfig } from './node-config.ts';
import { resolveNetworkOptions, type NetworkOptions, type ResolvedNetworkOptions } from './network-options.ts';
import { snapshotNode, type NetworkCounts, type NodeStatsSnapshot } from './network-stats.ts';
import type { Receipt } from './receipt.ts';
import { runShutdown, type ShutdownHost } from './run-shutdown.ts';
import type { ShutdownReport } from './shutdown-report.ts';

/** Where a network is in its life. */
export type NetworkState = 'created' | 'running' | 'stopping' | 'terminated';

/** What `network.replay` finds, and the receipts when it re-sent them. */
export interface ReplayResult {
  readonly signals: readonly Signal[];
  readonly receipts: readonly Receipt[];
}

/**
 * A network of nodes in one process: routing, lifecycle, the event stream, metrics, the dead
 * letter queue and the journal. Create one with `createNetwork()`.
 */
export class Network implements AsyncDisposable {
  readonly name: string;
  /** Signal types, their versions, validators and upcasters. */
  readonly schemas = new SchemaRegistry();
  /** Every event of the network, typed (see NetworkEvent). */
  readonly events$: Observable<NetworkEvent>;
  /** The dead letter queue. */
  readonly dlq: DeadLetters;
  /** The prom-client registry of this network (`plexus_` metrics). */
  readonly metrics: Registry;
  /** Classifies every failure (category, severity, id); add your own rules with `register`. */
  readonly classifier: ErrorClassifier;
  /** Errors and recoveries of nodes and operations, queryable (last N, by category, by name). */
  readonly audit: AuditLog;
  readonly #operations: Operations;
  readonly #recoveries = new Map<string, number>();
  readonly #networkLimiter: RateLimiter | undefined;
  readonly #guard: ResourceGuard | undefined;
  readonly #opts: ResolvedNetworkOptions;
  readonly #clock: Clock;
  readonly #hub = new EventHub();
  readonly #nodes = new Map<string, NodeRuntime>();
  readonly #journal: Journal | undefined;
  readonly #dlqStore: DeadLetterStore;
  readonly #limits: PayloadLimits;
  readonly #host: NodeHost;
  #state: NetworkState = 'created';
  #accepting = false;
  #active = 0;
  #idleWaiters: (() => void)[] = [];
  #shutdown: Promise<ShutdownReport> | undefined;
  #force: (() => void) | undefined;
  #lastAppend: Promise<void> | undefined;
  readonly #counts = { sent: 0, accepted: 0, duplicate: 0, rejected: 0, deadLettered: 0, handedBack: 0, redelivered: 0, journalErrors: 0 };

  constructor(options: NetworkOptions = {}) {
    this.#opts = resolveNetworkOptions(options);
    this.name = this.#opts.name;
    this.#clock = this.#opts.clock;
    this.events$ = this.#hub.events$;
    const j = this.#opts.journal;
    this.#journal = j === undefined ? undefined : 'settle' in j ? j : new MemoryJournal(j.capacity);
    this.#limits = { maxBytes: this.#opts.maxPayloadBytes, maxDepth: this.#opts.maxPayloadDepth };
    this.#dlqStore = new DeadLetterStore(this.#opts.dlqCapacity, (evicted) => this.#dlqOverflow(evicted));
    this.dlq = new DeadLetters(this.#dlqStore, (entry) => this.#redeliver(entry.node, entry.signal));
    const journal = this.#journal ?? NO_JOURNAL;
    this.classifier = new ErrorClassifier({ clock: this.#clock });
    this.audit = new AuditLog(this.#opts.auditCapacity === undefined ? {} : { capacity: this.#opts.auditCapacity });
    this.#networkLimiter = this.#opts.rateLimit === undefined ? undefined : createRateLimiter({ name: this.name, ...this.#opts.rateLimit }, this.#clock);
    this.#guard = this.#opts.resources === undefined ? undefined : new ResourceGuard(this.#opts.resources, this.#clock);
    this.#operations = new Operations({
      guard: this.#guard,
      clock: this.#clock,
      hub: this.#hub,
      classifier: this.classifier,
      audit: this.audit,
      networkLimiter: this.#networkLimiter,
      isShuttingDown: () => this.#state === 'stopping' || this.#state === 'terminated',
      countRecovery: (name, strategy, succeeded) => this.#countRecovery(name, strategy, succeeded),
    });
    this.#host = {
      clock: this.#clock,
      hub: this.#hub,
      schemas: this.schemas,
      journal,
      tracing: this.#opts.tracing,
      metrics: this.#opts.metrics,
      emitFrom: (node, parent, target, draft) => this.#emitFrom(node, parent, target, draft),
      deadLetter: (entry) => this.#deadLetter(entry),
      settled: () => this.#settled(),
      classify: (error, context) => {
        const classified = this.classifier.classify(error, context);
        this.audit.recordError(classified);
        return classified;
      },
      recovered: (node, strategy, succeeded, error, attempts, detail) => {
        const at = this.#clock.now();
        this.audit.recordRecovery({ strategy, succeeded, name: node, errorId: error?.id, category: error?.category, attempts, detail, at });
        this.#countRecovery(node, strategy, succeeded);
        if (this.#hub.observed) this.#hub.emit({ kind: 'recovery', at, name: node, strategy, succeeded, errorId: error?.id, attempts });
      },
    };
    this.metrics = createNetworkRegistry({
      network: this.name,
      nodes: () => this.#nodes.values(),
      now: () => this.#clock.now(),
      dlqSize: () => this.#dlqStore.size,
      dlqOverflowed: () => this.#dlqStore.overflowed,
      operations: () => this.#operations.protectors(),
      recoveries: () => this.#recoveries,
    });

  }

  /** Where the network is in its life. */
  get state(): NetworkState {
    return this.#state;
  }

  /** The clock everything in this network runs on. */
  get clock(): Clock {
    return this.#clock;
  }

  /** Adds a node. Throws InvalidOptionsError on bad options or a name already taken. */
  node<P = any>(name: string, options: NodeOptions<P>): this {
    if (this.#state !== 'created' && this.#state !== 'running') throw new LifecycleError(`cannot add node ${name}: the network is ${this.#state}`);
    if (this.#nodes.has(name)) throw new LifecycleError(`a node named ${JSON.stringify(name)} already exists`);
    if (this.#operations.get(name) !== undefined) throw new LifecycleError(`${JSON.stringify(name)} is already an operation name`);
    const config = buildNodeConfig(name, options as NodeOptions, this.#opts, this.#clock, this.#networkLimiter);
    const runtime = new NodeRuntime(config, this.#host);
    config.breaker?.onStateChange((t) => {
      if (this.#hub.observed) this.#hub.emit({ kind: 'breaker', at: t.at, name, from: t.from, to: t.to, pressureLevel: t.pressureLevel });
      if (t.to === 'open') this.#host.recovered(name, 'CIRCUIT_BREAK', true, undefined, 0, `breaker of ${name} opened (${t.from} → open): the node holds its signals`);
    });
    this.#nodes.set(name, runtime);
    return this;
  }

  /**
   * Sets up a protected operation: its breaker, retry, rate limits, bulkhead (permits), resource
   * guard and time limit. Optional: `protect` sets one up with the defaults on first use.
   */
  operation(name: string, options: OperationOptions = {}): Protector {
    if (this.#nodes.has(name)) throw new LifecycleError(`${JSON.stringify(name)} is already a node name`);
    return this.#operations.define(name, options);
  }

  /**
   * Runs any async operation through the chain the signal path uses: shutdown check → rate
   * limits → resource guard → permit → breaker → retry (with a time limit per attempt) → metrics
   * and events. `key` selects the per-key rate limit. See docs/resilience.md for the order.
   */
  protect<T>(operation: string, fn: (signal: AbortSignal) => Promise<T> | T, options?: ProtectedCallOptions<T>): Promise<T> {
    if (this.#nodes.has(operation)) return Promise.reject(new LifecycleError(`${JSON.stringify(operation)} is a node, not an operation`));
    return this.#operations.run(operation, fn, options);
  }

  /**
   * Changes the breaker, retry, rate limits, permits or time limit of a node or operation while
   * the network runs. Validated like the originals: a bad setting throws and changes nothing.
   */
  configure(name: string, settings: NodeSettings | ProtectorSettings): void {
    const node = this.#nodes.get(name);
    if (node !== undefined) configureNode(node, settings as NodeSettings);
    else this.#operations.configure(name, settings as ProtectorSettings);
  }

  /** The names of the protected operations set up so far. */
  get operationNames(): string[] {
    return this.#operations.names();
  }

  /** The names of the nodes. */
  get nodeNames(): string[] {
    return [...this.#nodes.keys()];
  }

  /** The circuit breaker of a node or operation (`undefined` when it has none). */
  breaker(name: string): CircuitBreaker | undefined {
    const node = this.#nodes.get(name);
    if (node !== undefined) return node.config.breaker;
    const op = this.#operations.get(name);
    if (op !== undefined) return op.breaker;
    throw new UnknownTargetError(name);
  }

  /** Starts accepting signals. Idempotent. */
  async start(): Promise<void> {
    if (this.#state === 'running') return;
    if (this.#state !== 'created') throw new LifecycleError(`cannot start: the network is ${this.#state}`);
    this.#state = 'running';
    this.#accepting = true;
    if (this.#journal?.durable) {
      for (const s of await this.#journal.pending()) this.#redeliver(s.target, s, false);
    }
  }

  /**
   * Sends a signal synchronously and returns its receipt. Never throws for a refused signal:
   * the receipt says `rejected` with a typed error (invalid input, unknown target, backpressure,
   * shutting down). Use `send` when the journal is durable.
   */
  post<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#post(target, draft, undefined, undefined);
  }

  #post<P>(target: string, draft: SignalDraft<P>, parent: Signal | undefined, source: string | undefined): Receipt {
    this.#counts.sent++;
    if (!this.#accepting) {
      return this.#reject(target, draft, this.#state === 'created' ? 'not-started' : 'shutting-down', this.#state === 'created' ? new LifecycleError('the network is not started: call start() first') : new ShuttingDownError(this.name));
    }
    const node = this.#nodes.get(target);
    if (node === undefined) return this.#reject(target, draft, 'unknown-target', new UnknownTargetError(target));
    const guard = this.#guard;
    if (guard !== undefined && !guard.allows()) {
      return this.#reject(target, draft, 'resource-exhausted', new ResourceExhaustedError('heap', guard.heapUsed, guard.options.maxHeapBytes));
    }
    let signal: Signal;
    const now = this.#clock.now();
    try {
      signal = createSignal(draft, target, now, this.#limits, parent, source);
    } catch (e) {
      return this.#reject(target, draft, 'invalid', e as PlexusError);
    }
    const accepts = node.config.accepts;
    if (accepts !== undefined && !accepts.has(signal.type)) {
      return this.#reject(target, draft, 'invalid', new ValidationError('invalid-type', `node ${target} does not accept signals of type ${JSON.stringify(signal.type)} (accepts: ${[...accepts].join(', ')})`));
    }
    return this.#offer(node, signal, false, now);
  }

  /**
   * Sends a signal; resolves with its receipt (see `post`). With a durable journal, an
   * `accepted` receipt arrives only once the signal is on disk; if the journal cannot write it,
   * the promise rejects with the journal's error (the signal may still be handled: at least
   * once). Never rejects for refusals: those are receipts.
   */
  async send<P>(target: string, draft: SignalDraft<P>): Promise<Receipt> {
    const receipt = this.#post(target, draft, undefined, undefined);
    const appended = this.#lastAppend;
    this.#lastAppend = undefined;
    if (appended !== undefined && receipt.status === 'accepted') await appended;
    return receipt;
  }

  /** Resolves when no signal is queued, in flight or waiting for a retry anywhere in the network. */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Queue metrics of one node. */
  stats(node: string): NodeStatsSnapshot {
    return snapshotNode(this.#runtime(node), this.#clock.now());
  }

  /** Network-wide counts, for accounting: nothing accepted is ever unaccounted for. */
  counts(): NetworkCounts {
    return { ...this.#counts, completed: this.#completed(), active: this.#active };
  }

  /** The metrics in Prometheus text format. */
  metricsText(): Promise<string> {
    return this.metrics.metrics();
  }

  /**
   * The journaled (completed) signals of a time range, optionally of one node and type. With
   * `resend: true` each is sent again to its node as a new signal (new id, causationId = the
   * original's id, header `plexus-replay-of`), past deduplication.
   */
  async replay(query: JournalQuery & { resend?: boolean }): Promise<ReplayResult> {
    if (this.#journal === undefined) throw new LifecycleError('replay needs a journal, and this network has none (journal: false)');
    const signals = await this.#journal.query(query);
    const receipts: Receipt[] = [];
    if (query.resend === true) {
      for (const s of signals) {
        const draft: SignalDraft = { type: s.type, version: s.version, payload: s.payload, partitionKey: s.partitionKey, idempotencyKey: s.idempotencyKey, correlationId: s.correlationId, causationId: s.id, urgency: s.urgency, headers: { ...s.headers, 'plexus-replay-of': s.id } };
        if (s.source !== undefined) draft.source = s.source;
        const node = this.#nodes.get(s.target);
        if (node === undefined || !this.#accepting) {
          receipts.push(this.post(s.target, draft));
          continue;
        }
        receipts.push(this.#offer(node, createSignal(draft, s.target, this.#clock.now(), this.#limits), true));
      }
    }
    return { signals, receipts };
  }

  /**
   * Shuts down gracefully: stop accepting (senders hear `shutting-down`), drain every mailbox
   * (up to `timeoutMs`), save state, clean up. With `force: true` it skips draining and hands back
   * what was queued in the report. Calling it again returns the same report (and can force it).
   */
  shutdown(options: { timeoutMs?: number; force?: boolean } = {}): Promise<ShutdownReport> {
    if (this.#shutdown !== undefined) {
      if (options.force === true) this.#force?.();
      return this.#shutdown;
    }
    this.#state = 'stopping';
    // Senders hear `shutting-down` from this moment; the StopAcceptingRequests phase confirms it.
    this.#accepting = false;
    const host: ShutdownHost = {
      clock: this.#clock,
      hub: this.#hub,
      nodes: () => this.#nodes.values(),
      journal: this.#journal,
      stopAccepting: () => {
        this.#accepting = false;
      },
      idle: () => this.idle(),
      ended: () => this.#completed() + this.#counts.deadLettered,
      active: () => this.#active,
      handBack: (n) => {
        this.#counts.handedBack += n;
        this.#active -= n;
        if (this.#active === 0) this.#wakeIdle();
      },
      onForce: (force) => {
        this.#force = force;
      },
    };
    this.#shutdown = runShutdown(host, { timeoutMs: options.timeoutMs ?? this.#opts.shutdownTimeoutMs, force: options.force === true }).then((report) => {
      this.#operations.dispose();
      this.#state = 'terminated';
      this.#hub.complete();
      return report;
    });
    return this.#shutdown;
  }

  /** `await using net = createNetwork()` shuts the network down gracefully at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #runtime(node: string): NodeRuntime {
    const n = this.#nodes.get(node);
    if (n === undefined) throw new UnknownTargetError(node);
    return n;
  }

  /**
   * `replay`: a dead letter or journal replay coming back (counted as redelivered, not sent).
   * `journaled`: false for signals the journal already holds (recovery at start).
   */
  #offer(node: NodeRuntime, signal: Signal, replay: boolean, now = this.#clock.now(), journaled = true): Receipt {
    // A key that defaulted to the signal's own fresh id cannot have been seen before: such
    // signals skip the dedup window (in this process they come back only as replays, which skip
    // it anyway). A transport that redelivers envelopes records their keys itself.
    const partition = node.offer(signal, replay || signal.idempotencyKey === signal.id, now);
    if (partition >= 0) {
      if (replay) this.#counts.redelivered++;
      else this.#counts.accepted++;
      this.#active++;
      // Appended after the mailbox took it but before any handler can run (the drain is a
      // microtask away), so in the journal's one ordered stream an `accepted` record always
      // precedes the settle record of the same signal and of any child it emits.
      if (journaled && this.#journal !== undefined) this.#journalAppend(signal);
      return { status: 'accepted', id: signal.id, target: node.name, partition };
    }
    if (partition === OFFER_DUPLICATE) {
      this.#counts.duplicate++; // never for replays: they skip deduplication
      return { status: 'duplicate', id: signal.id, target: node.name, idempotencyKey: signal.idempotencyKey };
    }
    if (replay) return this.#refuseReplay(node.name, new BackpressureError(node.name, node.fill));
    return this.#reject(node.name, signal, 'backpressure', new BackpressureError(node.name, node.fill));
  }

  /** A replay refused: the receipt says why, but it is not counted as a sent-and-rejected signal. */
  #refuseReplay(target: string, error: PlexusError): Receipt {
    const reason = error instanceof BackpressureError ? 'backpressure' : error instanceof UnknownTargetError ? 'unknown-target' : 'shutting-down';
    return { status: 'rejected', target, reason, error };
  }

  #reject(target: string, draft: SignalDraft | Signal, reason: RejectReason, error: PlexusError): Receipt {
    this.#counts.rejected++;
    if (this.#hub.observed) {
      this.#hub.emit({ kind: 'rejected', at: this.#clock.now(), node: target, reason, error: toErrorInfo(error), signalType: safeField(draft, 'type'), correlationId: safeField(draft, 'correlationId') });
    }
    return { status: 'rejected', target, reason, error };
  }

  #emitFrom(node: string, parent: Signal, target: string, draft: SignalDraft): Receipt {
    const receipt = this.#post(target, draft, parent, node);
    if (receipt.status === 'rejected') throw new EmitRefusedError(target, receipt.reason, receipt.error);
    return receipt;
  }

  #journalAppend(signal: Signal): void {
    const appended = this.#journal!.append(signal);
    if (appended === undefined) return;
    this.#lastAppend = appended;
    // Nobody awaits a post()'s append: record a failure rather than leave it unhandled.
    appended.catch((e: unknown) => {
      this.#counts.journalErrors++;
      this.audit.recordError(this.classifier.classify(e, { operation: 'journal.append', signalId: signal.id }));
    });
  }

  #redeliver(node: string, signal: Signal, journaled = true): Receipt {
    const runtime = this.#nodes.get(node);
    if (runtime === undefined) return this.#refuseReplay(node, new UnknownTargetError(node));
    if (!this.#accepting) return this.#refuseReplay(node, new ShuttingDownError(this.name));
    return this.#offer(runtime, signal.target === node ? signal : reviseSignal(signal, { target: node }), true, this.#clock.now(), journaled);
  }

  #deadLetter(entry: DeadLetter): void {
    this.#dlqStore.add(entry);
    this.#counts.deadLettered++;
    if (this.#hub.observed) {
      const s = entry.signal;
      this.#hub.emit({ kind: 'dead-lettered', at: entry.deadLetteredAt, node: entry.node, signalId: s.id, signalType: s.type, correlationId: s.correlationId, signal: s, reason: entry.reason, error: entry.error, attempts: entry.attempts });
    }
  }

  #dlqOverflow(evicted: DeadLetter): void {
    if (this.#hub.observed) {
      const s = evicted.signal;
      this.#hub.emit({ kind: 'dlq-overflow', at: this.#clock.now(), node: evicted.node, signalId: s.id, signalType: s.type, correlationId: s.correlationId, signal: s });
    }
  }

  #countRecovery(name: string, strategy: string, succeeded: boolean): void {
    const key = `${name}|${strategy}|${succeeded}`;
    this.#recoveries.set(key, (this.#recoveries.get(key) ?? 0) + 1);
  }

  #completed(): number {
    let n = 0;
    for (const node of this.#nodes.values()) n += node.stats.completed;
    return n;
  }

  #settled(): void {
    this.#active--;
    if (this.#active === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    if (waiters.length === 0) return;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Reads a string field of untrusted input without letting a throwing getter escape. */
function safeField(draft: unknown, field: 'type' | 'correlationId'): string | undefined {
  try {
    const v: unknown = typeof draft === 'object' && draft !== null ? (draft as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const NO_JOURNAL: Journal = { durable: false, append() {}, settle() {}, query: () => [], pending: () => [], close() {} };

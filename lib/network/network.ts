import type { Observable } from 'rxjs';
import type { Registry } from 'prom-client';
import { DeadLetterStore } from '../delivery/dead-letter-queue.ts';
import type { Journal, JournalQuery } from '../delivery/journal.ts';
import { MemoryJournal } from '../delivery/memory-journal.ts';
import type { NodeOptions } from '../node/node-options.ts';
import { NodeRuntime, type NodeHost } from '../node/node-runtime.ts';
import { EventHub } from '../observe/event-hub.ts';
import type { NetworkEvent } from '../observe/events.ts';
import { createNetworkRegistry } from '../observe/network-metrics.ts';
import type { CircuitBreaker } from '../resilience/breaker/breaker.ts';
import { AuditLog } from '../resilience/classify/audit-log.ts';
import { ErrorClassifier } from '../resilience/classify/classifier.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import type { ProtectedCallOptions, ProtectorSettings } from '../resilience/protector/options.ts';
import type { Protector } from '../resilience/protector/protector.ts';
import { createRateLimiter } from '../resilience/rate/create.ts';
import type { RateLimiter } from '../resilience/rate/types.ts';
import { UnknownTargetError } from '../signal/errors.ts';
import { SchemaRegistry } from '../signal/schema-registry.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { TransportHost, TransportReport, TransportSession } from '../transport/transport.ts';
import type { Clock } from '../util/clock.ts';
import { configureNode, type NodeSettings } from './configure-node.ts';
import { DeadLetters } from './dead-letters.ts';
import { LifecycleError } from './errors.ts';
import { resolveNetworkOptions, type NetworkOptions, type ResolvedNetworkOptions } from './network-options.ts';
import { snapshotNode, type NetworkCounts, type NodeStatsSnapshot } from './network-stats.ts';
import { buildNodeConfig } from './node-config.ts';
import { Operations, type OperationOptions } from './operations.ts';
import type { Receipt } from './receipt.ts';
import { REMOTE_PARTITION, Router } from './router.ts';
import { ackOnSettle, NO_JOURNAL, resend } from './journal-hooks.ts';
import { nodeHostFor } from './node-host-for.ts';
import { runShutdown, type ShutdownHost } from './run-shutdown.ts';
import type { ShutdownReport } from './shutdown-report.ts';

/** A node name (the rule node-config.ts applies to local nodes, applied to remote ones). */
const NODE_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Where a network is in its life. */
export type NetworkState = 'created' | 'running' | 'stopping' | 'terminated';

/** The shutdown report of a network; `transport` says what closing the transport did (when there is one). */
export type NetworkShutdownReport = ShutdownReport & { readonly transport: TransportReport | undefined };

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
  readonly #opts: ResolvedNetworkOptions;
  readonly #clock: Clock;
  readonly #hub = new EventHub();
  readonly #nodes = new Map<string, NodeRuntime>();
  readonly #journal: Journal | undefined;
  readonly #router: Router;
  readonly #limits: PayloadLimits;
  readonly #host: NodeHost;
  readonly #remotes = new Set<string>();
  readonly #transport: TransportSession | undefined;
  #state: NetworkState = 'created';
  #shutdown: Promise<NetworkShutdownReport> | undefined;
  #force: (() => void) | undefined;

  constructor(options: NetworkOptions = {}) {
    this.#opts = resolveNetworkOptions(options);
    this.name = this.#opts.name;
    this.#clock = this.#opts.clock;
    this.events$ = this.#hub.events$;
    const j = this.#opts.journal;
    this.#journal = j === undefined ? undefined : 'settle' in j ? j : new MemoryJournal(j.capacity);
    const dlqStore = new DeadLetterStore(this.#opts.dlqCapacity, (evicted) => this.#router.dlqOverflow(evicted));
    this.dlq = new DeadLetters(dlqStore, (entry) => this.#router.redeliver(entry.node, entry.signal));
    const journal = this.#journal ?? NO_JOURNAL;
    this.classifier = new ErrorClassifier({ clock: this.#clock });
    this.audit = new AuditLog(this.#opts.auditCapacity === undefined ? {} : { capacity: this.#opts.auditCapacity });
    this.#networkLimiter = this.#opts.rateLimit === undefined ? undefined : createRateLimiter({ name: this.name, ...this.#opts.rateLimit }, this.#clock);
    this.#limits = { maxBytes: this.#opts.maxPayloadBytes, maxDepth: this.#opts.maxPayloadDepth };
    const guard = this.#opts.resources === undefined ? undefined : new ResourceGuard(this.#opts.resources, this.#clock);
    this.#transport = this.#opts.transport?.bind(this.#transportHost());
    this.#router = new Router({
      name: this.name,
      clock: this.#clock,
      hub: this.#hub,
      nodes: this.#nodes,
      journal: this.#journal,
      limits: this.#limits,
      guard,
      dlq: dlqStore,
      classifier: this.classifier,
      audit: this.audit,
      remotes: this.#remotes,
      transport: this.#transport,
      transportKind: this.#opts.transport?.kind ?? 'none',
    });
    this.#operations = new Operations({
      guard,
      clock: this.#clock,
      hub: this.#hub,
      classifier: this.classifier,
      audit: this.audit,
      networkLimiter: this.#networkLimiter,
      isShuttingDown: () => this.#state === 'stopping' || this.#state === 'terminated',
      countRecovery: (name, strategy, succeeded) => this.#countRecovery(name, strategy, succeeded),
    });
    this.#host = nodeHostFor({
      clock: this.#clock,
      hub: this.#hub,
      schemas: this.schemas,
      journal: this.#transport === undefined ? journal : ackOnSettle(journal, this.#transport),
      tracing: this.#opts.tracing,
      metrics: this.#opts.metrics,
      router: this.#router,
      classifier: this.classifier,
      audit: this.audit,
      countRecovery: (name, strategy, succeeded) => this.#countRecovery(name, strategy, succeeded),
    });
    this.metrics = createNetworkRegistry({
      network: this.name,
      nodes: () => this.#nodes.values(),
      now: () => this.#clock.now(),
      dlqSize: () => dlqStore.size,
      dlqOverflowed: () => dlqStore.overflowed,
      operations: () => this.#operations.protectors(),
      recoveries: () => this.#recoveries,
      ...(this.#transport === undefined ? {} : { transport: () => this.#transport?.counts() }),
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
    if (this.#remotes.has(name)) throw new LifecycleError(`${JSON.stringify(name)} is declared remote (hosted by another process)`);
    if (this.#operations.get(name) !== undefined) throw new LifecycleError(`${JSON.stringify(name)} is already an operation name`);
    let runtime: NodeRuntime | undefined;
    const config = buildNodeConfig(name, options as NodeOptions, this.#opts, this.#clock, this.#networkLimiter, () => runtime?.fill ?? 0);
    runtime = new NodeRuntime(config, this.#host);
    config.breaker?.onStateChange((t) => {
      if (this.#hub.observed) this.#hub.emit({ kind: 'breaker', at: t.at, name, from: t.from, to: t.to, pressureLevel: t.pressureLevel });
      if (t.to === 'open') this.#host.recovered(name, 'CIRCUIT_BREAK', true, undefined, 0, `breaker of ${name} opened (${t.from} → open): the node holds its signals`);
    });
    this.#nodes.set(name, runtime);
    if (this.#state === 'running') this.#transport?.addNode(name);
    return this;
  }

  /**
   * Declares a node hosted by another process of this network (same network name, same
   * transport): `post`, `send` and `ctx.emit` to it publish the signal through the transport.
   * Allowed before or after `start`. Throws LifecycleError without a transport, or when the
   * name is a local node or operation.
   */
  remote(name: string): this {
    if (this.#transport === undefined) throw new LifecycleError(`remote node ${JSON.stringify(name)} needs a transport: createNetwork({ transport: natsTransport() })`);
    if (typeof name !== 'string' || !NODE_NAME.test(name)) throw new InvalidOptionsError('name', 'a node name must be 1-128 letters, digits or _.:-', name);
    if (this.#state !== 'created' && this.#state !== 'running') throw new LifecycleError(`cannot declare remote node ${name}: the network is ${this.#state}`);
    if (this.#nodes.has(name)) throw new LifecycleError(`${JSON.stringify(name)} is a local node of this network; a node is hosted by one kind of process`);
    if (this.#operations.get(name) !== undefined) throw new LifecycleError(`${JSON.stringify(name)} is already an operation name`);
    this.#remotes.add(name);
    return this;
  }

  /** The names of the nodes hosted by other processes (see `remote`). */
  get remoteNames(): string[] {
    return [...this.#remotes];
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
    this.#router.open();
    if (this.#transport !== undefined) {
      try {
        await this.#transport.start([...this.#nodes.keys()]);
      } catch (e) {
        this.#router.unopen();
        this.#state = 'created';
        throw e;
      }
    }
    if (this.#journal?.durable) {
      for (const s of await this.#journal.pending()) this.#router.redeliver(s.target, s, false);
    }
  }

  /**
   * Sends a signal synchronously and returns its receipt. Never throws for a refused signal:
   * the receipt says `rejected` with a typed error (invalid input, unknown target, backpressure,
   * shutting down). Use `send` when the journal is durable.
   */
  post<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#router.post(target, draft);
  }

  /**
   * Sends a signal; resolves with its receipt (see `post`). With a durable journal, an
   * `accepted` receipt arrives only once the signal is on disk; if the journal cannot write it,
   * the promise rejects with the journal's error (the signal may still be handled: at least
   * once). Never rejects for refusals: those are receipts.
   */
  async send<P>(target: string, draft: SignalDraft<P>): Promise<Receipt> {
    const receipt = this.#router.post(target, draft);
    if (receipt.status === 'accepted' && receipt.partition === REMOTE_PARTITION) {
      // A remote node: resolve once the stream has it (its PubAck); a failed publish rejects
      // (and the signal is in the DLQ with reason `transport-failed`).
      const ack = await this.#router.takeLastPublish();
      return ack?.duplicate === true ? { status: 'duplicate', id: receipt.id, target, idempotencyKey: (draft.idempotencyKey ?? receipt.id) } : receipt;
    }
    const appended = this.#router.takeLastAppend();
    if (appended !== undefined && receipt.status === 'accepted') await appended;
    return receipt;
  }

  /** Resolves when no signal is queued, in flight or waiting for a retry anywhere in the network. */
  idle(): Promise<void> {
    return this.#router.idle();
  }

  /** Queue metrics of one node. */
  stats(node: string): NodeStatsSnapshot {
    return snapshotNode(this.#runtime(node), this.#clock.now());
  }

  /** Network-wide counts, for accounting: nothing accepted is ever unaccounted for. */
  counts(): NetworkCounts {
    return this.#router.counts();
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
    const receipts = query.resend === true ? signals.map((s) => resend(s, this.#router, this.#nodes, this.#clock.now(), this.#limits)) : [];
    return { signals, receipts };
  }

  /**
   * Shuts down gracefully: stop accepting (senders hear `shutting-down`), drain every mailbox
   * (up to `timeoutMs`), save state, clean up. With `force: true` it skips draining and hands back
   * what was queued in the report. Calling it again returns the same report (and can force it).
   */
  shutdown(options: { timeoutMs?: number; force?: boolean } = {}): Promise<NetworkShutdownReport> {
    if (this.#shutdown !== undefined) {
      if (options.force === true) this.#force?.();
      return this.#shutdown;
    }
    this.#state = 'stopping';
    // Senders hear `shutting-down` from this moment; the StopAcceptingRequests phase confirms it.
    this.#router.close();
    const host: ShutdownHost = {
      clock: this.#clock,
      hub: this.#hub,
      nodes: () => this.#nodes.values(),
      journal: this.#journal,
      // With a transport, no new messages are taken from here on (the phase awaits it).
      stopAccepting: () => {
        this.#router.close();
        return this.#transport?.stopConsuming();
      },
      idle: () => this.idle(),
      ended: () => {
        const c = this.#router.counts();
        return c.completed + c.deadLettered;
      },
      active: () => this.#router.active,
      handBack: (n) => this.#router.handBack(n),
      onForce: (force) => {
        this.#force = force;
      },
    };
    this.#shutdown = runShutdown(host, { timeoutMs: options.timeoutMs ?? this.#opts.shutdownTimeoutMs, force: options.force === true }).then(async (report) => {
      // Signals the shutdown handed back go back to the stream (nak) for the next process;
      // publishes still awaiting their PubAck end (forwarded or dead-lettered) before the close.
      const transport = await this.#transport?.close();
      this.#operations.dispose();
      this.#state = 'terminated';
      this.#hub.complete();
      return { ...report, transport };
    });
    return this.#shutdown;
  }

  /** `await using net = createNetwork()` shuts the network down gracefully at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /** What the transport may do to this network: offer received signals, dead-letter, report failures. */
  #transportHost(): TransportHost {
    return {
      network: this.name,
      clock: this.#clock,
      capacity: (node) => this.#nodes.get(node)?.config.capacity ?? 1,
      receive: (node, signal, redelivery) => this.#router.receive(node, signal, redelivery),
      giveUp: (node, signal, error, deliveries) => this.#router.giveUp(node, signal, error, deliveries),
      failure: (error, operation, node) => this.#router.transportFailure(error, operation, node),
    };
  }

  #runtime(node: string): NodeRuntime {
    const n = this.#nodes.get(node);
    if (n === undefined) throw new UnknownTargetError(node);
    return n;
  }

  #countRecovery(name: string, strategy: string, succeeded: boolean): void {
    const key = `${name}|${strategy}|${succeeded}`;
    this.#recoveries.set(key, (this.#recoveries.get(key) ?? 0) + 1);
  }
}

/*
 * The Network class: the API of a network (nodes, operations, lifecycle, sending, observing).
 * Its parts are built in wire-network.ts; shutdown and replay live in their own files.
 */
import type { Observable } from 'rxjs';
import { metricsEndpoint, type MetricsEndpoint } from '../observe/metrics-endpoint.ts';
import type { Journal } from '../delivery/journal.ts';
import type { NodeOptions } from '../node/node-options.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import { EventHub } from '../observe/event-hub.ts';
import type { NetworkEvent } from '../observe/events.ts';
import type { CircuitBreaker } from '../resilience/breaker/breaker.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import type { ProtectedCallOptions, ProtectorSettings } from '../resilience/protector/options.ts';
import type { Protector } from '../resilience/protector/protector.ts';
import { UnknownTargetError } from '../signal/errors.ts';
import { SchemaRegistry } from '../signal/schema-registry.ts';
import type { SignalDraft } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { TransportSession } from '../transport/transport.ts';
import type { Clock } from '../util/clock.ts';
import type { FeatureFlags } from '../control/feature-flags.ts';
import type { HealthCheckOptions } from '../control/health-options.ts';
import type { HealthCheck, HealthReport } from '../control/health-types.ts';
import type { DisposableHandle } from '../resilience/emitter.ts';
import { configureNode, type NodeSettings } from './configure-node.ts';
import type { NetworkHealth } from './network-health.ts';
import type { NetworkContext } from './network-context.ts';
import type { NetworkAlerts } from './network-alerts.ts';
import type { NetworkForecast } from './network-forecast.ts';
import type { DeadLetters } from './dead-letters.ts';
import type { NetworkFailover } from './network-failover.ts';
import type { NodeFailoverOptions } from './failover-node-options.ts';
import type { NodeFailoverGroup } from './node-failover.ts';
import { LifecycleError } from './errors.ts';
import { refuseTakenName, type NetworkNames } from './taken-names.ts';
import { checkNodeName } from './node-config.ts';
import { claimNetworkName } from './network-names.ts';
import { resolveNetworkOptions, type NetworkOptions, type ResolvedNetworkOptions } from './network-options.ts';
import { snapshotNode, type NetworkCounts, type NodeStatsSnapshot } from './network-stats.ts';
import type { OperationOptions, Operations } from './operations.ts';
import type { Receipt } from '../node/receipt.ts';
import { replayJournal, type ReplayQuery, type ReplayResult } from './replay.ts';
import type { Router } from './router.ts';
import { refuseUnknownShutdownOptions, shutdownNetwork, type NetworkShutdownReport, type ShutdownOptions } from './shutdown-network.ts';
import { sendSignal } from './send-signal.ts';
import { startNetwork } from './start-network.ts';
import { ShutdownHooks, type ShutdownHandler, type ShutdownHandlerOptions, type ShutdownHandlerPhase, type ShutdownOnSignalsOptions } from './shutdown-hooks.ts';
import { wireNetwork, type ControlPlane, type NetworkWiring } from './wire-network.ts';
import type { NetworkTracing } from './network-tracing.ts';

// Both moved out with their code; lib/index.ts still exports them from here.
export type { NetworkShutdownReport, ReplayResult };

/** Where a network is in its life. */
export type NetworkState = 'created' | 'running' | 'stopping' | 'terminated';

/**
 * A network of nodes in one process: routing, lifecycle, the event stream, metrics, the dead
 * letter queue and the journal. Create one with `createNetwork()`.
 */
export class Network implements AsyncDisposable {
  /** The network name (the `network` label of metrics, and in errors). */
  readonly name: string;
  /** Signal types, their versions, validators and upcasters. */
  readonly schemas = new SchemaRegistry();
  /** Every event of the network, typed (see NetworkEvent). */
  readonly events$: Observable<NetworkEvent>;
  /** The dead letter queue. */
  readonly dlq: DeadLetters;
  /** This network's metrics (`plexus_` prefix) for Prometheus: `contentType` and `text()`. */
  readonly metrics: MetricsEndpoint;
  /** Classifies every failure (category, severity, id); add your own rules with `register`. */
  readonly classifier: ErrorClassifier;
  /** Errors and recoveries of nodes and operations, queryable (last N, by category, by name). */
  readonly audit: AuditLog;
  /** Feature flags: set in code, overridden by `PLEXUS_*` variables, shown in the health report and metrics. */
  readonly flags: FeatureFlags;
  /** The health report each time the overall status or a component's status changes (changes only); completes at shutdown. */
  readonly health$: Observable<HealthReport>;
  /** The context mirror: JSON values by key, shared by publishers, with the network's own state in it (docs/operations.md). */
  readonly context: NetworkContext;
  /** Alert rules (a starter set on by default) and the alerts active now, each firing and resolving an `alert` event (docs/operations.md). */
  readonly alerts: NetworkAlerts;
  /** The bottleneck forecast: per node utilisation, depth trend, time to full, risk and confidence; forecasts from elsewhere in the same schema (docs/operations.md). */
  readonly forecast: NetworkForecast;
  /** The parts that watch the network while it runs (health, context, alerts, …), started and stopped together. */
  readonly #control: ControlPlane;
  readonly #hooks: ShutdownHooks;
  readonly #health: NetworkHealth;
  readonly #failover: NetworkFailover;
  /** Nodes, remote nodes, operations and failover groups: one space of names. */
  readonly #names: NetworkNames;
  readonly #operations: Operations;
  readonly #opts: ResolvedNetworkOptions;
  readonly #clock: Clock;
  readonly #hub: EventHub;
  readonly #nodes = new Map<string, NodeRuntime>();
  readonly #journal: Journal | undefined;
  readonly #router: Router;
  readonly #limits: PayloadLimits;
  readonly #createNode: NetworkWiring['createNode'];
  readonly #recover: NetworkWiring['recover'];
  readonly #tracing: NetworkTracing;
  readonly #remotes = new Set<string>();
  readonly #transport: TransportSession | undefined;
  #state: NetworkState = 'created';
  #shutdown: Promise<NetworkShutdownReport> | undefined;
  /** The start under way, shared by concurrent `start()` calls. */
  #starting: Promise<void> | undefined;
  #force: (() => void) | undefined;
  /** Frees this network's name among the running ones (see network-names.ts); set while it holds it. */
  #releaseName: (() => void) | undefined;

  constructor(options: NetworkOptions = {}) {
    this.#opts = resolveNetworkOptions(options);
    this.name = this.#opts.name;
    this.#clock = this.#opts.clock;
    this.#hub = new EventHub(this.#clock);
    this.events$ = this.#hub.events$;
    const w = wireNetwork({
      opts: this.#opts,
      hub: this.#hub,
      schemas: this.schemas,
      nodes: this.#nodes,
      remotes: this.#remotes,
      isShuttingDown: () => this.#state === 'stopping' || this.#state === 'terminated',
    });
    this.#journal = w.journal;
    this.dlq = w.dlq;
    this.classifier = w.classifier;
    this.audit = w.audit;
    this.#limits = w.limits;
    this.#transport = w.transport;
    this.#router = w.router;
    this.#operations = w.operations;
    this.metrics = metricsEndpoint(w.metrics);
    this.#createNode = w.createNode;
    this.#recover = w.recover;
    this.#tracing = w.tracing;
    this.#health = w.health;
    this.flags = w.health.flags;
    this.health$ = w.health.health$;
    this.context = w.context;
    this.alerts = w.alerts;
    this.forecast = w.forecast;
    this.#control = w.control;
    this.#hooks = new ShutdownHooks({ clock: this.#clock, hub: this.#hub, handlers: w.shutdownHandlers, state: () => this.#state, shutdown: (o) => this.shutdown(o) });
    this.#failover = w.failover;
    this.#names = { nodes: this.#nodes, remotes: this.#remotes, isOperation: (name) => w.operations.get(name) !== undefined, isFailoverGroup: (name) => w.failover.has(name) };
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
  node<P = unknown>(name: string, options: NodeOptions<P>): this {
    if (this.#state !== 'created' && this.#state !== 'running') throw new LifecycleError(`cannot add node ${name}: the network is ${this.#state}`);
    refuseTakenName(this.#names, name, 'node');
    this.#nodes.set(name, this.#createNode(name, options as NodeOptions));
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
    if (this.#transport === undefined) throw new LifecycleError(`remote node ${JSON.stringify(name)} needs a transport: createNetwork({ transport: createNatsTransport() })`);
    checkNodeName(name);
    if (this.#state !== 'created' && this.#state !== 'running') throw new LifecycleError(`cannot declare remote node ${name}: the network is ${this.#state}`);
    refuseTakenName(this.#names, name, 'remote node');
    this.#remotes.add(name);
    return this;
  }

  /**
   * Defines a failover group of nodes: signals to `name` reach its active member only, which the
   * group switches on an open breaker, an unhealthy node, `release` or `switchTo` (docs/operations.md#failover-groups).
   */
  failover(name: string, options: NodeFailoverOptions): NodeFailoverGroup {
    return this.#failover.define(name, options);
  }

  /** The failover groups, in the order they were defined (see `failover`). */
  get failoverGroups(): NodeFailoverGroup[] {
    return this.#failover.groups();
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
    if (this.#operations.get(name) === undefined) refuseTakenName(this.#names, name, 'operation');
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

  /**
   * Starts the network: recovers what a durable journal holds (pending signals, dead letters,
   * idempotency keys), starts the transport, then accepts signals. All or nothing: if the journal cannot be read or the transport cannot
   * start, it rejects and the network stays `created` (posts still refused as `not-started`), so
   * a later `start()` tries again, recovery included. Posts made while it runs are refused as
   * `not-started`: recovered signals are offered before the first post can be taken, so a new
   * post never overtakes them. Idempotent; concurrent calls share one start.
   */
  start(): Promise<void> {
    if (this.#state === 'running') return Promise.resolve();
    if (this.#state !== 'created') return Promise.reject(new LifecycleError(`cannot start: the network is ${this.#state}`));
    return (this.#starting ??= this.#start().finally(() => {
      this.#starting = undefined;
    }));
  }

  #start(): Promise<void> {
    const parts = { journal: this.#journal, nodes: this.#nodes, router: this.#router, transport: this.#transport, control: this.#control, tracing: this.#tracing, recover: this.#recover };
    return startNetwork(parts, {
      checkNotStopping: () => this.#checkNotStopping(),
      opened: () => {
        this.#state = 'running';
        // Networks with a transport share their name on purpose (processes of one network).
        if (this.#transport === undefined) this.#releaseName = claimNetworkName(this.name);
        this.#control.start();
      },
    });
  }

  /** A shutdown that began while `start()` awaited wins: the start fails and opens nothing. */
  #checkNotStopping(): void {
    if (this.#state !== 'created') throw new LifecycleError(`start() was overtaken: the network is ${this.#state}`);
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
  send<P>(target: string, draft: SignalDraft<P>): Promise<Receipt> {
    return sendSignal(this.#router, target, draft);
  }

  /**
   * Resolves when no signal is queued, in flight or waiting for a retry anywhere in the network.
   * Signals an open breaker holds are still active, so this waits for the breaker too: when it
   * seems to hang, `stats(node).held` and `breakerState` say which node holds what, and
   * `breaker(node).retryAfterMs` until when (a `held` event marks each signal put to wait).
   */
  idle(): Promise<void> {
    return this.#router.idle();
  }

  /** The health report now: overall status, each component, breakers, processing, safeguards, flags. */
  health(): HealthReport {
    return this.#health.report();
  }

  /**
   * Adds a health check, run every `intervalMs` from `start()` to shutdown (at once when running).
   * A check that throws or times out is a failed check. `dispose()` removes it.
   */
  registerHealthCheck(name: string, check: HealthCheck, options?: HealthCheckOptions): DisposableHandle {
    return this.#health.register(name, check, options);
  }

  /** Queue metrics of one node. */
  stats(node: string): NodeStatsSnapshot {
    return snapshotNode(this.#runtime(node), this.#clock.now());
  }

  /** Network-wide counts, for accounting: nothing accepted is ever unaccounted for. */
  counts(): NetworkCounts {
    return this.#router.counts();
  }

  /**
   * The journaled (completed) signals of a time range, optionally of one node and type. With
   * `resend: true` each is sent again to its node as a new signal (new id, causationId = the
   * original's id, header `plexus-replay-of`), past deduplication.
   */
  replay(query: ReplayQuery): Promise<ReplayResult> {
    return replayJournal({ journal: this.#journal, router: this.#router, nodes: this.#nodes, clock: this.#clock, limits: this.#limits }, query);
  }

  /**
   * Shuts down gracefully: stop accepting (senders hear `shutting-down`), drain every mailbox
   * (up to `timeoutMs`), save state, clean up. With `force: true` it skips draining and hands back
   * what was queued in the report. Calling it again returns the same report (and can force it).
   */
  shutdown(options: ShutdownOptions = {}): Promise<NetworkShutdownReport> {
    const refused = refuseUnknownShutdownOptions(options);
    if (refused !== undefined) return refused;
    if (this.#shutdown !== undefined) {
      if (options.force === true) this.#force?.();
      return this.#shutdown;
    }
    this.#state = 'stopping';
    this.#shutdown = shutdownNetwork(
      { clock: this.#clock, hub: this.#hub, nodes: this.#nodes, journal: this.#journal, router: this.#router, transport: this.#transport, control: this.#control, operations: this.#operations },
      { idle: () => this.idle(), onForce: (force) => void (this.#force = force), terminated: () => this.#terminated(), handlers: this.#hooks.handlers },
      { timeoutMs: options.timeoutMs ?? this.#opts.shutdownTimeoutMs, force: options.force === true },
    );
    return this.#shutdown;
  }

  /** Registers a handler run at shutdown in SaveState (a checkpoint) or CleanupResources, bounded by `timeoutMs`; reported per phase, never thrown (see ShutdownHandler). */
  onShutdown(phase: ShutdownHandlerPhase, name: string, handler: ShutdownHandler, options?: ShutdownHandlerOptions): DisposableHandle {
    return this.#hooks.onShutdown(phase, name, handler, options);
  }

  /** Hooks SIGINT and SIGTERM to `shutdown()` (a second signal forces it), then exits the process; `dispose()` unhooks, as does termination. */
  shutdownOnSignals(options?: ShutdownOnSignalsOptions): DisposableHandle {
    return this.#hooks.hookSignals(options);
  }

  /** `await using net = createNetwork()` shuts the network down gracefully at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #terminated(): void {
    this.#state = 'terminated';
    this.#control.stop();
    this.#hooks.terminated();
    this.#releaseName?.();
  }

  #runtime(node: string): NodeRuntime {
    const n = this.#nodes.get(node);
    if (n === undefined) throw new UnknownTargetError(node);
    return n;
  }
}

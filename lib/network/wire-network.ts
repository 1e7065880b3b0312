/*
 * How a network's parts are built and connected: journal, dead letter queue, classifier, audit
 * log, transport, router, operations, the node host, metrics, and each new node. Kept apart from
 * the Network class so the class reads as its API (lifecycle, routing, configuration) and the
 * wiring, which has to be done in one order with a few forward references, reads in one place.
 */
import type { Registry } from 'prom-client';
import { DeadLetterStore } from '../delivery/dead-letter-queue.ts';
import { DedupWindow } from '../delivery/dedup-window.ts';
import type { Journal } from '../delivery/journal.ts';
import { MemoryJournal } from '../delivery/memory-journal.ts';
import type { NodeOptions } from '../node/node-options.ts';
import { NodeRuntime, type NodeHost } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import { createNetworkRegistry } from './network-metrics.ts';
import { AuditLog } from '../resilience/classify/audit-log.ts';
import { ErrorClassifier } from '../resilience/classify/classifier.ts';
import { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import { createRateLimiter } from '../resilience/rate/create.ts';
import type { RateLimiter } from '../resilience/rate/types.ts';
import type { SchemaRegistry } from '../signal/schema-registry.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { TransportHost, TransportSession } from '../transport/transport.ts';
import type { Clock } from '../util/clock.ts';
import { DeadLetters } from './dead-letters.ts';
import { ackOnSettle, NO_JOURNAL } from './journal-hooks.ts';
import type { ResolvedNetworkOptions } from './network-options.ts';
import { buildNodeConfig } from './node-config.ts';
import { nodeHostFor } from './node-host-for.ts';
import { NetworkContextMirror } from './network-context.ts';
import { NetworkHealth } from './network-health.ts';
import { NetworkAlertsRunner } from './network-alerts.ts';
import { NetworkForecastRunner } from './network-forecast.ts';
import { OVERALL_HEALTH_COMPONENT } from './network-health.ts';
import { checkReflexKinds, NetworkReflexes, reflexFlagOptions } from './network-reflexes.ts';
import type { ReflexKind } from '../control/reflex-policy.ts';
import type { ForecastData } from '../control/forecast-types.ts';
import { DEFAULT_FORECAST_MIN_CONFIDENCE } from '../control/forecast-options.ts';
import { Operations } from './operations.ts';
import { Router } from './router.ts';
import { recoverJournal, type Recovery } from './recover-journal.ts';
import { NetworkTracing } from './network-tracing.ts';
import { logNetworkEvents } from '../observe/log-events.ts';
import { ShutdownHandlers } from '../control/shutdown-handlers.ts';
import { NetworkFailover } from './network-failover.ts';

/** What the wiring takes from the network: its options and the state the network itself owns. */
export interface NetworkParts {
  readonly opts: ResolvedNetworkOptions;
  readonly hub: EventHub;
  readonly schemas: SchemaRegistry;
  /** The local nodes; filled later by `network.node`, read through here by router, transport and metrics. */
  readonly nodes: Map<string, NodeRuntime>;
  /** The remote node names; filled later by `network.remote`. */
  readonly remotes: Set<string>;
  /** Whether the network is stopping or terminated (operations refuse new calls then). */
  isShuttingDown(): boolean;
}

/**
 * Parts that run from the network's start to its end (timers, watchers); one list, started in
 * order and stopped in reverse. Parts that share state with the network's other processes
 * connect through the transport at start, before the network opens, and disconnect before it closes.
 */
export interface ControlPlane {
  /** Connects the parts that share state through `transport` (at start, once it is connected); all or nothing. */
  connect(transport: TransportSession): Promise<void>;
  /** Disconnects them (before the transport closes, or after a start failed); safe to call when not connected. */
  disconnect(): Promise<void>;
  /** Starts every part (the network has just opened). */
  start(): void;
  /** Stops every part (the network has terminated). */
  stop(): void;
}

/** One part of a control plane. */
export interface ControlPart {
  start(): void;
  stop(): void;
  /** Connects through the transport (see {@link ControlPlane.connect}); a rejection fails the start. */
  connect?(transport: TransportSession): Promise<void>;
  /** Undoes `connect`. */
  disconnect?(): Promise<void>;
}

/** A control plane over `parts`: started (and connected) in order, stopped (and disconnected) in reverse order. */
export function controlPlane(parts: readonly ControlPart[]): ControlPlane {
  const disconnect = async (): Promise<void> => {
    for (const part of [...parts].reverse()) await part.disconnect?.();
  };
  return {
    connect: async (transport) => {
      try {
        for (const part of parts) await part.connect?.(transport);
      } catch (e) {
        await disconnect();
        throw e;
      }
    },
    disconnect,
    start: () => {
      for (const part of parts) part.start();
    },
    stop: () => {
      for (const part of [...parts].reverse()) part.stop();
    },
  };
}

/** The built parts of a network, connected to each other. */
export interface NetworkWiring {
  /** The network's journal (`undefined` with `journal: false`). */
  readonly journal: Journal | undefined;
  readonly dlq: DeadLetters;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  readonly limits: PayloadLimits;
  readonly transport: TransportSession | undefined;
  readonly router: Router;
  readonly operations: Operations;
  readonly metrics: Registry;
  /** Health checks, the health report and feature flags. */
  readonly health: NetworkHealth;
  /** The context mirror, with the network's own publisher. */
  readonly context: NetworkContextMirror;
  /** The alert rules and their evaluator. */
  readonly alerts: NetworkAlertsRunner;
  /** The failover groups of nodes. */
  readonly failover: NetworkFailover;
  /** The bottleneck forecast. */
  readonly forecast: NetworkForecastRunner;
  /** The parts that watch the network while it runs, started when it opens and stopped when it terminates. */
  readonly control: ControlPlane;
  /** Whether the network traces with OpenTelemetry, decided at its start. */
  readonly tracing: NetworkTracing;
  /** Shutdown handlers of components and users (`network.onShutdown`), run in SaveState and CleanupResources. */
  readonly shutdownHandlers: ShutdownHandlers;
  /**
   * Validates a node's options and builds its runtime on the network's shared host; its breaker's
   * changes become events (and an opening, a recovery). Throws InvalidOptionsError on bad options.
   */
  createNode(name: string, options: NodeOptions): NodeRuntime;
  /** Restores what a durable journal's last run left open (see `recoverJournal`); resolves with the pending signals. */
  recover(journal: Journal): Promise<Recovery>;
}

/**
 * Builds the parts of a network from its resolved options and connects them. Nothing here starts
 * work: the network's `start` opens the router and starts the transport.
 */
export function wireNetwork(p: NetworkParts): NetworkWiring {
  const { opts, hub, nodes } = p;
  const clock = opts.clock;
  // Recoveries by `name|strategy|succeeded`: counted by nodes and operations, read by metrics.
  const recoveries = new Map<string, number>();
  const countRecovery = (name: string, strategy: string, succeeded: boolean): void => {
    const key = `${name}|${strategy}|${succeeded}`;
    recoveries.set(key, (recoveries.get(key) ?? 0) + 1);
  };
  const j = opts.journal;
  const journal: Journal | undefined = j === undefined ? undefined : 'settle' in j ? j : new MemoryJournal(j.capacity);
  // The dead letter queue and the transport call back into the router, built below: their
  // callbacks run only after construction, when `router` is set.
  // A dead letter that leaves the queue other than by a reprocess (whose accept record says it)
  // must not come back from a durable journal at the next start.
  const forgetDeadLetter = (id: string): void => journal?.forgetDeadLetter?.(id);
  const dlqStore = new DeadLetterStore(opts.dlqCapacity, (evicted) => {
    router.dlqOverflow(evicted);
    forgetDeadLetter(evicted.id);
  });
  const dlq = new DeadLetters(dlqStore, (entry) => router.redeliver(entry.node, entry.signal), forgetDeadLetter);
  const classifier = new ErrorClassifier({ clock });
  const audit = new AuditLog(opts.auditCapacity === undefined ? {} : { capacity: opts.auditCapacity });
  const networkLimiter = opts.rateLimit === undefined ? undefined : createRateLimiter({ name: opts.name, ...opts.rateLimit }, clock);
  const dedup = opts.dedup === undefined ? undefined : new DedupWindow(opts.dedup.windowMs, opts.dedup.maxKeys);
  // A durable journal keeps the window's keys, so that a restart still knows them.
  if (dedup !== undefined) journal?.rememberKeys?.(dedup.windowMs, dedup.maxKeys);
  const limits: PayloadLimits = { maxBytes: opts.maxPayloadBytes, maxDepth: opts.maxPayloadDepth };
  const guard = opts.resources === undefined ? undefined : new ResourceGuard(opts.resources, clock);
  const transport: TransportSession | undefined = opts.transport?.bind(transportHostFor(opts.name, clock, nodes, () => router));
  const router: Router = new Router({
    name: opts.name,
    clock,
    hub,
    nodes,
    journal,
    limits,
    guard,
    dlq: dlqStore,
    classifier,
    audit,
    remotes: p.remotes,
    transport,
    transportKind: opts.transport?.kind ?? 'none',
    maxCausationDepth: opts.maxCausationDepth,
    memberFor: (target) => failover.memberFor(target),
  });
  const tracing = new NetworkTracing(nodes, router);
  const operations = new Operations({
    guard,
    clock,
    hub,
    classifier,
    audit,
    networkLimiter,
    isShuttingDown: () => p.isShuttingDown(),
    countRecovery,
  });
  // Changes of breakers, pressure levels and health are published at once. The health monitor
  // registers its first checks (a change) before the context is built: nothing to publish then.
  let context: NetworkContextMirror | undefined;
  const contextChanged = (): void => context?.changed();
  // Reflexes read node pressure through the same hook (built below, after the flags).
  let reflexes: NetworkReflexes | undefined;
  const pressureChanged = (node: string): void => {
    contextChanged();
    const runtime = reflexes === undefined ? undefined : nodes.get(node);
    if (runtime !== undefined) reflexes?.input('nodePressure', node, runtime.fill);
  };
  const reflexPolicy = reflexFlagOptions(opts.flags, opts.reflexes);
  // Nodes always get a journal to call (a no-op one with `journal: false`).
  const nodesJournal = journal ?? NO_JOURNAL;
  const host = nodeHostFor({
    clock,
    hub,
    schemas: p.schemas,
    journal: transport === undefined ? nodesJournal : ackOnSettle(nodesJournal, transport),
    tracing: opts.tracing,
    metrics: opts.metrics,
    router,
    classifier,
    audit,
    countRecovery,
    pressureChanged,
  });
  const health = new NetworkHealth({
    onChange: (change) => {
      contextChanged();
      reflexes?.healthChanged(change, OVERALL_HEALTH_COMPONENT);
    },
    clock,
    hub,
    health: opts.health,
    flags: reflexPolicy.flags,
    journal,
    transport,
    nodes: () => nodes.values(),
    operations: () => operations.protectors(),
    networkRateLimit: networkLimiter !== undefined,
    resourceGuard: guard !== undefined,
    dedup: dedup !== undefined,
  });
  const forecastOptions = opts.forecast;
  const forecast = new NetworkForecastRunner({
    clock,
    hub,
    options: forecastOptions,
    nodes: () => nodes.values(),
    // With sampling off, forecasts from elsewhere (normalize) still feed the reflexes.
    onForecast: (f) => reflexes?.forecast(f, forecastOptions === false ? DEFAULT_FORECAST_MIN_CONFIDENCE : forecastOptions.minConfidence),
  });
  const ownForecast = (): ForecastData | undefined => (forecastOptions === false ? undefined : forecast.report());
  health.forecast = ownForecast;
  const alerts = new NetworkAlertsRunner({
    clock,
    hub,
    options: opts.alerts,
    nodes: () => nodes.values(),
    dlqSize: () => dlqStore.size,
    healthStatus: () => health.status,
    forecast: ownForecast,
    onFiring: (alert) => reflexes?.alertFired(alert),
  });
  health.activeAlerts = () => alerts.active();
  const failover: NetworkFailover = new NetworkFailover({
    clock,
    hub,
    nodes,
    remotes: p.remotes,
    journal,
    transport,
    health,
    isOperation: (name) => operations.get(name) !== undefined,
    isShuttingDown: () => p.isShuttingDown(),
    failure: (error, operation) => router.transportFailure(error, operation),
  });
  health.failoverGroups = () => failover.section();
  if (reflexPolicy.policy !== undefined) {
    const policy = reflexPolicy.policy;
    reflexes = new NetworkReflexes({ clock, hub, flags: health.flags, policy, post: (target, draft) => router.post(target, draft) });
  }
  context = new NetworkContextMirror({
    clock,
    hub,
    limits,
    options: opts.context,
    nodes: () => nodes.values(),
    healthStatus: () => health.status,
    failure: (error, operation) => router.transportFailure(error, operation),
  });
  const metrics = createNetworkRegistry({
    network: opts.name,
    nodes: () => nodes.values(),
    now: () => clock.now(),
    dlqSize: () => dlqStore.size,
    dlqOverflowed: () => dlqStore.overflowed,
    operations: () => operations.protectors(),
    recoveries: () => recoveries,
    subscriberErrors: () => hub.subscriberErrors,
    healthStatus: () => health.statusSamples(),
    featureFlags: () => health.flagSamples(),
    activeAlerts: () => alerts.samples(),
    failoverActive: () => failover.activeSamples(),
    failoverSwitches: () => failover.switchSamples(),
    ...(forecastOptions === false ? {} : { forecast: (read: Parameters<typeof forecast.samples>[0]) => forecast.samples(read) }),
    ...(reflexes === undefined ? {} : { reflexes: () => reflexes.samples() }),
    ...(dedup === undefined ? {} : { dedup: () => dedup }),
    ...(transport === undefined ? {} : { transport: () => transport.counts() }),
  });
  const createNode = (name: string, options: NodeOptions): NodeRuntime => {
    const kinds = checkReflexKinds(name, options.reflexes);
    const runtime = createNodeRuntime(name, options, opts, networkLimiter, dedup, hub, host, contextChanged);
    tracing.added(runtime);
    health.addNode(runtime);
    if (reflexes !== undefined) wireNodeReflexes(reflexes, runtime, kinds);
    return runtime;
  };
  const recover = (durable: Journal): Promise<Recovery> =>
    recoverJournal(
      durable,
      dlqStore,
      nodes,
      () => clock.now(),
      (states) => failover.restore(states),
    );
  // The forecast samples before the alerts evaluate at the same instant: they read its latest.
  const control = controlPlane([health, context, forecast, alerts, failover]);
  // The log is a subscriber like any other: without a logger no event is built for it.
  if (opts.logger !== undefined) logNetworkEvents(hub.events$, opts.logger, opts.name);
  const shutdownHandlers = new ShutdownHandlers(clock);
  return { journal, dlq, classifier, audit, limits, transport, router, operations, metrics, health, context, alerts, forecast, failover, control, shutdownHandlers, tracing, createNode, recover };
}

/** See {@link NetworkWiring.createNode}. `breakerChanged`: told after each change of the node's breaker. */
function createNodeRuntime(
  name: string,
  options: NodeOptions,
  opts: ResolvedNetworkOptions,
  networkLimiter: RateLimiter | undefined,
  dedup: DedupWindow | undefined,
  hub: EventHub,
  host: NodeHost,
  breakerChanged: () => void,
): NodeRuntime {
  // The breaker's pressure level reads the mailbox fill, but the runtime is built from the
  // config: `load` reads the runtime once it exists.
  let runtime: NodeRuntime | undefined;
  const config = buildNodeConfig(name, options, opts.clock, networkLimiter, dedup, () => runtime?.fill ?? 0);
  runtime = new NodeRuntime(config, host);
  config.breaker?.onStateChange((t) => {
    const trip = t.runbook === undefined ? undefined : { runbook: t.runbook };
    if (hub.observed) hub.emit({ kind: 'breaker', at: t.at, name, from: t.from, to: t.to, pressureLevel: t.pressureLevel, ...trip });
    if (t.to === 'open') host.recovered(name, 'circuit-break', true, undefined, 0, `breaker of ${name} opened (${t.from} → open): the node holds its signals (runbook: ${t.runbook})`);
    breakerChanged();
  });
  return runtime;
}

/** A node's reflexes: its subscriptions, and its breaker's pressure as an input when a rule reads it. */
function wireNodeReflexes(reflexes: NetworkReflexes, runtime: NodeRuntime, kinds: readonly ReflexKind[]): void {
  reflexes.subscribe(runtime.name, kinds);
  if (reflexes.watches('breakerPressure')) runtime.config.breaker?.onPressure((level) => reflexes.input('breakerPressure', runtime.name, level));
}

/**
 * What the transport may do to its network: offer received signals, dead-letter, report failures.
 * `router` is a getter because the transport is bound before the router is built.
 */
function transportHostFor(network: string, clock: Clock, nodes: ReadonlyMap<string, NodeRuntime>, router: () => Router): TransportHost {
  return {
    network,
    clock,
    capacity: (node) => nodes.get(node)?.config.capacity ?? 1,
    receive: (node, signal, redelivery) => router().receive(node, signal, redelivery),
    giveUp: (node, signal, error, deliveries) => router().giveUp(node, signal, error, deliveries),
    failure: (error, operation, node) => router().transportFailure(error, operation, node),
  };
}

/*
 * A network's control plane: its health monitor with the built-in checks, its feature flags,
 * the report, `health$`, the `health` events and the samples of the health and flag metrics.
 * Built by wire-network.ts; the Network class only forwards to it.
 */
import { Subject, type Observable } from 'rxjs';
import { eventLoopCheck, journalCheck, memoryCheck, nodeCheck, transportCheck, type HealthReporting } from '../control/built-in-checks.ts';
import type { ActiveAlert } from '../control/alert-rules.ts';
import type { ForecastData } from '../control/forecast-types.ts';
import { FeatureFlags, type FeatureFlagOptions } from '../control/feature-flags.ts';
import { HealthMonitor, type HealthChange } from '../control/health-monitor.ts';
import { resolveHealthOptions, type HealthCheckOptions, type HealthOptions } from '../control/health-options.ts';
import { HEALTH_STATUS_CODE, type HealthCheck, type HealthReport, type HealthStatus } from '../control/health-types.ts';
import type { Journal } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Sample } from '../observe/scraped-metric.ts';
import type { DisposableHandle } from '../resilience/emitter.ts';
import type { TransportSession } from '../transport/transport.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { breakerSection, processingSection, safeguardsSection, type HealthSectionsSource } from './health-sections.ts';

/** Name of the overall status in `plexus_health_status{component}`. */
export const OVERALL_HEALTH_COMPONENT = 'overall';

/** What the control plane reads from the network. */
export interface NetworkHealthParts extends HealthSectionsSource {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly health: HealthOptions | false | undefined;
  readonly flags: FeatureFlagOptions | undefined;
  readonly journal: Journal | undefined;
  readonly transport: TransportSession | undefined;
  /** Told of each change of the overall status or a component's (the network publishes it into its context; the reflexes read it). */
  readonly onChange?: (change: HealthChange) => void;
}

/** A network's health and flags. */
export class NetworkHealth {
  readonly flags: FeatureFlags;
  readonly health$: Observable<HealthReport>;
  readonly #parts: NetworkHealthParts;
  readonly #monitor: HealthMonitor;
  readonly #changes = new Subject<HealthReport>();
  readonly #stopEventLoop: () => void;
  /** The alerts active now, for the report (set by the wiring once the alerts are built). */
  activeAlerts: () => readonly ActiveAlert[] = () => [];
  /** The network's forecast, for the report (set by the wiring once the forecast is built). */
  forecast: () => ForecastData | undefined = () => undefined;
  /** `health: false`: the checks never start. */
  readonly #enabled: boolean;

  /** Throws InvalidOptionsError on bad `health` or `flags` options (or a bad PLEXUS_* value). */
  constructor(parts: NetworkHealthParts) {
    this.#parts = parts;
    this.#enabled = parts.health !== false;
    const options = resolveHealthOptions(parts.health === false ? {} : parts.health);
    this.flags = new FeatureFlags(parts.flags);
    this.health$ = this.#changes.asObservable();
    this.#monitor = new HealthMonitor(parts.clock, options, (change) => this.#changed(change));
    // Real event-loop lag says nothing about a network on a virtual clock (and would make its
    // specs flaky): there, without a reader of yours, the lag reads 0.
    const eventLoop = eventLoopCheck(options.readEventLoopLagMs ?? (parts.clock === systemClock ? undefined : () => 0));
    this.#stopEventLoop = eventLoop.stop;
    this.#monitor.register('event-loop', eventLoop.check, { essential: true });
    this.#monitor.register('memory', memoryCheck(options.readHeapUsed, options.heapLimitBytes), { essential: true });
    const journal = parts.journal;
    if (journal !== undefined) this.#monitor.register('journal', journalCheck(journal as Journal & HealthReporting), { essential: true });
    const transport = parts.transport;
    if (transport !== undefined)
      this.#monitor.register(
        'transport',
        transportCheck(() => transport.counts()),
        { essential: true },
      );
  }

  /** Adds the built-in check of a new node (`node:<name>`, not essential: an open breaker degrades the network). */
  addNode(node: NodeRuntime): void {
    // The error rate over the time since the previous check, from the node's counters: reading
    // `stats.errorRate(now)` would roll its one-second window and change what metrics show.
    const stats = node.stats;
    let completed = stats.completed;
    let failed = stats.failedAttempts;
    const errorRate = (): number => {
      const newlyCompleted = stats.completed - completed;
      const newlyFailed = stats.failedAttempts - failed;
      completed = stats.completed;
      failed = stats.failedAttempts;
      return newlyFailed === 0 ? 0 : newlyFailed / (newlyFailed + newlyCompleted);
    };
    this.#monitor.register(
      `node:${node.name}`,
      nodeCheck(() => ({ fill: node.fill, breaker: node.config.breaker?.state, errorRate: errorRate() })),
    );
  }

  /** See `network.registerHealthCheck`. */
  register(name: string, check: HealthCheck, options?: HealthCheckOptions): DisposableHandle {
    return this.#monitor.register(name, check, options);
  }

  /** The overall status now. */
  get status(): HealthStatus {
    return this.#monitor.status;
  }

  /** The report now. */
  report(): HealthReport {
    const p = this.#parts;
    return {
      status: this.#monitor.status,
      at: p.clock.now(),
      components: this.#monitor.components(),
      circuitBreakers: breakerSection(p),
      processing: processingSection(p.nodes()),
      safeguards: safeguardsSection(p),
      flags: this.flags.snapshot(),
      alerts: this.activeAlerts(),
      forecast: this.forecast(),
    };
  }

  /** Starts the checks (at the network's start). */
  start(): void {
    if (this.#enabled) this.#monitor.start();
  }

  /** Stops the checks and the event-loop monitor, and completes `health$` (at shutdown). */
  stop(): void {
    this.#monitor.stop();
    this.#stopEventLoop();
    this.#changes.complete();
  }

  /** Samples of `plexus_health_status{component}`: each component and the overall status. */
  statusSamples(): Sample[] {
    const out: Sample[] = [{ value: HEALTH_STATUS_CODE[this.#monitor.status], labels: { component: OVERALL_HEALTH_COMPONENT } }];
    for (const [component, c] of Object.entries(this.#monitor.components())) out.push({ value: HEALTH_STATUS_CODE[c.status], labels: { component } });
    return out;
  }

  /** Samples of `plexus_feature_flag{flag}` (0 or 1). */
  flagSamples(): Sample[] {
    return Object.entries(this.flags.snapshot()).map(([flag, on]) => ({ value: on ? 1 : 0, labels: { flag } }));
  }

  #changed(change: HealthChange): void {
    const hub = this.#parts.hub;
    if (hub.observed) hub.emit({ kind: 'health', at: this.#parts.clock.now(), status: change.to, previous: change.from, component: change.component, componentStatus: change.componentStatus });
    if (this.#changes.observed) this.#changes.next(this.report());
    this.#parts.onChange?.(change);
  }
}

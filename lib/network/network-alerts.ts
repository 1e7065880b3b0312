/*
 * `network.alerts`: the network's alert rules (the starter set and yours), evaluated on the
 * network clock every `alerts.intervalMs` from start to shutdown; each alert that fires or
 * resolves is an `alert` event and a value of `alerts$`. Built by wire-network.ts.
 */
import { Subject, type Observable } from 'rxjs';
import type { ResolvedAlertOptions } from '../control/alert-options.ts';
import { AlertEvaluator, type ActiveAlert, type AlertNodeSnapshot, type AlertRule, type AlertSnapshot, type AlertTransition } from '../control/alert-rules.ts';
import type { ForecastData } from '../control/forecast-types.ts';
import type { HealthStatus } from '../control/health-types.ts';
import { starterAlertRules } from '../control/starter-alerts.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Sample } from '../observe/scraped-metric.ts';
import { disposable, type DisposableHandle } from '../resilience/emitter.ts';
import { repeatOnClock, type Clock, type Repeating } from '../util/clock.ts';

/** What the alerts read from the network. */
export interface NetworkAlertsParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  /** `false`: no starter rule and no evaluation (rules registered stay unevaluated). */
  readonly options: ResolvedAlertOptions | false;
  nodes(): Iterable<NodeRuntime>;
  dlqSize(): number;
  healthStatus(): HealthStatus;
  /** The network's own forecast (`undefined` with `forecast: false`). */
  forecast?(): ForecastData | undefined;
  /** Told of each alert that fires (the reflexes read it). */
  onFiring?(alert: ActiveAlert): void;
}

/** `network.alerts`: alert rules over the network's stats, metrics and health, and the alerts active now. */
export interface NetworkAlerts {
  /** The alerts pending or firing now. */
  active(): ActiveAlert[];
  /** The registered rules (the starter set, less those disabled, and yours). */
  rules(): AlertRule[];
  /** Adds a rule, evaluated from the next evaluation on; throws InvalidOptionsError on a bad rule or a name taken. */
  register(rule: AlertRule): DisposableHandle;
  /** Each alert that fires or resolves; completes at shutdown. */
  readonly alerts$: Observable<AlertTransition>;
}

/** Counters of a node at the previous evaluation (its error rate is over the time since). */
interface NodeCounters {
  completed: number;
  failed: number;
}

/** A network's alerts (started and stopped by the network). */
export class NetworkAlertsRunner implements NetworkAlerts {
  readonly alerts$: Observable<AlertTransition>;
  readonly #parts: NetworkAlertsParts;
  readonly #evaluator = new AlertEvaluator();
  readonly #transitions = new Subject<AlertTransition>();
  readonly #counters = new Map<string, NodeCounters>();
  #repeat: Repeating | undefined;

  constructor(parts: NetworkAlertsParts) {
    this.#parts = parts;
    this.alerts$ = this.#transitions.asObservable();
    const options = parts.options;
    if (options !== false) for (const rule of starterAlertRules()) if (!options.disable.has(rule.name)) this.#evaluator.add(rule);
  }

  active(): ActiveAlert[] {
    return this.#evaluator.active();
  }

  rules(): AlertRule[] {
    return this.#evaluator.rules();
  }

  register(rule: AlertRule): DisposableHandle {
    return disposable(this.#evaluator.add(rule));
  }

  /** Evaluates the rules now (the interval calls it); emits each transition. */
  evaluate(): void {
    const { hub, clock } = this.#parts;
    for (const t of this.#evaluator.evaluate(this.#snapshot())) {
      const a = t.alert;
      if (hub.observed) hub.emit({ kind: 'alert', at: clock.now(), alert: a.name, severity: a.severity, runbook: a.runbook, state: t.state, since: a.since });
      if (this.#transitions.observed) this.#transitions.next(t);
      if (t.state === 'firing') this.#parts.onFiring?.(a);
    }
  }

  /** Samples of `plexus_alerts_active{alert,severity}`: 1 for each firing alert. */
  samples(): Sample[] {
    return this.active()
      .filter((a) => a.state === 'firing')
      .map((a) => ({ value: 1, labels: { alert: a.name, severity: a.severity } }));
  }

  /** Starts the interval (at the network's start). */
  start(): void {
    const options = this.#parts.options;
    if (options === false || this.#repeat !== undefined) return;
    // A first evaluation at the start: error rates count from here, the queue's size is the base.
    this.evaluate();
    this.#repeat = repeatOnClock(this.#parts.clock, options.intervalMs, () => this.evaluate());
  }

  /** Stops the interval and completes `alerts$` (at shutdown). */
  stop(): void {
    this.#repeat?.stop();
    this.#transitions.complete();
  }

  #snapshot(): AlertSnapshot {
    const p = this.#parts;
    const nodes: AlertNodeSnapshot[] = [];
    for (const node of p.nodes()) {
      // From the node's counters, not `stats.errorRate(now)`, which would roll its one-second
      // window and change what metrics show.
      const stats = node.stats;
      const before = this.#counters.get(node.name) ?? { completed: 0, failed: 0 };
      const completed = stats.completed - before.completed;
      const failed = stats.failedAttempts - before.failed;
      this.#counters.set(node.name, { completed: stats.completed, failed: stats.failedAttempts });
      nodes.push({ name: node.name, errorRate: failed === 0 ? 0 : failed / (failed + completed), fill: node.fill, breakerState: node.config.breaker?.state });
    }
    return { at: p.clock.now(), nodes, dlqSize: p.dlqSize(), health: p.healthStatus(), forecast: p.forecast?.() };
  }
}

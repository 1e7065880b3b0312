/*
 * `network.forecast`: the bottleneck forecast of a network. Every `forecast.intervalMs` (on the
 * network clock, from start to shutdown) it samples counters the nodes keep anyway (nothing is
 * counted per signal for it), makes a forecast over the sliding window, emits it on
 * `forecast$`, a `forecast` event for each node whose risk changed, and hands it to the
 * reflexes; forecasts from elsewhere come in through `normalize`. Built by wire-network.ts.
 */
import { Subject, type Observable } from 'rxjs';
import { assembleForecast } from '../control/forecast-assemble.ts';
import { forecastNode } from '../control/forecast-node.ts';
import { normalizeForecast, type ForecastSource } from '../control/forecast-normalize.ts';
import type { ResolvedForecastOptions } from '../control/forecast-options.ts';
import { FORECAST_RISK_CODE, OWN_FORECAST_SOURCE, type ForecastData, type ForecastRisk } from '../control/forecast-types.ts';
import { SampleWindow } from '../control/forecast-window.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Sample } from '../observe/scraped-metric.ts';
import { repeatOnClock, type Clock, type Repeating } from '../util/clock.ts';

/** What the forecast reads from the network. */
export interface NetworkForecastParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  /** `false`: no sampling (the report stays empty; `normalize` still works). */
  readonly options: ResolvedForecastOptions | false;
  nodes(): Iterable<NodeRuntime>;
  /** Told of each forecast made or normalized (the reflexes read its nodes' risks). */
  onForecast?(forecast: ForecastData): void;
}

/** `network.forecast`: the network's bottleneck forecast, and forecasts from elsewhere in the same schema. */
export interface NetworkForecast {
  /** The network's own forecast, as of its last sampling (before the first: one with no data, confidence 0). */
  report(): ForecastData;
  /** The latest forecast of each source: the network's own first, then those given to `normalize`, by source name. */
  latest(): ForecastData[];
  /**
   * Turns a forecast from elsewhere (an external model, another service) into {@link ForecastData}:
   * validated with the source's Standard Schema when it has one, then read as a forecast (see
   * docs/operations.md, "Bottleneck forecast"). The result becomes the latest of its source
   * (in `latest()` and the metrics), goes on `forecast$` and feeds the reflexes. Rejects with
   * ForecastError (`invalid-source`, `invalid-forecast`).
   */
  normalize(input: unknown, source: string | ForecastSource): Promise<ForecastData>;
  /** Each forecast made (at each sampling) or normalized; completes at shutdown. */
  readonly forecast$: Observable<ForecastData>;
}

/** A network's forecast (started and stopped by the network). */
export class NetworkForecastRunner implements NetworkForecast {
  readonly forecast$: Observable<ForecastData>;
  readonly #parts: NetworkForecastParts;
  readonly #windowMs: number;
  readonly #windows = new Map<string, SampleWindow>();
  readonly #external = new Map<string, ForecastData>();
  readonly #forecasts = new Subject<ForecastData>();
  #last: ForecastData | undefined;
  #repeat: Repeating | undefined;

  constructor(parts: NetworkForecastParts) {
    this.#parts = parts;
    this.#windowMs = parts.options === false ? 0 : parts.options.windowMs;
    this.forecast$ = this.#forecasts.asObservable();
  }

  report(): ForecastData {
    return this.#last ?? this.#forecast(this.#parts.clock.now());
  }

  latest(): ForecastData[] {
    const external = [...this.#external.values()].sort((a, b) => (a.source < b.source ? -1 : 1));
    return [this.report(), ...external];
  }

  async normalize(input: unknown, source: string | ForecastSource): Promise<ForecastData> {
    const forecast = await normalizeForecast(input, source, this.#parts.clock.now());
    this.#external.set(forecast.source, forecast);
    this.#publish(forecast, undefined);
    return forecast;
  }

  /** Samples every node and makes a forecast (the interval calls it). */
  sample(): ForecastData {
    const at = this.#parts.clock.now();
    for (const node of this.#parts.nodes()) {
      let window = this.#windows.get(node.name);
      if (window === undefined) this.#windows.set(node.name, (window = new SampleWindow(this.#windowMs)));
      const s = node.stats;
      window.add({ at, accepted: s.accepted, ended: s.completed + s.deadLettered, handled: s.handleMs.count, handleMsSum: s.handleMs.sum, queued: node.mailbox.queued, inFlight: s.inFlight });
    }
    const previous = this.#last;
    this.#last = this.#forecast(at);
    this.#publish(this.#last, previous);
    return this.#last;
  }

  /** Samples of `plexus_forecast_*{node,source}`, over the latest forecast of each source; `read` picks the value (`undefined`: no sample). */
  samples(read: (n: ForecastData['nodes'][number]) => number | null | undefined): Sample[] {
    const out: Sample[] = [];
    for (const f of this.latest()) {
      for (const n of f.nodes) {
        const value = read(n);
        if (value !== null && value !== undefined) out.push({ value, labels: { node: n.node, source: f.source } });
      }
    }
    return out;
  }

  /** Starts the sampling (at the network's start): a first sample at once, the base of the rates. */
  start(): void {
    const options = this.#parts.options;
    if (options === false || this.#repeat !== undefined) return;
    this.sample();
    this.#repeat = repeatOnClock(this.#parts.clock, options.intervalMs, () => this.sample());
  }

  /** Stops the sampling and completes `forecast$` (at shutdown). */
  stop(): void {
    this.#repeat?.stop();
    this.#forecasts.complete();
  }

  #forecast(at: number): ForecastData {
    const nodes = [];
    for (const node of this.#parts.nodes()) {
      const c = node.config;
      const shape = { name: node.name, fullDepth: Math.ceil(c.capacity * c.rejectAt), servers: Math.max(1, Math.min(c.concurrency, c.partitions)) };
      nodes.push(forecastNode(shape, this.#windows.get(node.name)?.samples ?? [], this.#windowMs));
    }
    return assembleForecast(OWN_FORECAST_SOURCE, at, this.#windowMs, nodes);
  }

  /** Hands a forecast on; for the network's own, a `forecast` event per node whose risk changed since `previous`. */
  #publish(forecast: ForecastData, previous: ForecastData | undefined): void {
    const hub = this.#parts.hub;
    if (forecast.source === OWN_FORECAST_SOURCE && hub.observed) {
      for (const n of forecast.nodes) {
        const before: ForecastRisk = previous?.nodes.find((p) => p.node === n.node)?.risk ?? 'low';
        if (before === n.risk) continue;
        hub.emit({
          kind: 'forecast',
          at: forecast.at,
          node: n.node,
          risk: n.risk,
          previous: before,
          rising: FORECAST_RISK_CODE[n.risk] > FORECAST_RISK_CODE[before],
          utilisation: n.utilisation,
          timeToFullSeconds: n.timeToFullSeconds,
          confidence: n.confidence,
          bottleneck: forecast.bottleneck === n.node,
        });
      }
    }
    if (this.#forecasts.observed) this.#forecasts.next(forecast);
    this.#parts.onForecast?.(forecast);
  }
}

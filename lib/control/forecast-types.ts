/**
 * The words of the bottleneck forecast: one schema (`ForecastData`) for every forecast, whoever
 * made it (the network's own sampling or a model elsewhere, normalized). Leaf file: types and
 * the risk codes only. Values are JSON: rates per second, times in seconds, `null` for "none".
 */

/** How likely a node is to become the bottleneck soon: `low` … `critical`. */
export type ForecastRisk = 'low' | 'medium' | 'high' | 'critical';

/** The risk levels, lowest first. */
export const FORECAST_RISKS: readonly ForecastRisk[] = ['low', 'medium', 'high', 'critical'];

/** Value of `plexus_forecast_risk` (and of the `forecastRisk` reflex input) for each risk level. */
export const FORECAST_RISK_CODE: Readonly<Record<ForecastRisk, number>> = Object.freeze({ low: 0, medium: 1, high: 2, critical: 3 });

/** The forecast of one node. */
export interface NodeForecast {
  /** The node's name. */
  readonly node: string;
  /** Signals arriving per second over the window (`null`: not known to the source). */
  readonly arrivalRate: number | null;
  /**
   * Signals per second the node can serve, estimated over the window; `null` when unknown (no
   * signal handled in the window, or handled in no measurable time).
   */
  readonly serviceRate: number | null;
  /** Arrivals over service capacity: above 1 the node falls behind. */
  readonly utilisation: number;
  /** Signals the node holds now, queued plus in flight (`null`: not known to the source). */
  readonly depth: number | null;
  /** The depth at which the node refuses signals, its capacity times its `rejectAt` (`null`: not known to the source). */
  readonly fullDepth: number | null;
  /** How fast the depth changes, in signals per second, positive when growing (`null`: not known to the source). */
  readonly depthTrend: number | null;
  /** Seconds until the depth reaches `fullDepth` at that trend; `null` when it is not growing. 0 when full already. */
  readonly timeToFullSeconds: number | null;
  /** The risk level (see docs/operations.md, "Bottleneck forecast"). */
  readonly risk: ForecastRisk;
  /** 0..1: how much of the window the data covers, times how steady the arrivals were over it. */
  readonly confidence: number;
  /** Samples the forecast rests on (0 when the source does not say). */
  readonly samples: number;
}

/** A forecast of a network's bottleneck: the network's own (`network.forecast.report()`) or one normalized from elsewhere. */
export interface ForecastData {
  /** Who made it: `plexus` for the network's own, else the source given to `normalize`. */
  readonly source: string;
  /** Clock time of the forecast (ms since the epoch). */
  readonly at: number;
  /** The span of data it rests on (ms). */
  readonly windowMs: number;
  /** The node that limits the network's throughput (the highest utilisation), `null` when none carries load. */
  readonly bottleneck: string | null;
  /** The highest risk of any node. */
  readonly risk: ForecastRisk;
  /** The confidence of the bottleneck's forecast (0 without one). */
  readonly confidence: number;
  /** Each node's forecast, by node name order. */
  readonly nodes: readonly NodeForecast[];
}

/** Name of the network's own forecasts (`ForecastData.source`). */
export const OWN_FORECAST_SOURCE = 'plexus';

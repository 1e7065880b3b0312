/**
 * One node's forecast from its samples: arrival and service rates, utilisation, the trend of
 * its depth, time until full, risk and confidence. Pure: the network's sampling feeds it.
 */
import { coefficientOfVariation, slope } from './forecast-trend.ts';
import { riskOf } from './forecast-risk.ts';
import type { NodeForecast } from './forecast-types.ts';
import type { ForecastSample } from './forecast-window.ts';

/**
 * Utilisation reported for a node that takes signals and serves none (its breaker holds them,
 * its handler hangs): the ratio has no finite value, and JSON none for infinity.
 * @defaultValue 10
 */
export const MAX_UTILISATION = 10;

/** What a forecast needs to know of a node besides its samples. */
export interface NodeShape {
  /** The node's name. */
  readonly name: string;
  /** The depth at which it refuses signals. */
  readonly fullDepth: number;
  /** Signals it handles at once (its concurrency, at most its partitions). */
  readonly servers: number;
}

/**
 * The forecast of a node over `windowMs` of samples (oldest first).
 *
 * Service capacity: when the mailbox held signals at every sample (a backlog all along), the
 * node served as fast as it could, and its departure rate is its capacity. Otherwise, from the
 * mean handling time (`servers` / mean time); without timings (per-node metrics off), the
 * utilisation is the mean share of busy servers at the samples.
 */
export function forecastNode(shape: NodeShape, samples: readonly ForecastSample[], windowMs: number): NodeForecast {
  const last = samples[samples.length - 1];
  const depth = last === undefined ? 0 : last.queued + last.inFlight;
  const full = depth >= shape.fullDepth;
  const first = samples[0];
  if (first === undefined || last === undefined || last.at <= first.at) {
    const utilisation = last === undefined ? 0 : Math.min(MAX_UTILISATION, last.inFlight / shape.servers);
    return finish(shape, { arrivalRate: 0, serviceRate: null, utilisation, depth, depthTrend: 0, timeToFullSeconds: full ? 0 : null, confidence: 0, samples: samples.length });
  }
  const seconds = (last.at - first.at) / 1000;
  const arrivalRate = (last.accepted - first.accepted) / seconds;
  const departureRate = (last.ended - first.ended) / seconds;
  const { serviceRate, utilisation } = capacity(shape, samples, arrivalRate, departureRate);
  const depthTrend = slope(
    samples.map((s) => (s.at - first.at) / 1000),
    samples.map((s) => s.queued + s.inFlight),
  );
  const timeToFullSeconds = full ? 0 : depthTrend > 0 ? (shape.fullDepth - depth) / depthTrend : null;
  const arrivals: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (b.at > a.at) arrivals.push(((b.accepted - a.accepted) * 1000) / (b.at - a.at));
  }
  const coverage = Math.min(1, (last.at - first.at) / windowMs);
  const confidence = coverage / (1 + coefficientOfVariation(arrivals));
  return finish(shape, { arrivalRate, serviceRate, utilisation, depth, depthTrend, timeToFullSeconds, confidence, samples: samples.length });
}

function capacity(shape: NodeShape, samples: readonly ForecastSample[], arrivalRate: number, departureRate: number): { serviceRate: number | null; utilisation: number } {
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  if (samples.every((s) => s.queued > 0)) {
    return { serviceRate: departureRate, utilisation: departureRate > 0 ? Math.min(MAX_UTILISATION, arrivalRate / departureRate) : MAX_UTILISATION };
  }
  const handled = last.handled - first.handled;
  if (handled > 0) {
    const meanMs = (last.handleMsSum - first.handleMsSum) / handled;
    if (meanMs <= 0) return { serviceRate: null, utilisation: 0 };
    const serviceRate = (shape.servers * 1000) / meanMs;
    return { serviceRate, utilisation: Math.min(MAX_UTILISATION, arrivalRate / serviceRate) };
  }
  let busy = 0;
  for (const s of samples) busy += s.inFlight;
  return { serviceRate: null, utilisation: Math.min(MAX_UTILISATION, busy / samples.length / shape.servers) };
}

function finish(shape: NodeShape, f: Omit<NodeForecast, 'node' | 'fullDepth' | 'risk'>): NodeForecast {
  const risk = riskOf({ utilisation: f.utilisation, timeToFullSeconds: f.timeToFullSeconds, depth: f.depth, fullDepth: shape.fullDepth });
  return { node: shape.name, ...f, fullDepth: shape.fullDepth, risk };
}

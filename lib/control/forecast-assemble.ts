/**
 * A network's forecast from its nodes' forecasts: the bottleneck (the node that limits the
 * network's throughput), the highest risk, and the bottleneck's confidence. The network's own
 * forecasts and normalized ones from elsewhere are assembled the same way.
 */
import { FORECAST_RISK_CODE, type ForecastData, type ForecastRisk, type NodeForecast } from './forecast-types.ts';

/**
 * The bottleneck is the node of highest utilisation (on a tie, the one full soonest); `null`
 * when no node carries load. A network's throughput is bounded by its most loaded stage.
 */
export function bottleneckOf(nodes: readonly NodeForecast[]): NodeForecast | undefined {
  let best: NodeForecast | undefined;
  for (const n of nodes) {
    if (!(n.utilisation > 0)) continue;
    if (best === undefined || n.utilisation > best.utilisation || (n.utilisation === best.utilisation && sooner(n, best))) best = n;
  }
  return best;
}

/** The highest risk among `nodes` (`low` for none). */
export function highestRisk(nodes: readonly NodeForecast[]): ForecastRisk {
  let risk: ForecastRisk = 'low';
  for (const n of nodes) if (FORECAST_RISK_CODE[n.risk] > FORECAST_RISK_CODE[risk]) risk = n.risk;
  return risk;
}

/** Puts node forecasts together into a {@link ForecastData} (nodes sorted by name). */
export function assembleForecast(source: string, at: number, windowMs: number, nodes: readonly NodeForecast[]): ForecastData {
  const sorted = [...nodes].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const bottleneck = bottleneckOf(sorted);
  return { source, at, windowMs, bottleneck: bottleneck?.node ?? null, risk: highestRisk(sorted), confidence: bottleneck?.confidence ?? 0, nodes: sorted };
}

function sooner(a: NodeForecast, b: NodeForecast): boolean {
  if (a.timeToFullSeconds === null) return false;
  return b.timeToFullSeconds === null || a.timeToFullSeconds < b.timeToFullSeconds;
}

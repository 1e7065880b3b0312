/**
 * A node's risk level from its forecast figures: how soon its mailbox fills, how loaded it is.
 * Pure; the thresholds are named constants (docs/operations.md, "Bottleneck forecast").
 */
import type { ForecastRisk } from './forecast-types.ts';

/**
 * Time to full under which a node is at `critical` risk (seconds).
 * @defaultValue 60
 */
export const RISK_CRITICAL_SECONDS = 60;
/**
 * Time to full under which a node is at `high` risk (seconds).
 * @defaultValue 300
 */
export const RISK_HIGH_SECONDS = 300;
/**
 * Time to full under which a node is at `medium` risk (seconds).
 * @defaultValue 900
 */
export const RISK_MEDIUM_SECONDS = 900;
/**
 * Utilisation from which a node is at `medium` risk (queues grow quickly near 1).
 * @defaultValue 0.8
 */
export const RISK_MEDIUM_UTILISATION = 0.8;

/** What the risk reads. */
export interface RiskInputs {
  /** Arrivals over service capacity. */
  readonly utilisation: number;
  /** Seconds until full at the depth's trend, `null` when not growing. */
  readonly timeToFullSeconds: number | null;
  /** Depth now, `null` when unknown. */
  readonly depth: number | null;
  /** The depth at which the node refuses signals, `null` when unknown. */
  readonly fullDepth: number | null;
}

/**
 * `critical`: full already, or full within {@link RISK_CRITICAL_SECONDS}. `high`: full within
 * {@link RISK_HIGH_SECONDS}, or arrivals at or above what the node can serve (it falls behind,
 * however far full is). `medium`: full within {@link RISK_MEDIUM_SECONDS}, or utilisation from
 * {@link RISK_MEDIUM_UTILISATION}. Else `low`.
 */
export function riskOf(r: RiskInputs): ForecastRisk {
  const ttf = r.timeToFullSeconds;
  if ((r.depth !== null && r.fullDepth !== null && r.depth >= r.fullDepth) || (ttf !== null && ttf <= RISK_CRITICAL_SECONDS)) return 'critical';
  if ((ttf !== null && ttf <= RISK_HIGH_SECONDS) || r.utilisation >= 1) return 'high';
  if ((ttf !== null && ttf <= RISK_MEDIUM_SECONDS) || r.utilisation >= RISK_MEDIUM_UTILISATION) return 'medium';
  return 'low';
}

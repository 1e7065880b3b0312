/**
 * The values the discrete reflex inputs take (a rule's thresholds compare against them): health
 * statuses, alert severities and forecast risks each become a number, higher for worse, on the
 * scale of their metric where it has one.
 */
import type { AlertSeverity } from './alert-rules.ts';
import { FORECAST_RISK_CODE, type ForecastRisk } from './forecast-types.ts';
import type { HealthStatus } from './health-types.ts';

/** Value of the `health` input: healthy 0, degraded 1, unhealthy 2 (`unknown`, before a first check, 0: nothing to react to). */
export function healthReflexValue(status: HealthStatus | undefined): number {
  return status === 'unhealthy' ? 2 : status === 'degraded' ? 1 : 0;
}

/** Value of the `alert` input when an alert fires: warning 1, critical 2. */
export function alertReflexValue(severity: AlertSeverity): number {
  return severity === 'critical' ? 2 : 1;
}

/** Value of the `forecastRisk` input: the risk's code, low 0, medium 1, high 2, critical 3 (as `plexus_forecast_risk`). */
export function forecastReflexValue(risk: ForecastRisk): number {
  return FORECAST_RISK_CODE[risk];
}

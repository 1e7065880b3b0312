/**
 * Options of a network's bottleneck forecast (the network option `forecast`), their defaults
 * and validation.
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * Time between two samplings of the nodes' counters.
 * @defaultValue 5 000 ms
 */
export const DEFAULT_FORECAST_INTERVAL_MS = 5_000;
/**
 * The sliding window the rates and the trend are read over.
 * @defaultValue 60 000 ms
 */
export const DEFAULT_FORECAST_WINDOW_MS = 60_000;
/**
 * Confidence from which a forecast feeds the reflexes (rule `forecastRisk`) and the starter alert `bottleneck-forecast`.
 * @defaultValue 0.5
 */
export const DEFAULT_FORECAST_MIN_CONFIDENCE = 0.5;

/** A network's bottleneck forecast (`network.forecast`). */
export interface ForecastOptions {
  /**
   * Time between two samplings of the nodes' counters (each sampling makes a forecast).
   * @defaultValue 5 000 ms
   */
  intervalMs?: number;
  /**
   * The sliding window rates and trends are read over (at least `intervalMs`).
   * @defaultValue 60 000 ms
   */
  windowMs?: number;
  /**
   * Confidence (0..1) a node's forecast needs to feed the reflexes' `forecastRisk` rule.
   * @defaultValue 0.5
   */
  minConfidence?: number;
}

/** The keys of {@link ForecastOptions} (a compile error until a new option is listed). */
export const FORECAST_OPTION_KEYS = optionKeys<ForecastOptions>()(['intervalMs', 'windowMs', 'minConfidence']);

/** Forecast options with the defaults filled in. */
export interface ResolvedForecastOptions {
  readonly intervalMs: number;
  readonly windowMs: number;
  readonly minConfidence: number;
}

/**
 * Validates the network option `forecast`; `false` (or `undefined` with `health: false`, the
 * quiet network of specs) turns the sampling off. Throws InvalidOptionsError.
 */
export function resolveForecastOptions(o: ForecastOptions | false | undefined, healthOff: boolean): ResolvedForecastOptions | false {
  if (o === false || (o === undefined && healthOff)) return false;
  checkObject('forecast', o);
  checkKnownKeys('forecast', o, FORECAST_OPTION_KEYS);
  const intervalMs = checkNumber('forecast.intervalMs', o?.intervalMs ?? DEFAULT_FORECAST_INTERVAL_MS, { above: 0 });
  const windowMs = checkNumber('forecast.windowMs', o?.windowMs ?? DEFAULT_FORECAST_WINDOW_MS, { above: 0 });
  if (windowMs < intervalMs) throw new InvalidOptionsError('forecast.windowMs', `must be at least forecast.intervalMs (${intervalMs})`, windowMs);
  const minConfidence = checkNumber('forecast.minConfidence', o?.minConfidence ?? DEFAULT_FORECAST_MIN_CONFIDENCE, { min: 0, max: 1 });
  return { intervalMs, windowMs, minConfidence };
}

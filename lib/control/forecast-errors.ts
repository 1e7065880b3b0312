/**
 * The forecast's typed error. Leaf file: the normalizer, the error codes and the public door use it.
 */
import { PlexusError } from '../util/errors.ts';

/** The `code` of {@link ForecastError}. */
export const FORECAST_CODE = 'PLEXUS_FORECAST';

/**
 * Why a forecast was refused. `invalid-source`: the source is no non-empty name, or its schema
 * is no Standard Schema. `invalid-forecast`: the input failed the source's schema, or is no
 * forecast (see `network.forecast.normalize`).
 */
export type ForecastErrorReason = 'invalid-source' | 'invalid-forecast';

/** One thing wrong with a forecast: what, and where (a path of keys). */
export interface ForecastIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where, as keys from the top of the input (empty: the input itself). */
  readonly path: readonly (string | number)[];
}

/** `network.forecast.normalize` refused its input. */
export class ForecastError extends PlexusError {
  /** What was wrong. */
  readonly reason: ForecastErrorReason;
  /** The source named in the call. */
  readonly source: string;
  /** Each thing wrong with the input (empty for `invalid-source`). */
  readonly issues: readonly ForecastIssue[];

  constructor(reason: ForecastErrorReason, source: string, issues: readonly ForecastIssue[], message: string) {
    super(FORECAST_CODE, message, { details: { reason, source, issues } });
    this.reason = reason;
    this.source = source;
    this.issues = issues;
  }
}

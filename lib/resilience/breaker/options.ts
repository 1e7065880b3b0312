/**
 * Circuit breaker options, their defaults and their validation.
 */
import { InvalidOptionsError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkFunction, checkKnownKeys, checkNumber, checkObject } from '../validate.ts';

/**
 * Consecutive failures that open a closed breaker.
 * @defaultValue 5
 */
export const DEFAULT_FAILURE_THRESHOLD = 5;
/**
 * Open → half-open delay for node breakers.
 * @defaultValue 30_000
 */
export const DEFAULT_RESET_TIMEOUT_MS = 30_000;
/**
 * Open → half-open delay for protected operations (`createProtector`).
 * @defaultValue 60_000
 */
export const DEFAULT_OPERATION_RESET_TIMEOUT_MS = 60_000;
/**
 * Calls let through at once while half-open (never a flood).
 * @defaultValue 1
 */
export const DEFAULT_HALF_OPEN_MAX_PROBES = 1;
/**
 * Consecutive half-open successes that close the breaker.
 * @defaultValue 2
 */
export const DEFAULT_SUCCESS_THRESHOLD = 2;
/**
 * Failure share over the window that opens the breaker (error-rate mode).
 * @defaultValue 0.5
 */
export const DEFAULT_ERROR_RATE_THRESHOLD = 0.5;
/**
 * Calls needed in the window before the error rate may open the breaker.
 * @defaultValue 20
 */
export const DEFAULT_MINIMUM_VOLUME = 20;
/**
 * Length of the error-rate sliding window.
 * @defaultValue 30_000
 */
export const DEFAULT_ERROR_RATE_WINDOW_MS = 30_000;
/**
 * Number of time buckets the error-rate window is cut into (its resolution).
 * @defaultValue 10
 */
export const DEFAULT_ERROR_RATE_BUCKETS = 10;

/** Error-rate mode: open when the failure share over a sliding window passes a threshold. */
export interface ErrorRateOptions {
  /** Failure share 0..1 (exclusive of 0) that opens. @defaultValue {@link DEFAULT_ERROR_RATE_THRESHOLD} */
  threshold?: number;
  /** Calls in the window before the rate counts. @defaultValue {@link DEFAULT_MINIMUM_VOLUME} */
  minimumVolume?: number;
  /** Window length. @defaultValue {@link DEFAULT_ERROR_RATE_WINDOW_MS} */
  windowMs?: number;
  /** Buckets in the window. @defaultValue {@link DEFAULT_ERROR_RATE_BUCKETS} */
  buckets?: number;
}

/** Options of a circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failures that open a closed breaker. @defaultValue {@link DEFAULT_FAILURE_THRESHOLD} */
  failureThreshold?: number;
  /** Open → half-open delay for node breakers. @defaultValue {@link DEFAULT_RESET_TIMEOUT_MS} */
  resetTimeoutMs?: number;
  /**
   * Calls let through at once while half-open (never a flood).
   * @defaultValue {@link DEFAULT_HALF_OPEN_MAX_PROBES}
   */
  halfOpenMaxProbes?: number;
  /**
   * Consecutive half-open successes that close the breaker.
   * @defaultValue {@link DEFAULT_SUCCESS_THRESHOLD}
   */
  successThreshold?: number;
  /**
   * Error-rate mode, off by default (so that a closed breaker's `recordSuccess()` stays a
   * counter reset). `true` enables it with the defaults.
   * @defaultValue false
   */
  errorRate?: boolean | ErrorRateOptions;
  /** Load 0..1 of the protected thing (queue fill, CPU…), mixed into `pressureLevel`. */
  loadProvider?: () => number;
}

/** The keys of {@link BreakerOptions} (a compile error until a new option is listed). */
export const BREAKER_OPTION_KEYS = optionKeys<BreakerOptions>()(['failureThreshold', 'resetTimeoutMs', 'halfOpenMaxProbes', 'successThreshold', 'errorRate', 'loadProvider']);
/** The keys of {@link ErrorRateOptions}. */
export const ERROR_RATE_OPTION_KEYS = optionKeys<ErrorRateOptions>()(['threshold', 'minimumVolume', 'windowMs', 'buckets']);

/** Fully resolved error-rate settings. */
export interface ResolvedErrorRate {
  /** Failure share that opens the breaker. */
  readonly threshold: number;
  /** Calls in the window before the rate counts. */
  readonly minimumVolume: number;
  /** The sliding window (ms). */
  readonly windowMs: number;
  /** Buckets the window is kept in. */
  readonly buckets: number;
}

/** Options with every default filled in. */
export interface ResolvedBreakerOptions {
  /** Consecutive failures that open the breaker. */
  readonly failureThreshold: number;
  /** Time open before a half-open probe (ms). */
  readonly resetTimeoutMs: number;
  /** Probe calls allowed at once when half-open. */
  readonly halfOpenMaxProbes: number;
  /** Probe successes that close it again. */
  readonly successThreshold: number;
  /** Error-rate mode, if on. */
  readonly errorRate: ResolvedErrorRate | undefined;
  /** Load 0..1 of the protected thing, if given. */
  readonly loadProvider: (() => number) | undefined;
}

/** Validates `options` (merged over `base` when reconfiguring) and fills in the defaults. */
export function resolveBreakerOptions(options: BreakerOptions = {}, base?: ResolvedBreakerOptions, prefix = 'breaker'): ResolvedBreakerOptions {
  checkObject(prefix, options);
  checkKnownKeys(prefix, options, BREAKER_OPTION_KEYS);
  const o = options;
  const int1 = { integer: true, min: 1 };
  const failureThreshold = checkNumber(`${prefix}.failureThreshold`, o.failureThreshold ?? base?.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD, int1);
  const resetTimeoutMs = checkNumber(`${prefix}.resetTimeoutMs`, o.resetTimeoutMs ?? base?.resetTimeoutMs ?? DEFAULT_RESET_TIMEOUT_MS, { min: 0 });
  const halfOpenMaxProbes = checkNumber(`${prefix}.halfOpenMaxProbes`, o.halfOpenMaxProbes ?? base?.halfOpenMaxProbes ?? DEFAULT_HALF_OPEN_MAX_PROBES, int1);
  const successThreshold = checkNumber(`${prefix}.successThreshold`, o.successThreshold ?? base?.successThreshold ?? DEFAULT_SUCCESS_THRESHOLD, int1);
  const loadProvider = 'loadProvider' in o && o.loadProvider !== undefined ? checkFunction<() => number>(`${prefix}.loadProvider`, o.loadProvider) : base?.loadProvider;
  let errorRate = base?.errorRate;
  if (o.errorRate !== undefined) {
    if (o.errorRate === false) errorRate = undefined;
    else if (o.errorRate === true) errorRate = resolveErrorRate({}, undefined, prefix);
    else if (typeof o.errorRate === 'object' && o.errorRate !== null) errorRate = resolveErrorRate(o.errorRate, base?.errorRate, prefix);
    else throw new InvalidOptionsError(`${prefix}.errorRate`, 'must be a boolean or an object', o.errorRate);
  }
  return { failureThreshold, resetTimeoutMs, halfOpenMaxProbes, successThreshold, errorRate, loadProvider };
}

function resolveErrorRate(o: ErrorRateOptions, base: ResolvedErrorRate | undefined, prefix: string): ResolvedErrorRate {
  const p = `${prefix}.errorRate`;
  checkKnownKeys(p, o, ERROR_RATE_OPTION_KEYS);
  const threshold = checkNumber(`${p}.threshold`, o.threshold ?? base?.threshold ?? DEFAULT_ERROR_RATE_THRESHOLD, { above: 0, max: 1 });
  const minimumVolume = checkNumber(`${p}.minimumVolume`, o.minimumVolume ?? base?.minimumVolume ?? DEFAULT_MINIMUM_VOLUME, { integer: true, min: 1 });
  const windowMs = checkNumber(`${p}.windowMs`, o.windowMs ?? base?.windowMs ?? DEFAULT_ERROR_RATE_WINDOW_MS, { above: 0 });
  const buckets = checkNumber(`${p}.buckets`, o.buckets ?? base?.buckets ?? DEFAULT_ERROR_RATE_BUCKETS, { integer: true, min: 1, max: 1000 });
  if (windowMs / buckets < 1) throw new InvalidOptionsError(`${p}.buckets`, 'each bucket must span at least 1 ms', buckets);
  return { threshold, minimumVolume, windowMs, buckets };
}

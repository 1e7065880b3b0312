/**
 * Retry options, their defaults and their validation.
 */
import { optionKeys } from '../../util/known-keys.ts';
import { checkFunction, checkKnownKeys, checkNumber, checkObject, checkOneOf } from '../validate.ts';

/**
 * Total attempts, the first included.
 * @defaultValue 3
 */
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Delay before the first retry, before jitter.
 * @defaultValue 100
 */
export const DEFAULT_BASE_DELAY_MS = 100;
/**
 * Growth factor of the delay per retry.
 * @defaultValue 2
 */
export const DEFAULT_MULTIPLIER = 2;
/**
 * Cap of the delay before jitter.
 * @defaultValue 10_000
 */
export const DEFAULT_MAX_DELAY_MS = 10_000;
/**
 * Jitter share for `'proportional'` mode: the delay moves by up to ±20%.
 * @defaultValue 0.2
 */
export const DEFAULT_JITTER = 0.2;
/**
 * How jitter is applied.
 * @defaultValue 'proportional'
 */
export const DEFAULT_JITTER_MODE: JitterMode = 'proportional';

/** The jitter modes. */
export const JITTER_MODES = ['proportional', 'full', 'decorrelated', 'none'] as const;

/**
 * `'proportional'`: `d * (1 ± jitter)`; `'full'`: uniform in `[0, d]`; `'decorrelated'`
 * (AWS): `min(maxDelay, uniform(base, previous * 3))`; `'none'`: exactly `d`.
 */
export type JitterMode = (typeof JITTER_MODES)[number];

/** Decides by error whether to retry; `attempt` is the number of attempts made so far. */
export type RetryFilter = (error: unknown, attempt: number) => boolean;

/** Options of a {@link RetryPolicy}. */
export interface RetryOptions {
  /** Total attempts, the first included. @defaultValue {@link DEFAULT_MAX_ATTEMPTS} */
  maxAttempts?: number;
  /** Delay before the first retry, before jitter. @defaultValue {@link DEFAULT_BASE_DELAY_MS} */
  baseDelayMs?: number;
  /** Growth factor of the delay per retry. @defaultValue {@link DEFAULT_MULTIPLIER} */
  multiplier?: number;
  /** Cap of the delay before jitter. @defaultValue {@link DEFAULT_MAX_DELAY_MS} */
  maxDelayMs?: number;
  /** Jitter share for `'proportional'` mode. @defaultValue {@link DEFAULT_JITTER} */
  jitter?: number;
  /** How jitter is applied. @defaultValue {@link DEFAULT_JITTER_MODE} */
  jitterMode?: JitterMode;
  /** Uniform random in [0, 1), injectable for determinism. @defaultValue Math.random */
  random?: () => number;
  /** Which errors to retry. VALIDATION errors are never retried, whatever this says. @defaultValue retry everything */
  retryIf?: RetryFilter;
  /** Category of an error (to refuse VALIDATION). @defaultValue the built-in classification */
  categorize?: (error: unknown) => string;
}

/** The keys of {@link RetryOptions} (a compile error until a new option is listed). */
export const RETRY_OPTION_KEYS = optionKeys<RetryOptions>()(['maxAttempts', 'baseDelayMs', 'multiplier', 'maxDelayMs', 'jitter', 'jitterMode', 'random', 'retryIf', 'categorize']);

/** Options with every default filled in. */
export interface ResolvedRetryOptions {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the first retry (ms). */
  readonly baseDelayMs: number;
  /** Growth of the delay per retry. */
  readonly multiplier: number;
  /** Longest delay (ms). */
  readonly maxDelayMs: number;
  /** Jitter share, 0..1. */
  readonly jitter: number;
  /** How jitter is applied. */
  readonly jitterMode: JitterMode;
  /** Uniform random in [0, 1) for the jitter. */
  readonly random: () => number;
  /** Which errors to retry, if filtered. */
  readonly retryIf: RetryFilter | undefined;
  /** Category of an error, if a custom one was given. */
  readonly categorize: ((error: unknown) => string) | undefined;
}

/** Validates `options` (merged over `base` when reconfiguring) and fills in the defaults. */
export function resolveRetryOptions(options: RetryOptions = {}, base?: ResolvedRetryOptions, prefix = 'retry'): ResolvedRetryOptions {
  checkObject(prefix, options);
  checkKnownKeys(prefix, options, RETRY_OPTION_KEYS);
  const o = options;
  const maxAttempts = checkNumber(`${prefix}.maxAttempts`, o.maxAttempts ?? base?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, { integer: true, min: 1 });
  const baseDelayMs = checkNumber(`${prefix}.baseDelayMs`, o.baseDelayMs ?? base?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS, { min: 0 });
  const multiplier = checkNumber(`${prefix}.multiplier`, o.multiplier ?? base?.multiplier ?? DEFAULT_MULTIPLIER, { min: 1 });
  const maxDelayMs = checkNumber(`${prefix}.maxDelayMs`, o.maxDelayMs ?? base?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, { min: 0 });
  if (maxDelayMs < baseDelayMs) checkNumber(`${prefix}.maxDelayMs`, maxDelayMs, { min: baseDelayMs });
  const jitter = checkNumber(`${prefix}.jitter`, o.jitter ?? base?.jitter ?? DEFAULT_JITTER, { min: 0, max: 1 });
  const jitterMode = checkOneOf(`${prefix}.jitterMode`, o.jitterMode ?? base?.jitterMode ?? DEFAULT_JITTER_MODE, JITTER_MODES);
  const random = o.random === undefined ? (base?.random ?? Math.random) : checkFunction<() => number>(`${prefix}.random`, o.random);
  const retryIf = o.retryIf === undefined ? base?.retryIf : checkFunction<RetryFilter>(`${prefix}.retryIf`, o.retryIf);
  const categorize = o.categorize === undefined ? base?.categorize : checkFunction<(e: unknown) => string>(`${prefix}.categorize`, o.categorize);
  return { maxAttempts, baseDelayMs, multiplier, maxDelayMs, jitter, jitterMode, random, retryIf, categorize };
}

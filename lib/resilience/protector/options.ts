/**
 * Options and run-time settings of a protector. Leaf-ish: imports only option types.
 */
import type { Clock } from '../../util/clock.ts';
import { optionKeys } from '../../util/known-keys.ts';
import type { CircuitBreaker } from '../breaker/breaker.ts';
import type { BreakerOptions } from '../breaker/options.ts';
import type { AuditLog } from '../classify/audit-log.ts';
import type { ErrorContext } from '../classify/categories.ts';
import type { ErrorClassifier } from '../classify/classifier.ts';
import type { Fallback } from '../classify/recovery.ts';
import type { Bulkhead, BulkheadOptions } from '../isolation/bulkhead.ts';
import type { ResourceGuard, ResourceGuardOptions } from '../isolation/resource-guard.ts';
import type { RateLimiterSpec } from '../rate/create.ts';
import type { KeyedRateLimiter, KeyedRateLimiterOptions } from '../rate/keyed.ts';
import type { RateLimiter } from '../rate/types.ts';
import type { RetryPolicy } from '../retry/policy.ts';
import type { RetryOptions } from '../retry/options.ts';

/**
 * Name of a protector when none is given.
 * @defaultValue 'operation'
 */
export const DEFAULT_PROTECTOR_NAME = 'operation';
/**
 * How long a call may wait for rate-limit permits; 0 fails fast with `RateLimitedError`.
 * @defaultValue 0
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 0;

/** The rate limit layers of a protector, outermost first. */
export interface ProtectorRateLimits {
  network?: RateLimiter<object> | RateLimiterSpec;
  node?: RateLimiter<object> | RateLimiterSpec;
  operation?: RateLimiter<object> | RateLimiterSpec;
  /** Per-key layer (key from the call options). */
  key?: KeyedRateLimiter | Omit<KeyedRateLimiterOptions, 'clock'>;
}

/** The keys of {@link ProtectorRateLimits} (a compile error until a new layer is listed). */
export const PROTECTOR_RATE_LIMIT_KEYS = optionKeys<ProtectorRateLimits>()(['network', 'node', 'operation', 'key']);
/** The keys of the per-key layer's options (a keyed limiter's, but for the clock: the protector's is used). */
export const PROTECTOR_KEY_LAYER_KEYS = optionKeys<Omit<KeyedRateLimiterOptions, 'clock'>>()(['limiter', 'maxKeys', 'idleMs', 'name']);

/** Options of `createProtector`. Absent safeguards: breaker, retry and timeout are on by default; rate limits, bulkhead and resource guard are off until given. */
export interface ProtectorOptions {
  /** @defaultValue {@link DEFAULT_PROTECTOR_NAME} */
  name?: string;
  /** @defaultValue the system clock */
  clock?: Clock;
  /** When it returns true, calls are refused with `ShuttingDownError`. */
  isShuttingDown?: () => boolean;
  /** Rate limit layers. @defaultValue none */
  rateLimits?: ProtectorRateLimits;
  /** @defaultValue {@link DEFAULT_RATE_LIMIT_WAIT_MS} */
  rateLimitWaitMs?: number;
  /** @defaultValue none (false) */
  resource?: ResourceGuardOptions | ResourceGuard | false;
  /** @defaultValue none (false) */
  bulkhead?: BulkheadOptions | Bulkhead | false;
  /** Breaker named `op:<name>`; reset timeout defaults to `DEFAULT_OPERATION_RESET_TIMEOUT_MS`. `false` disables. @defaultValue `{}` */
  breaker?: BreakerOptions | CircuitBreaker | false;
  /** `false` disables. @defaultValue `{}` (3 attempts…) */
  retry?: RetryOptions | RetryPolicy | false;
  /** Per-attempt limit; `Infinity` disables. @defaultValue `DEFAULT_TIMEOUT_MS` */
  timeoutMs?: number;
  /** @defaultValue a new `ErrorClassifier` on the same clock */
  classifier?: ErrorClassifier;
  /** @defaultValue a new `AuditLog` */
  auditLog?: AuditLog;
}

/** The keys of {@link ProtectorOptions} (a compile error until a new option is listed). */
export const PROTECTOR_OPTION_KEYS = optionKeys<ProtectorOptions>()([
  'name', 'clock', 'isShuttingDown', 'rateLimits', 'rateLimitWaitMs', 'resource', 'bulkhead', 'breaker', 'retry', 'timeoutMs', 'classifier', 'auditLog',
]);

/** What `configure()` may change at run time (each part validated like at construction). */
export interface ProtectorSettings {
  breaker?: BreakerOptions;
  retry?: RetryOptions;
  /** Per layer partial options, e.g. `{ node: { ratePerSec: 50 } }` or `{ key: { limiter: { burst: 5 } } }`. */
  rateLimits?: Partial<Record<'network' | 'node' | 'operation' | 'key', object>>;
  rateLimitWaitMs?: number;
  bulkhead?: BulkheadOptions;
  resource?: ResourceGuardOptions;
  timeoutMs?: number;
}

/** The keys of {@link ProtectorSettings} (a compile error until a new setting is listed). */
export const PROTECTOR_SETTING_KEYS = optionKeys<ProtectorSettings>()(['breaker', 'retry', 'rateLimits', 'rateLimitWaitMs', 'bulkhead', 'resource', 'timeoutMs']);

/** Options of one protected call. */
export interface ProtectedCallOptions<T> {
  /** Key for the per-key rate limit (e.g. a user id from a header). */
  key?: string;
  /** Cancels the call at any stage (waits, attempts); a cancelled call is not a breaker failure. */
  signal?: AbortSignal;
  /** Used when the call finally fails (FALLBACK). */
  fallback?: Fallback<T>;
  /** Reduced handler used while the breaker refuses calls (GRACEFUL_DEGRADE). */
  degrade?: (signal: AbortSignal) => Promise<T> | T;
  /** Extra context recorded with errors. */
  context?: ErrorContext;
}

/** The keys of {@link ProtectedCallOptions} (a compile error until a new option is listed). */
export const PROTECTED_CALL_OPTION_KEYS = optionKeys<ProtectedCallOptions<unknown>>()(['key', 'signal', 'fallback', 'degrade', 'context']);

/** Plain counters of a protector (read them at scrape time; nothing is counted via prom-client per call). */
export interface ProtectorMetrics {
  readonly calls: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly rateLimited: number;
  readonly refused: number;
  readonly breakerRejected: number;
  readonly retries: number;
  readonly timeouts: number;
  readonly fallbacks: number;
  readonly degraded: number;
}

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
  /** Network-wide layer. */
  network?: RateLimiter<object> | RateLimiterSpec;
  /** Per-node layer. */
  node?: RateLimiter<object> | RateLimiterSpec;
  /** Per-operation layer. */
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
  /** Names the operation in events, metrics and the breaker. @defaultValue {@link DEFAULT_PROTECTOR_NAME} */
  name?: string;
  /** The source of time. @defaultValue the system clock */
  clock?: Clock;
  /** When it returns true, calls are refused with `ShuttingDownError`. */
  isShuttingDown?: () => boolean;
  /** Rate limit layers. @defaultValue none */
  rateLimits?: ProtectorRateLimits;
  /** Longest wait for a rate limit permit before the call is refused (ms). @defaultValue {@link DEFAULT_RATE_LIMIT_WAIT_MS} */
  rateLimitWaitMs?: number;
  /** Refuses calls while memory is short. @defaultValue none (false) */
  resource?: ResourceGuardOptions | ResourceGuard | false;
  /** Bounds concurrent calls. @defaultValue none (false) */
  bulkhead?: BulkheadOptions | Bulkhead | false;
  /** Breaker named `op:<name>`; reset timeout defaults to `DEFAULT_OPERATION_RESET_TIMEOUT_MS`. `false` disables. @defaultValue `{}` */
  breaker?: BreakerOptions | CircuitBreaker | false;
  /** `false` disables. @defaultValue `{}` (3 attempts…) */
  retry?: RetryOptions | RetryPolicy | false;
  /** Per-attempt limit; `Infinity` disables. @defaultValue `DEFAULT_TIMEOUT_MS` */
  timeoutMs?: number;
  /** Classifies failures. @defaultValue a new `ErrorClassifier` on the same clock */
  classifier?: ErrorClassifier;
  /** Records errors and recoveries. @defaultValue a new `AuditLog` */
  auditLog?: AuditLog;
}

/** The keys of {@link ProtectorOptions} (a compile error until a new option is listed). */
export const PROTECTOR_OPTION_KEYS = optionKeys<ProtectorOptions>()([
  'name',
  'clock',
  'isShuttingDown',
  'rateLimits',
  'rateLimitWaitMs',
  'resource',
  'bulkhead',
  'breaker',
  'retry',
  'timeoutMs',
  'classifier',
  'auditLog',
]);

/** What `configure()` may change at run time (each part validated like at construction). */
export interface ProtectorSettings {
  /** Breaker options to change. */
  breaker?: BreakerOptions;
  /** Retry options to change. */
  retry?: RetryOptions;
  /** Per layer partial options, e.g. `{ node: { ratePerSec: 50 } }` or `{ key: { limiter: { burst: 5 } } }`. */
  rateLimits?: Partial<Record<'network' | 'node' | 'operation' | 'key', object>>;
  /** Longest wait for a rate limit permit (ms). */
  rateLimitWaitMs?: number;
  /** Bulkhead options to change. */
  bulkhead?: BulkheadOptions;
  /** Resource guard options to change. */
  resource?: ResourceGuardOptions;
  /** Per-attempt time limit (ms). */
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
  /** Calls made. */
  readonly calls: number;
  /** Calls that succeeded. */
  readonly succeeded: number;
  /** Calls that failed for good. */
  readonly failed: number;
  /** Calls running now. */
  readonly inFlight: number;
  /** Calls refused by a rate limit. */
  readonly rateLimited: number;
  /** Calls refused by another safeguard except the breaker (shutdown, resources, bulkhead). */
  readonly refused: number;
  /** Calls refused by the open breaker. */
  readonly breakerRejected: number;
  /** Retries scheduled. */
  readonly retries: number;
  /** Attempts that hit the time limit. */
  readonly timeouts: number;
  /** Calls answered by the fallback. */
  readonly fallbacks: number;
  /** Calls answered by the degrade handler. */
  readonly degraded: number;
}

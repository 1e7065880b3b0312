/**
 * The typed errors of the resilience folder. Leaf file: imports only the PlexusError base (and formatMs).
 * Every class has a stable `code` and a matching `isXxx(e)` guard that checks the code (not
 * `instanceof`), so guards keep working across duplicated module copies.
 */
import { PlexusError } from '../util/errors.ts';
import { formatMs } from '../util/format-ms.ts';

/** Code of {@link InvalidOptionsError}. */
export const INVALID_OPTIONS_CODE = 'PLEXUS_INVALID_OPTIONS';
/** Code of {@link BreakerOpenError}. */
export const BREAKER_OPEN_CODE = 'PLEXUS_BREAKER_OPEN';
/** Code of {@link BreakerDisposedError}. */
export const BREAKER_DISPOSED_CODE = 'PLEXUS_BREAKER_DISPOSED';
/** Code of {@link RateLimitedError}. */
export const RATE_LIMITED_CODE = 'PLEXUS_RATE_LIMITED';
/** Code of {@link BulkheadFullError}. */
export const BULKHEAD_FULL_CODE = 'PLEXUS_BULKHEAD_FULL';
/** Code of {@link ResourceExhaustedError}. */
export const RESOURCE_EXHAUSTED_CODE = 'PLEXUS_RESOURCE_EXHAUSTED';
/** Code of {@link TimeoutError}. */
export const TIMEOUT_CODE = 'PLEXUS_TIMEOUT';
/** Code of {@link ShuttingDownError}. */
export const SHUTTING_DOWN_CODE = 'PLEXUS_SHUTTING_DOWN';

function hasCode(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/** An option passed to a factory, constructor or `configure()` is invalid. */
export class InvalidOptionsError extends PlexusError {
  /** The option path, e.g. `breaker.failureThreshold`. */
  readonly option: string;
  constructor(option: string, reason: string, value?: unknown) {
    super(INVALID_OPTIONS_CODE, `Invalid option "${option}": ${reason} (got ${describe(value)})`, {
      details: { option, reason },
    });
    this.option = option;
  }
}
/**
 * An options object has a key no option of its type is called: a misspelt option would
 * otherwise be ignored without a word (a misspelt rate limit means no rate limit at all). An
 * {@link InvalidOptionsError} (same code), whose `option` is the key's path, e.g.
 * `retry.maxAttemps`.
 */
export class UnknownOptionError extends InvalidOptionsError {
  /** The known key most likely meant (same letters in another case, or at most 2 edits away). */
  readonly suggestion: string | undefined;
  constructor(option: string, reason: string, suggestion: string | undefined) {
    super(option, reason);
    // The key has no value worth showing; the message names the key and the suggestion.
    this.message = `Invalid option "${option}": ${reason}`;
    this.suggestion = suggestion;
  }
}

/** True when `e` is an {@link InvalidOptionsError}. */
export const isInvalidOptionsError = (e: unknown): e is InvalidOptionsError => hasCode(e, INVALID_OPTIONS_CODE);

/** A circuit breaker refused the call because it is open (or half-open with every probe slot taken). */
export class BreakerOpenError extends PlexusError {
  /** Milliseconds until the breaker tries again; `Infinity` while isolated by hand. */
  readonly retryAfterMs: number;
  /** Name of the refusing breaker. */
  readonly breaker: string;
  constructor(breaker: string, retryAfterMs: number, state: 'open' | 'half-open', isolated = false) {
    super(BREAKER_OPEN_CODE, `Circuit breaker "${breaker}" is ${isolated ? 'isolated' : state}; retry after ${formatMs(retryAfterMs)} ms`, {
      details: { breaker, retryAfterMs, state, isolated },
    });
    this.retryAfterMs = retryAfterMs;
    this.breaker = breaker;
  }
}
/** True when `e` is a {@link BreakerOpenError}. */
export const isBreakerOpenError = (e: unknown): e is BreakerOpenError => hasCode(e, BREAKER_OPEN_CODE);

/**
 * A circuit breaker refused the call because it was disposed (its network shut down, or its
 * owner let it go): a disposed breaker has no timers and would never close again, so it lets
 * nothing through rather than everything.
 */
export class BreakerDisposedError extends PlexusError {
  /** Name of the refusing breaker. */
  readonly breaker: string;
  constructor(breaker: string) {
    super(BREAKER_DISPOSED_CODE, `Circuit breaker "${breaker}" is disposed and lets no call through`, { details: { breaker } });
    this.breaker = breaker;
  }
}
/** True when `e` is a {@link BreakerDisposedError}. */
export const isBreakerDisposedError = (e: unknown): e is BreakerDisposedError => hasCode(e, BREAKER_DISPOSED_CODE);

/** A rate limiter refused the call. */
export class RateLimitedError extends PlexusError {
  /** Milliseconds after which the same request may pass (`Infinity`: it never can, e.g. more permits than the burst). */
  readonly retryAfterMs: number;
  constructor(limiter: string, retryAfterMs: number, details: Record<string, unknown> = {}) {
    super(RATE_LIMITED_CODE, `Rate limit "${limiter}" exceeded; retry after ${formatMs(retryAfterMs)} ms`, {
      details: { limiter, retryAfterMs, ...details },
    });
    this.retryAfterMs = retryAfterMs;
  }
}
/** True when `e` is a {@link RateLimitedError}. */
export const isRateLimitedError = (e: unknown): e is RateLimitedError => hasCode(e, RATE_LIMITED_CODE);

/** A bulkhead had no free permit and its wait queue was full (or the wait timed out). */
export class BulkheadFullError extends PlexusError {
  /** Why the bulkhead refused: its queue was full, or the wait in the queue timed out. */
  readonly reason: 'queue-full' | 'queue-timeout';
  constructor(name: string, reason: 'queue-full' | 'queue-timeout', details: Record<string, unknown> = {}) {
    super(BULKHEAD_FULL_CODE, `Bulkhead "${name}" refused the call (${reason})`, { details: { bulkhead: name, reason, ...details } });
    this.reason = reason;
  }
}
/** True when `e` is a {@link BulkheadFullError}. */
export const isBulkheadFullError = (e: unknown): e is BulkheadFullError => hasCode(e, BULKHEAD_FULL_CODE);

/** A resource guard refused work because a resource (heap) is above its limit. */
export class ResourceExhaustedError extends PlexusError {
  constructor(resource: string, used: number, limit: number) {
    super(RESOURCE_EXHAUSTED_CODE, `Resource "${resource}" exhausted: ${used} used, limit ${limit}`, {
      details: { resource, used, limit },
    });
  }
}
/** True when `e` is a {@link ResourceExhaustedError}. */
export const isResourceExhaustedError = (e: unknown): e is ResourceExhaustedError => hasCode(e, RESOURCE_EXHAUSTED_CODE);

/** An operation did not finish within its time limit. */
export class TimeoutError extends PlexusError {
  /** The limit that was exceeded. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number, what = 'operation') {
    super(TIMEOUT_CODE, `The ${what} timed out after ${formatMs(timeoutMs)} ms`, { details: { timeoutMs } });
    this.timeoutMs = timeoutMs;
  }
}
/** True when `e` is a {@link TimeoutError} (Plexus code, not the DOM `TimeoutError` name). */
export const isTimeoutError = (e: unknown): e is TimeoutError => hasCode(e, TIMEOUT_CODE);

/** New work was refused because the owner is shutting down. */
export class ShuttingDownError extends PlexusError {
  constructor(name: string) {
    super(SHUTTING_DOWN_CODE, `"${name}" is shutting down and accepts no new work`, { details: { name } });
  }
}
/** True when `e` is a {@link ShuttingDownError}. */
export const isShuttingDownError = (e: unknown): e is ShuttingDownError => hasCode(e, SHUTTING_DOWN_CODE);

function describe(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  try {
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  } catch {
    return typeof v;
  }
}

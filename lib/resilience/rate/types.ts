/**
 * The one interface every rate limiting algorithm implements. Leaf file (but for the util key lists).
 */
import { optionKeys } from '../../util/known-keys.ts';

/** The answer of a limiter. Allowed answers are a shared constant (no allocation). */
export interface RateDecision {
  /** True when the call may go ahead. */
  readonly allowed: boolean;
  /** 0 when allowed; else when the same request could pass (`Infinity`: never, e.g. more than the burst). */
  readonly retryAfterMs: number;
}

/** The shared "allowed" decision. */
export const ALLOWED: RateDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });

/** Options of a waiting `acquire`. */
export interface AcquireOptions {
  /** Permits one call takes. @defaultValue 1 */
  permits?: number;
  /** Longest wait; past it `acquire` throws `RateLimitedError`. @defaultValue {@link DEFAULT_ACQUIRE_TIMEOUT_MS} */
  timeoutMs?: number;
  /** Aborts the wait (rejects with the signal's reason; no permits taken). */
  signal?: AbortSignal;
}

/** The keys of {@link AcquireOptions} (a compile error until a new option is listed). */
export const ACQUIRE_OPTION_KEYS = optionKeys<AcquireOptions>()(['permits', 'timeoutMs', 'signal']);

/**
 * Longest time `acquire()` waits by default.
 * @defaultValue 1_000
 */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 1_000;

/** A rate limiter. `O` is its options type. */
export interface RateLimiter<O = object> {
  /** Name used in errors and metrics. */
  readonly name: string;
  /** Takes `permits` (default 1) now if allowed; a refusal is counted in `violations`. */
  tryAcquire(permits?: number): RateDecision;
  /** Would `tryAcquire(permits)` pass now? Takes nothing, counts nothing (for combined limiters). */
  check(permits?: number): RateDecision;
  /** Takes `permits` unconditionally (after a passing `check`, in the same tick). */
  commit(permits?: number): void;
  /** Waits until permits are available, up to `timeoutMs`, then throws `RateLimitedError`. */
  acquire(options?: AcquireOptions): Promise<void>;
  /** Refusals so far (tryAcquire refusals and acquire timeouts). */
  readonly violations: number;
  /** Changes options (validated first); state (tokens, counts) is kept. */
  configure(partial: Partial<O>): void;
  /** Throws `InvalidOptionsError` exactly when `configure(partial)` would, without applying it. */
  checkOptions(partial: Partial<O>): void;
}

/** Options every algorithm accepts at construction. */
export interface RateLimiterCommonOptions {
  /** Name in events and errors. @defaultValue the algorithm name */
  name?: string;
}

/** The keys of {@link RateLimiterCommonOptions} (a compile error until a new option is listed). */
export const RATE_LIMITER_COMMON_KEYS = optionKeys<RateLimiterCommonOptions>()(['name']);

/**
 * The keys an algorithm's constructor takes: its own options (`own`, which `configure` takes
 * alone), the common ones, and the `clock` its factory function passes along.
 */
export function constructionKeys(own: readonly string[]): readonly string[] {
  return Object.freeze([...own, ...RATE_LIMITER_COMMON_KEYS, 'clock']);
}

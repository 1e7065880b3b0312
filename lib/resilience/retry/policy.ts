/**
 * Retry with exponential backoff and jitter, on an injected clock.
 * `delay = min(maxDelayMs, baseDelayMs * multiplier ^ attempt)`, then jitter.
 */
import { sleep, systemClock, type Clock } from '../../util/clock.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys } from '../validate.ts';
import { builtInClassification } from '../classify/classifier.ts';
import { resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from './options.ts';

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** What `execute` passes to the operation. */
export interface RetryAttempt {
  /** 1 for the first try, 2 for the first retry… */
  readonly attempt: number;
  /** The caller's signal (a never-aborted one when none was given). */
  readonly signal: AbortSignal;
}

/** Reported before each retry sleep. */
export interface RetryNotice {
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
  /** What the attempt threw. */
  readonly error: unknown;
}

/** Options of one `execute` run. */
export interface RetryExecuteOptions {
  /** The source of time. @defaultValue the system clock */
  clock?: Clock;
  /** Aborts the waits between attempts; an aborted run is not retried. */
  signal?: AbortSignal;
  /** Called before each retry sleep. */
  onRetry?: (notice: RetryNotice) => void;
}

/** The keys of {@link RetryExecuteOptions} (a compile error until a new option is listed). */
export const RETRY_EXECUTE_OPTION_KEYS = optionKeys<RetryExecuteOptions>()(['clock', 'signal', 'onRetry']);

/** A retry policy; immutable per call, reconfigurable between delays. */
export class RetryPolicy {
  #opts: ResolvedRetryOptions;

  constructor(options: RetryOptions = {}) {
    this.#opts = resolveRetryOptions(options);
  }

  /** The resolved options in force. */
  get options(): ResolvedRetryOptions {
    return this.#opts;
  }

  /** Changes options (validated first). Running `execute` calls see them from their next decision. */
  configure(partial: RetryOptions): void {
    this.#opts = resolveRetryOptions(partial, this.#opts);
  }

  /**
   * The wait before retry number `attempt` (0 = the first retry), given the previous wait
   * (used by `'decorrelated'`). Allocation-free.
   */
  delayFor(attempt: number, previousDelayMs = 0): number {
    const o = this.#opts;
    const d = Math.min(o.maxDelayMs, o.baseDelayMs * o.multiplier ** attempt);
    switch (o.jitterMode) {
      case 'none':
        return d;
      case 'full':
        return o.random() * d;
      case 'decorrelated': {
        // AWS "decorrelated jitter": grows from the previous sleep, not the attempt number.
        const prev = previousDelayMs > 0 ? previousDelayMs : o.baseDelayMs;
        const hi = Math.max(o.baseDelayMs, prev * 3);
        return Math.min(o.maxDelayMs, o.baseDelayMs + o.random() * (hi - o.baseDelayMs));
      }
      default:
        return Math.max(0, d * (1 + o.jitter * (2 * o.random() - 1)));
    }
  }

  /**
   * Whether to retry after `attemptsSoFar` attempts ended with `error`: false once the attempts
   * are used up, always false for VALIDATION errors (bad input fails the same way again), else
   * what `retryIf` says (true without one).
   */
  shouldRetry(error: unknown, attemptsSoFar: number): boolean {
    const o = this.#opts;
    if (attemptsSoFar >= o.maxAttempts) return false;
    const category = o.categorize !== undefined ? o.categorize(error) : builtInClassification(error).category;
    if (category === 'validation') return false;
    return o.retryIf === undefined ? true : o.retryIf(error, attemptsSoFar);
  }

  /** Runs `fn` until it succeeds, `shouldRetry` says no, or the signal aborts; rethrows the last error. */
  async execute<T>(fn: (attempt: RetryAttempt) => Promise<T> | T, options: RetryExecuteOptions = {}): Promise<T> {
    checkKnownKeys('execute', options, RETRY_EXECUTE_OPTION_KEYS);
    const clock = options.clock ?? systemClock;
    const signal = options.signal ?? NEVER_ABORTED;
    let previousDelay = 0;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw signal.reason;
      try {
        return await fn({ attempt, signal });
      } catch (error) {
        if (signal.aborted || !this.shouldRetry(error, attempt)) throw error;
        const delayMs = this.delayFor(attempt - 1, previousDelay);
        previousDelay = delayMs;
        options.onRetry?.({ attempt, delayMs, error });
        await sleep(clock, delayMs, options.signal);
      }
    }
  }
}

/** Creates a {@link RetryPolicy}. */
export function createRetry(options: RetryOptions = {}): RetryPolicy {
  return new RetryPolicy(options);
}

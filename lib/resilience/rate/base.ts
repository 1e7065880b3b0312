/**
 * What every algorithm shares: `tryAcquire` as check-then-commit, violation counting, and a
 * waiting `acquire` that sleeps on the injected clock for the time the algorithm names.
 */
import { sleep, type Clock } from '../../util/clock.ts';
import { InvalidOptionsError, RateLimitedError } from '../errors.ts';
import { checkKnownKeys, checkNumber } from '../validate.ts';
import { ACQUIRE_OPTION_KEYS, DEFAULT_ACQUIRE_TIMEOUT_MS, type AcquireOptions, type RateDecision, type RateLimiter } from './types.ts';

/** Tolerance for float token arithmetic (0.1 + 0.2 style drift must not refuse a whole permit). */
export const EPSILON = 1e-9;

/** A refusal decision (allocated: refusals are the slow path). */
export function refuse(retryAfterMs: number): RateDecision {
  return { allowed: false, retryAfterMs: retryAfterMs === Infinity ? Infinity : Math.max(1, Math.ceil(retryAfterMs - EPSILON)) };
}

/** Validates a permit count (cheap enough for the hot path). */
export function checkPermits(permits: number): void {
  if (!(permits >= 1) || !Number.isInteger(permits)) throw new InvalidOptionsError('permits', 'must be an integer >= 1', permits);
}

/** Resolves the timeout of an `acquire` (and refuses an unknown key in its options). */
export function acquireTimeout(options: AcquireOptions, known: readonly string[] = ACQUIRE_OPTION_KEYS): number {
  checkKnownKeys('acquire', options, known);
  return options.timeoutMs === undefined ? DEFAULT_ACQUIRE_TIMEOUT_MS : checkNumber('timeoutMs', options.timeoutMs, { min: 0, allowInfinity: true });
}

/** Base of the four algorithms. */
export abstract class RateLimiterBase<O> implements RateLimiter<O> {
  readonly name: string;
  protected readonly clock: Clock;
  #violations = 0;

  protected constructor(name: string, clock: Clock) {
    this.name = name;
    this.clock = clock;
  }

  abstract check(permits?: number): RateDecision;
  abstract commit(permits?: number): void;
  abstract configure(partial: Partial<O>): void;
  abstract checkOptions(partial: Partial<O>): void;

  get violations(): number {
    return this.#violations;
  }

  tryAcquire(permits = 1): RateDecision {
    checkPermits(permits);
    const d = this.check(permits);
    if (d.allowed) this.commit(permits);
    else this.#violations++;
    return d;
  }

  async acquire(options: AcquireOptions = {}): Promise<void> {
    const permits = options.permits ?? 1;
    checkPermits(permits);
    const timeoutMs = acquireTimeout(options);
    const start = this.clock.now();
    for (;;) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      const d = this.check(permits);
      if (d.allowed) return this.commit(permits);
      if (this.clock.now() - start + d.retryAfterMs > timeoutMs) {
        this.#violations++;
        throw new RateLimitedError(this.name, d.retryAfterMs, { permits, timeoutMs });
      }
      await sleep(this.clock, d.retryAfterMs, options.signal);
    }
  }

  /** Counts a refusal decided outside `tryAcquire` (e.g. a full leaky-bucket queue). */
  protected countViolation(): void {
    this.#violations++;
  }
}

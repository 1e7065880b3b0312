/**
 * Sliding window as a two-bucket weighted counter (the Cloudflare / nginx approach):
 * `estimate = previous * (1 - elapsedInCurrent / windowMs) + current`.
 *
 * Why not a log of timestamps: a log is exact but costs O(limit) memory per limiter and an
 * allocation or ring slot per permit; keyed limiters multiply that by thousands of keys. The
 * weighted counter is O(1) in time and memory, allocation-free, and smooths the boundary burst
 * of a fixed window; its error comes only from assuming the previous window was uniform.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { EPSILON, RateLimiterBase, refuse } from './base.ts';
import { resolveWindowOptions, type WindowOptions } from './fixed-window.ts';
import { ALLOWED, type RateDecision, type RateLimiterCommonOptions } from './types.ts';

/** The sliding window (weighted two-bucket) algorithm. */
export class SlidingWindow extends RateLimiterBase<WindowOptions> {
  #options: Required<WindowOptions>;
  #start = -Infinity;
  #current = 0;
  #previous = 0;

  constructor(options: WindowOptions & RateLimiterCommonOptions = {}, clock: Clock = systemClock) {
    super(options.name ?? 'sliding-window', clock);
    this.#options = resolveWindowOptions(options, undefined, 'slidingWindow');
  }

  /** Resolved options. */
  get options(): Readonly<Required<WindowOptions>> {
    return this.#options;
  }

  /** The weighted count of the last `windowMs`. */
  get estimate(): number {
    const now = this.#roll();
    return this.#estimate(now);
  }

  check(permits = 1): RateDecision {
    const now = this.#roll();
    const { limit, windowMs: w } = this.#options;
    if (permits > limit) return refuse(Infinity);
    if (this.#estimate(now) + permits <= limit + EPSILON) return ALLOWED;
    const elapsed = now - this.#start;
    const room = limit - this.#current - permits;
    if (room >= 0 && this.#previous > 0) {
      // Wait in this window until the previous window's weight has decayed enough.
      return refuse(w * (1 - room / this.#previous) - elapsed);
    }
    // Not in this window: next window, where `current` becomes the decaying previous.
    const later = this.#current > 0 ? Math.max(0, w * (1 - (limit - permits) / this.#current)) : 0;
    return refuse(w - elapsed + later);
  }

  commit(permits = 1): void {
    this.#roll();
    this.#current += permits;
  }

  checkOptions(partial: Partial<WindowOptions>): void {
    resolveWindowOptions(partial, this.#options, 'slidingWindow');
  }

  configure(partial: Partial<WindowOptions>): void {
    const next = resolveWindowOptions(partial, this.#options, 'slidingWindow');
    if (next.windowMs !== this.#options.windowMs) {
      // Counts of a different window length mean nothing in the new one.
      this.#start = -Infinity;
      this.#current = 0;
      this.#previous = 0;
    }
    this.#options = next;
  }

  #estimate(now: number): number {
    return this.#previous * (1 - (now - this.#start) / this.#options.windowMs) + this.#current;
  }

  #roll(): number {
    const now = this.clock.now();
    const w = this.#options.windowMs;
    const start = now - (now % w);
    if (start !== this.#start) {
      this.#previous = start - this.#start === w ? this.#current : 0;
      this.#current = 0;
      this.#start = start;
    }
    return now;
  }
}

/** Creates a {@link SlidingWindow} limiter. */
export function createSlidingWindow(options: WindowOptions & RateLimiterCommonOptions & { clock?: Clock } = {}): SlidingWindow {
  return new SlidingWindow(options, options.clock ?? systemClock);
}

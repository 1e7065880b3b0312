/**
 * Fixed window: at most `limit` permits per window of `windowMs`, windows aligned to clock
 * time. Simple and O(1), but allows up to 2×limit across a window boundary.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../validate.ts';
import { RateLimiterBase, refuse } from './base.ts';
import { ALLOWED, constructionKeys, type RateDecision, type RateLimiterCommonOptions } from './types.ts';

/**
 * Permits per window (fixed and sliding window).
 * @defaultValue 100
 */
export const DEFAULT_WINDOW_LIMIT = 100;
/**
 * Window length (fixed and sliding window).
 * @defaultValue 1_000
 */
export const DEFAULT_WINDOW_MS = 1_000;

/** Options of window limiters. */
export interface WindowOptions {
  /** Permits per window (fixed and sliding window). @defaultValue {@link DEFAULT_WINDOW_LIMIT} */
  limit?: number;
  /** Window length (fixed and sliding window). @defaultValue {@link DEFAULT_WINDOW_MS} */
  windowMs?: number;
}

/** The keys of {@link WindowOptions} (a compile error until a new option is listed). */
export const WINDOW_OPTION_KEYS = optionKeys<WindowOptions>()(['limit', 'windowMs']);
const CONSTRUCTION_KEYS = constructionKeys(WINDOW_OPTION_KEYS);

/** Validates window options (shared with the sliding window). */
export function resolveWindowOptions(o: WindowOptions, base: Required<WindowOptions> | undefined, prefix: string): Required<WindowOptions> {
  checkObject(prefix, o);
  // Without a base this is a constructor, which also takes `name` and `clock`.
  checkKnownKeys(prefix, o, base === undefined ? CONSTRUCTION_KEYS : WINDOW_OPTION_KEYS);
  return {
    limit: checkNumber(`${prefix}.limit`, o.limit ?? base?.limit ?? DEFAULT_WINDOW_LIMIT, { integer: true, min: 1 }),
    windowMs: checkNumber(`${prefix}.windowMs`, o.windowMs ?? base?.windowMs ?? DEFAULT_WINDOW_MS, { integer: true, min: 1 }),
  };
}

/** The fixed window algorithm. */
export class FixedWindow extends RateLimiterBase<WindowOptions> {
  #options: Required<WindowOptions>;
  #start = -Infinity;
  #count = 0;

  constructor(options: WindowOptions & RateLimiterCommonOptions = {}, clock: Clock = systemClock) {
    super(options.name ?? 'fixed-window', clock);
    this.#options = resolveWindowOptions(options, undefined, 'fixedWindow');
  }

  /** Resolved options. */
  get options(): Readonly<Required<WindowOptions>> {
    return this.#options;
  }

  check(permits = 1): RateDecision {
    const now = this.#roll();
    if (permits > this.#options.limit) return refuse(Infinity);
    if (this.#count + permits <= this.#options.limit) return ALLOWED;
    return refuse(this.#start + this.#options.windowMs - now);
  }

  commit(permits = 1): void {
    this.#roll();
    this.#count += permits;
  }

  checkOptions(partial: Partial<WindowOptions>): void {
    resolveWindowOptions(partial, this.#options, 'fixedWindow');
  }

  configure(partial: Partial<WindowOptions>): void {
    this.#options = resolveWindowOptions(partial, this.#options, 'fixedWindow');
  }

  #roll(): number {
    const now = this.clock.now();
    const start = now - (now % this.#options.windowMs);
    if (start !== this.#start) {
      this.#start = start;
      this.#count = 0;
    }
    return now;
  }
}

/** Creates a {@link FixedWindow} limiter. */
export function createFixedWindow(options: WindowOptions & RateLimiterCommonOptions & { clock?: Clock } = {}): FixedWindow {
  return new FixedWindow(options, options.clock ?? systemClock);
}

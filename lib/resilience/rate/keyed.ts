/**
 * One limiter per key (a user id from a header, a tenant…) with bounded memory: at most
 * `maxKeys` limiters, least recently used evicted first, and limiters idle for `idleMs`
 * swept out a few at a time on each call (O(1) per call, no timer).
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { InvalidOptionsError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber } from '../validate.ts';
import { createRateLimiter, type RateLimiterSpec } from './create.ts';
import type { AcquireOptions, RateDecision, RateLimiter } from './types.ts';

/**
 * Most keys held at once.
 * @defaultValue 10_000
 */
export const DEFAULT_MAX_KEYS = 10_000;
/**
 * A key unused this long is dropped (choose it longer than the limiter needs to recover fully,
 * so that dropping a key never hands out extra permits).
 * @defaultValue 600_000
 */
export const DEFAULT_KEY_IDLE_MS = 600_000;
/** Longest gap between two idle sweeps (a sweep walks the LRU end only while keys are idle). */
const MAX_SWEEP_INTERVAL_MS = 1_000;

/** Options of a {@link KeyedRateLimiter}. */
export interface KeyedRateLimiterOptions {
  /** The limiter every key gets. */
  limiter: RateLimiterSpec;
  /** Most keys held at once. @defaultValue {@link DEFAULT_MAX_KEYS} */
  maxKeys?: number;
  /**
   * A key unused this long is dropped (choose it longer than the limiter needs to recover fully, so
   * that dropping a key never hands out extra permits).
   * @defaultValue {@link DEFAULT_KEY_IDLE_MS}
   */
  idleMs?: number;
  /** Name in events and errors. @defaultValue 'keyed' */
  name?: string;
  /** The source of time. @defaultValue the system clock */
  clock?: Clock;
}

/** The keys of {@link KeyedRateLimiterOptions} (a compile error until a new option is listed). */
export const KEYED_RATE_LIMITER_OPTION_KEYS = optionKeys<KeyedRateLimiterOptions>()(['limiter', 'maxKeys', 'idleMs', 'name', 'clock']);
/** What `configure` may change. */
const RECONFIGURABLE_KEYS = ['limiter', 'maxKeys', 'idleMs'] as const satisfies readonly (keyof KeyedRateLimiterOptions)[];

interface Entry {
  readonly limiter: RateLimiter<object>;
  lastUsed: number;
}

/** A limiter per key with bounded memory. */
export class KeyedRateLimiter {
  /** The limiter name (in events and errors). */
  readonly name: string;
  readonly #clock: Clock;
  #spec: RateLimiterSpec;
  #maxKeys: number;
  #idleMs: number;
  // Map keeps insertion order; re-inserting on use makes the first entry the least recently used.
  readonly #entries = new Map<string, Entry>();
  #evictedViolations = 0;
  #evictions = 0;
  #nextSweep = -Infinity;

  constructor(options: KeyedRateLimiterOptions) {
    if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('keyed', 'must be an object', options);
    checkKnownKeys('keyed', options, KEYED_RATE_LIMITER_OPTION_KEYS);
    this.#clock = options.clock ?? systemClock;
    createRateLimiter(options.limiter, this.#clock, 'keyed.limiter'); // validates the spec now, not at the first key
    this.#spec = options.limiter;
    this.#maxKeys = checkNumber('keyed.maxKeys', options.maxKeys ?? DEFAULT_MAX_KEYS, { integer: true, min: 1 });
    this.#idleMs = checkNumber('keyed.idleMs', options.idleMs ?? DEFAULT_KEY_IDLE_MS, { above: 0, allowInfinity: true });
    this.name = options.name ?? 'keyed';
  }

  /** Keys held. */
  get size(): number {
    return this.#entries.size;
  }
  /** Keys dropped (LRU or idle). */
  get evictions(): number {
    return this.#evictions;
  }
  /** Refusals over every key, evicted keys included. */
  get violations(): number {
    let v = this.#evictedViolations;
    for (const e of this.#entries.values()) v += e.limiter.violations;
    return v;
  }

  /** The limiter of `key` (created on first use). */
  for(key: string): RateLimiter<object> {
    const now = this.#clock.now();
    this.#sweep(now);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      if (this.#entries.size >= this.#maxKeys) this.#evictOldest();
      entry = { limiter: createRateLimiter({ ...this.#spec, name: `${this.name}:${key}` }, this.#clock), lastUsed: now };
      this.#entries.set(key, entry);
    } else if (entry.lastUsed !== now) {
      entry.lastUsed = now;
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry.limiter;
  }

  /** `tryAcquire` on the limiter of `key`. */
  tryAcquire(key: string, permits = 1): RateDecision {
    return this.for(key).tryAcquire(permits);
  }
  /** `check` on the limiter of `key`. */
  check(key: string, permits = 1): RateDecision {
    return this.for(key).check(permits);
  }
  /** `commit` on the limiter of `key`. */
  commit(key: string, permits = 1): void {
    this.for(key).commit(permits);
  }
  /** `acquire` on the limiter of `key`. */
  acquire(key: string, options?: AcquireOptions): Promise<void> {
    return this.for(key).acquire(options);
  }
  /** Forgets a key. */
  delete(key: string): boolean {
    const e = this.#entries.get(key);
    if (e !== undefined) this.#evictedViolations += e.limiter.violations;
    return this.#entries.delete(key);
  }

  /** Throws exactly when `configure(partial)` would. */
  checkOptions(partial: Partial<Omit<KeyedRateLimiterOptions, 'clock' | 'name' | 'limiter'>> & { limiter?: Partial<RateLimiterSpec> }): void {
    checkKnownKeys('keyed', partial, RECONFIGURABLE_KEYS);
    if (partial.maxKeys !== undefined) checkNumber('keyed.maxKeys', partial.maxKeys, { integer: true, min: 1 });
    if (partial.idleMs !== undefined) checkNumber('keyed.idleMs', partial.idleMs, { above: 0, allowInfinity: true });
    if (partial.limiter !== undefined) {
      if (partial.limiter.algorithm !== undefined && partial.limiter.algorithm !== this.#spec.algorithm) {
        throw new InvalidOptionsError('keyed.limiter.algorithm', 'cannot change at run time', partial.limiter.algorithm);
      }
      createRateLimiter({ ...this.#spec, ...partial.limiter } as RateLimiterSpec, this.#clock, 'keyed.limiter');
    }
  }

  /** Changes bounds and the per-key limiter options, for live keys and new ones. */
  configure(partial: Parameters<KeyedRateLimiter['checkOptions']>[0]): void {
    this.checkOptions(partial);
    if (partial.maxKeys !== undefined) this.#maxKeys = partial.maxKeys;
    if (partial.idleMs !== undefined) this.#idleMs = partial.idleMs;
    if (partial.limiter !== undefined) {
      const { algorithm: _a, name: _n, ...rest } = partial.limiter as Record<string, unknown>;
      this.#spec = { ...this.#spec, ...rest } as RateLimiterSpec;
      for (const e of this.#entries.values()) e.limiter.configure(rest);
    }
    while (this.#entries.size > this.#maxKeys) this.#evictOldest();
  }

  #evictOldest(): void {
    const first = this.#entries.keys().next();
    if (first.done !== true) {
      this.delete(first.value);
      this.#evictions++;
    }
  }

  #sweep(now: number): void {
    // Throttled so that the common call allocates no iterator; LRU order means the walk stops
    // at the first key still in use, so the work is proportional to the keys removed.
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + Math.min(this.#idleMs, MAX_SWEEP_INTERVAL_MS);
    for (const [key, e] of this.#entries) {
      if (now - e.lastUsed < this.#idleMs) return;
      this.delete(key);
      this.#evictions++;
    }
  }
}

/** Creates a {@link KeyedRateLimiter}. */
export function createKeyedRateLimiter(options: KeyedRateLimiterOptions): KeyedRateLimiter {
  return new KeyedRateLimiter(options);
}

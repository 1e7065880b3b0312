/**
 * Several limiters that must all allow: network → node → operation → key. Every layer is
 * checked before any is charged, so a refusal by a later layer never consumes permits of an
 * earlier one. Only the refusing layer counts a violation.
 */
import { sleep, systemClock, type Clock } from '../../util/clock.ts';
import { InvalidOptionsError, RateLimitedError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys } from '../validate.ts';
import { acquireTimeout, checkPermits } from './base.ts';
import type { KeyedRateLimiter } from './keyed.ts';
import { ALLOWED, type AcquireOptions, type RateDecision, type RateLimiter } from './types.ts';

/** The layers, outermost first. */
export interface CombinedRateLimiterOptions {
  /** Network-wide layer. */
  network?: RateLimiter<object> | undefined;
  /** Per-node layer. */
  node?: RateLimiter<object> | undefined;
  /** Per-operation layer. */
  operation?: RateLimiter<object> | undefined;
  /** Per-key layer; skipped for calls without a key. */
  key?: KeyedRateLimiter | undefined;
  /** Name in events and errors. @defaultValue 'combined' */
  name?: string;
  /** The source of time. @defaultValue the system clock */
  clock?: Clock;
}

/** The keys of {@link CombinedRateLimiterOptions} (a compile error until a new option is listed). */
export const COMBINED_RATE_LIMITER_OPTION_KEYS = optionKeys<CombinedRateLimiterOptions>()(['network', 'node', 'operation', 'key', 'name', 'clock']);

/** The layers `configure` knows, by name. */
const RATE_LIMIT_LAYERS = ['network', 'node', 'operation', 'key'] as const satisfies readonly (keyof CombinedRateLimiterOptions)[];

/** Options of a waiting combined `acquire`. */
export interface CombinedAcquireOptions extends AcquireOptions {
  /** The key for the per-key layer. */
  key?: string | undefined;
}

/** The keys of {@link CombinedAcquireOptions} (a compile error until a new option is listed). */
export const COMBINED_ACQUIRE_OPTION_KEYS = optionKeys<CombinedAcquireOptions>()(['permits', 'timeoutMs', 'signal', 'key']);

/** All layers must allow. Implements {@link RateLimiter} (with an optional key argument). */
export class CombinedRateLimiter implements RateLimiter<Record<string, object>> {
  readonly name: string;
  readonly #clock: Clock;
  readonly #layers: ReadonlyArray<RateLimiter<object>>;
  readonly #named: Readonly<Record<string, RateLimiter<object> | undefined>>;
  readonly #keyed: KeyedRateLimiter | undefined;
  #violations = 0;

  constructor(options: CombinedRateLimiterOptions) {
    checkKnownKeys('combined', options, COMBINED_RATE_LIMITER_OPTION_KEYS);
    this.name = options.name ?? 'combined';
    this.#clock = options.clock ?? systemClock;
    this.#named = { network: options.network, node: options.node, operation: options.operation };
    this.#layers = [options.network, options.node, options.operation].filter((l): l is RateLimiter<object> => l !== undefined);
    this.#keyed = options.key;
  }

  /** Refusals by any layer (each also counted by the refusing layer itself). */
  get violations(): number {
    return this.#violations;
  }
  /** The key layer, if any. */
  get keyed(): KeyedRateLimiter | undefined {
    return this.#keyed;
  }

  check(permits = 1, key?: string): RateDecision {
    for (const l of this.#layers) {
      const d = l.check(permits);
      if (!d.allowed) return d;
    }
    return key !== undefined && this.#keyed !== undefined ? this.#keyed.check(key, permits) : ALLOWED;
  }

  commit(permits = 1, key?: string): void {
    for (const l of this.#layers) l.commit(permits);
    if (key !== undefined && this.#keyed !== undefined) this.#keyed.commit(key, permits);
  }

  /** Check all, then charge all. No allocation when allowed. */
  tryAcquire(permits = 1, key?: string): RateDecision {
    checkPermits(permits);
    for (const l of this.#layers) {
      const d = l.check(permits);
      if (!d.allowed) return this.#refused(() => l.tryAcquire(permits), d);
    }
    const k = this.#keyed;
    if (key !== undefined && k !== undefined) {
      const d = k.check(key, permits);
      if (!d.allowed) return this.#refused(() => k.tryAcquire(key, permits), d);
    }
    this.commit(permits, key);
    return ALLOWED;
  }

  /** Waits until every layer allows at once (up to `timeoutMs`). */
  async acquire(options: CombinedAcquireOptions = {}): Promise<void> {
    const permits = options.permits ?? 1;
    checkPermits(permits);
    const timeoutMs = acquireTimeout(options, COMBINED_ACQUIRE_OPTION_KEYS);
    const start = this.#clock.now();
    for (;;) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      const d = this.check(permits, options.key);
      if (d.allowed) return this.commit(permits, options.key);
      if (this.#clock.now() - start + d.retryAfterMs > timeoutMs) {
        this.#violations++;
        throw new RateLimitedError(this.name, d.retryAfterMs, { permits, timeoutMs });
      }
      await sleep(this.#clock, d.retryAfterMs, options.signal);
    }
  }

  /** Throws exactly when `configure(partial)` would. */
  checkOptions(partial: Partial<Record<string, object>>): void {
    checkKnownKeys('rateLimits', partial, RATE_LIMIT_LAYERS);
    for (const [layer, p] of Object.entries(partial)) {
      if (p === undefined) continue;
      if ((layer === 'key' ? this.#keyed : this.#named[layer]) === undefined) throw new InvalidOptionsError(`rateLimits.${layer}`, 'this layer was not configured at construction', p);
      if (layer === 'key') this.#keyed?.checkOptions(p);
      else this.#named[layer]?.checkOptions(p);
    }
  }

  /** Reconfigures layers by name (`network`, `node`, `operation`, `key`), all validated first. */
  configure(partial: Partial<Record<string, object>>): void {
    this.checkOptions(partial);
    for (const [layer, p] of Object.entries(partial)) {
      if (p === undefined) continue;
      if (layer === 'key') this.#keyed?.configure(p);
      else this.#named[layer]?.configure(p);
    }
  }

  #refused(countOnLayer: () => RateDecision, d: RateDecision): RateDecision {
    // Nothing changed since the check (same tick), so this refuses again and counts the
    // violation on the layer that refused, without a separate "count" API on every limiter.
    countOnLayer();
    this.#violations++;
    return d;
  }
}

/** Creates a {@link CombinedRateLimiter}. */
export function createCombinedRateLimiter(options: CombinedRateLimiterOptions): CombinedRateLimiter {
  return new CombinedRateLimiter(options);
}

/**
 * Token bucket: `burst` tokens, refilled continuously at `ratePerSec`. A full bucket lets a
 * burst through at once, then exactly `ratePerSec` per second.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../validate.ts';
import { EPSILON, RateLimiterBase, refuse } from './base.ts';
import { ALLOWED, constructionKeys, type RateDecision, type RateLimiterCommonOptions } from './types.ts';

/**
 * Refill rate.
 * @defaultValue 100
 */
export const DEFAULT_RATE_PER_SEC = 100;
/**
 * Burst capacity in seconds of rate: `burst = ratePerSec * DEFAULT_BURST_SECONDS` unless set.
 * @defaultValue 1
 */
export const DEFAULT_BURST_SECONDS = 1;

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Refill rate. @defaultValue {@link DEFAULT_RATE_PER_SEC} */
  ratePerSec?: number;
  /** Most tokens held (the largest burst). @defaultValue `ratePerSec * DEFAULT_BURST_SECONDS` */
  burst?: number;
}

/** The keys of {@link TokenBucketOptions} (a compile error until a new option is listed). */
export const TOKEN_BUCKET_OPTION_KEYS = optionKeys<TokenBucketOptions>()(['ratePerSec', 'burst']);
const CONSTRUCTION_KEYS = constructionKeys(TOKEN_BUCKET_OPTION_KEYS);

interface Resolved {
  readonly ratePerSec: number;
  readonly burst: number;
  readonly burstSet: boolean;
}

function resolve(o: TokenBucketOptions, base?: Resolved): Resolved {
  checkObject('tokenBucket', o);
  // Without a base this is the constructor, which also takes `name` and `clock`.
  checkKnownKeys('tokenBucket', o, base === undefined ? CONSTRUCTION_KEYS : TOKEN_BUCKET_OPTION_KEYS);
  const ratePerSec = checkNumber('tokenBucket.ratePerSec', o.ratePerSec ?? base?.ratePerSec ?? DEFAULT_RATE_PER_SEC, { above: 0 });
  const burstSet = o.burst !== undefined || base?.burstSet === true;
  const burst = checkNumber('tokenBucket.burst', o.burst ?? (base?.burstSet === true ? base.burst : Math.max(1, ratePerSec * DEFAULT_BURST_SECONDS)), { min: 1 });
  return { ratePerSec, burst, burstSet };
}

/** The token bucket algorithm. */
export class TokenBucket extends RateLimiterBase<TokenBucketOptions> {
  #options: Resolved;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions & RateLimiterCommonOptions = {}, clock: Clock = systemClock) {
    super(options.name ?? 'token-bucket', clock);
    this.#options = resolve(options);
    this.#tokens = this.#options.burst;
    this.#last = clock.now();
  }

  /** Tokens available now. */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }
  /** Resolved options. */
  get options(): Readonly<Required<TokenBucketOptions>> {
    return { ratePerSec: this.#options.ratePerSec, burst: this.#options.burst };
  }

  check(permits = 1): RateDecision {
    this.#refill();
    if (permits > this.#options.burst) return refuse(Infinity);
    if (this.#tokens + EPSILON >= permits) return ALLOWED;
    return refuse(((permits - this.#tokens) * 1000) / this.#options.ratePerSec);
  }

  commit(permits = 1): void {
    this.#refill();
    this.#tokens = Math.max(0, this.#tokens - permits);
  }

  checkOptions(partial: Partial<TokenBucketOptions>): void {
    resolve(partial, this.#options);
  }

  configure(partial: Partial<TokenBucketOptions>): void {
    const next = resolve(partial, this.#options);
    this.#refill(); // tokens earned so far are earned at the old rate
    this.#options = next;
    this.#tokens = Math.min(this.#tokens, next.burst);
  }

  #refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#options.burst, this.#tokens + (elapsed * this.#options.ratePerSec) / 1000);
      this.#last = now;
    }
  }
}

/** Creates a {@link TokenBucket}. */
export function createTokenBucket(options: TokenBucketOptions & RateLimiterCommonOptions & { clock?: Clock } = {}): TokenBucket {
  return new TokenBucket(options, options.clock ?? systemClock);
}

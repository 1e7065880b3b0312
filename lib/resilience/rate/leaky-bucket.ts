/**
 * Leaky bucket as a queue: requests leave at a constant rate, one every `1000 / ratePerSec`
 * ms, never in bursts. `acquire()` joins a bounded virtual queue (at most `capacity` permits
 * waiting) and resolves at its departure slot; `tryAcquire()` passes only when a slot is free
 * right now and nobody is queued.
 *
 * Why the queue form: the meter form (a level draining at a constant rate, refusing when full)
 * is the token bucket turned upside down and adds nothing; the queue form is what smooths
 * output (e.g. towards a downstream that cannot take bursts). The queue is virtual: each
 * waiter holds only its departure time and a timer, no list is kept.
 */
import { sleep, systemClock, type Clock } from '../../util/clock.ts';
import { RateLimitedError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../validate.ts';
import { acquireTimeout, checkPermits, EPSILON, RateLimiterBase, refuse } from './base.ts';
import { DEFAULT_RATE_PER_SEC } from './token-bucket.ts';
import { ALLOWED, constructionKeys, type AcquireOptions, type RateDecision, type RateLimiterCommonOptions } from './types.ts';

/**
 * Permits that may wait in a leaky bucket's queue.
 * @defaultValue 100
 */
export const DEFAULT_LEAKY_CAPACITY = 100;

/** Options of a {@link LeakyBucket}. */
export interface LeakyBucketOptions {
  /** Drain rate. @defaultValue {@link DEFAULT_RATE_PER_SEC} */
  ratePerSec?: number;
  /** Queue bound in permits. @defaultValue {@link DEFAULT_LEAKY_CAPACITY} */
  capacity?: number;
}

/** The keys of {@link LeakyBucketOptions} (a compile error until a new option is listed). */
export const LEAKY_BUCKET_OPTION_KEYS = optionKeys<LeakyBucketOptions>()(['ratePerSec', 'capacity']);
const CONSTRUCTION_KEYS = constructionKeys(LEAKY_BUCKET_OPTION_KEYS);

function resolve(o: LeakyBucketOptions, base?: Required<LeakyBucketOptions>): Required<LeakyBucketOptions> {
  checkObject('leakyBucket', o);
  // Without a base this is the constructor, which also takes `name` and `clock`.
  checkKnownKeys('leakyBucket', o, base === undefined ? CONSTRUCTION_KEYS : LEAKY_BUCKET_OPTION_KEYS);
  return {
    ratePerSec: checkNumber('leakyBucket.ratePerSec', o.ratePerSec ?? base?.ratePerSec ?? DEFAULT_RATE_PER_SEC, { above: 0 }),
    capacity: checkNumber('leakyBucket.capacity', o.capacity ?? base?.capacity ?? DEFAULT_LEAKY_CAPACITY, { integer: true, min: 1 }),
  };
}

/** The leaky bucket (queue) algorithm. */
export class LeakyBucket extends RateLimiterBase<LeakyBucketOptions> {
  #options: Required<LeakyBucketOptions>;
  #interval: number;
  // Clock time at which the next departure slot is free.
  #nextFree = -Infinity;
  #queued = 0;

  constructor(options: LeakyBucketOptions & RateLimiterCommonOptions = {}, clock: Clock = systemClock) {
    super(options.name ?? 'leaky-bucket', clock);
    this.#options = resolve(options);
    this.#interval = 1000 / this.#options.ratePerSec;
  }

  /** Resolved options. */
  get options(): Readonly<Required<LeakyBucketOptions>> {
    return this.#options;
  }
  /** Permits waiting in the queue. */
  get queued(): number {
    return this.#queued;
  }

  check(permits = 1): RateDecision {
    if (permits > this.#options.capacity) return refuse(Infinity);
    const wait = this.#nextFree - this.clock.now();
    return wait <= EPSILON ? ALLOWED : refuse(wait);
  }

  commit(permits = 1): void {
    this.#nextFree = Math.max(this.clock.now(), this.#nextFree) + permits * this.#interval;
  }

  /** Joins the queue and resolves at this request's departure slot (FIFO, constant rate). */
  override async acquire(options: AcquireOptions = {}): Promise<void> {
    const permits = options.permits ?? 1;
    checkPermits(permits);
    const timeoutMs = acquireTimeout(options);
    if (options.signal?.aborted === true) throw options.signal.reason;
    const now = this.clock.now();
    const slot = Math.max(now, this.#nextFree);
    const wait = slot - now;
    if (wait <= EPSILON) return this.commit(permits);
    if (permits > this.#options.capacity || this.#queued + permits > this.#options.capacity || wait > timeoutMs) {
      this.countViolation();
      const full = this.#queued + permits > this.#options.capacity;
      throw new RateLimitedError(this.name, permits > this.#options.capacity ? Infinity : Math.ceil(wait), { permits, reason: full ? 'queue-full' : 'timeout' });
    }
    const end = slot + permits * this.#interval;
    this.#nextFree = end;
    this.#queued += permits;
    try {
      await sleep(this.clock, wait, options.signal);
    } catch (e) {
      // A cancelled waiter at the tail gives its slot back; one in the middle leaves a gap
      // (the rate then stays below the limit, never above it).
      if (this.#nextFree === end) this.#nextFree = slot;
      throw e;
    } finally {
      this.#queued -= permits;
    }
  }

  checkOptions(partial: Partial<LeakyBucketOptions>): void {
    resolve(partial, this.#options);
  }

  configure(partial: Partial<LeakyBucketOptions>): void {
    this.#options = resolve(partial, this.#options);
    this.#interval = 1000 / this.#options.ratePerSec;
  }
}

/** Creates a {@link LeakyBucket} limiter. */
export function createLeakyBucket(options: LeakyBucketOptions & RateLimiterCommonOptions & { clock?: Clock } = {}): LeakyBucket {
  return new LeakyBucket(options, options.clock ?? systemClock);
}

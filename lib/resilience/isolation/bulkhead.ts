/**
 * Bulkhead: a semaphore of `maxConcurrent` permits with a bounded FIFO wait queue, so one
 * slow dependency cannot take every resource of a node. Permits are released on every path
 * and `release()` is idempotent.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { BulkheadFullError } from '../errors.ts';
import { RingBuffer } from '../../util/ring-buffer.ts';
import { firstUnknownKey, optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber, checkObject, unknownKeyError } from '../validate.ts';

/**
 * Calls running at once.
 * @defaultValue 10
 */
export const DEFAULT_MAX_CONCURRENT = 10;
/**
 * Calls waiting for a permit; past it `acquire` rejects with `BulkheadFullError`.
 * @defaultValue 100
 */
export const DEFAULT_MAX_QUEUE = 100;
/**
 * Longest wait in the queue.
 * @defaultValue Infinity (until a permit frees or the signal aborts)
 */
export const DEFAULT_QUEUE_TIMEOUT_MS = Infinity;

/** A held slot. `release()` (or `using`) gives it back; twice is harmless. */
export interface Permit {
  /** Gives the slot back (to the next one waiting); a second call does nothing. */
  release(): void;
  /** The same as `release()`, for `using`. */
  [Symbol.dispose](): void;
}

/** Options of a {@link Bulkhead}. */
export interface BulkheadOptions {
  /** Calls running at once. @defaultValue {@link DEFAULT_MAX_CONCURRENT} */
  maxConcurrent?: number;
  /** Calls waiting for a permit. @defaultValue {@link DEFAULT_MAX_QUEUE} */
  maxQueue?: number;
  /** Longest wait in the queue. @defaultValue {@link DEFAULT_QUEUE_TIMEOUT_MS} */
  queueTimeoutMs?: number;
}

/** The keys of {@link BulkheadOptions} (a compile error until a new option is listed). */
export const BULKHEAD_OPTION_KEYS = optionKeys<BulkheadOptions>()(['maxConcurrent', 'maxQueue', 'queueTimeoutMs']);

/** Options of one `acquire`. */
export interface BulkheadAcquireOptions {
  /** Aborts the wait for a slot. */
  signal?: AbortSignal | undefined;
  /** Longest wait (ms). @defaultValue the bulkhead's `queueTimeoutMs` */
  timeoutMs?: number | undefined;
}

/** The keys of {@link BulkheadAcquireOptions}. */
export const BULKHEAD_ACQUIRE_OPTION_KEYS = optionKeys<BulkheadAcquireOptions>()(['signal', 'timeoutMs']);

/** Resolved options. */
export type ResolvedBulkheadOptions = Readonly<Required<BulkheadOptions>>;

/** Validates bulkhead options (merged over `base` when reconfiguring). */
export function resolveBulkheadOptions(o: BulkheadOptions = {}, base?: ResolvedBulkheadOptions, prefix = 'bulkhead'): ResolvedBulkheadOptions {
  checkObject(prefix, o);
  checkKnownKeys(prefix, o, BULKHEAD_OPTION_KEYS);
  return {
    maxConcurrent: checkNumber(`${prefix}.maxConcurrent`, o.maxConcurrent ?? base?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT, { integer: true, min: 1 }),
    maxQueue: checkNumber(`${prefix}.maxQueue`, o.maxQueue ?? base?.maxQueue ?? DEFAULT_MAX_QUEUE, { integer: true, min: 0 }),
    queueTimeoutMs: checkNumber(`${prefix}.queueTimeoutMs`, o.queueTimeoutMs ?? base?.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS, { min: 0, allowInfinity: true }),
  };
}

// Module-private: how a permit hands itself back without a closure per permit.
const RELEASE = Symbol('release');

/**
 * A permit is a tiny class instance rather than a closure: idempotency needs per-permit state,
 * and a class allocation is the cheapest way to carry it (closures are also re-named per
 * creation under tsx's keepNames).
 */
class BulkheadPermit implements Permit {
  #owner: Bulkhead | undefined;
  constructor(owner: Bulkhead) {
    this.#owner = owner;
  }
  release(): void {
    const owner = this.#owner;
    if (owner === undefined) return;
    this.#owner = undefined;
    owner[RELEASE]();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

interface Waiter {
  settled: boolean;
  grant(permit: Permit): void;
}

/** A semaphore with a bounded wait queue. */
export class Bulkhead {
  /** The bulkhead name (in errors). */
  readonly name: string;
  readonly #clock: Clock;
  #options: ResolvedBulkheadOptions;
  #active = 0;
  #queued = 0;
  // Cancelled waiters stay in the ring marked settled and are skipped (O(1) cancel).
  readonly #waiters = new RingBuffer<Waiter>();
  #rejections = 0;

  constructor(name = 'bulkhead', options: BulkheadOptions = {}, clock: Clock = systemClock) {
    this.name = name;
    this.#options = resolveBulkheadOptions(options);
    this.#clock = clock;
  }

  /** Permits held. */
  get active(): number {
    return this.#active;
  }
  /** Free permits. */
  get available(): number {
    return Math.max(0, this.#options.maxConcurrent - this.#active);
  }
  /** Calls waiting. */
  get queued(): number {
    return this.#queued;
  }
  /** Calls refused (queue full or wait timed out). */
  get rejections(): number {
    return this.#rejections;
  }
  /** Resolved options. */
  get options(): ResolvedBulkheadOptions {
    return this.#options;
  }

  /** A permit now, or `undefined` (never queues; nobody jumps ahead of waiters). */
  tryAcquire(): Permit | undefined {
    if (this.#active >= this.#options.maxConcurrent || this.#queued > 0) return undefined;
    this.#active++;
    return this.#permit();
  }

  /** A permit now or after waiting in the queue; rejects with {@link BulkheadFullError}, or the signal's reason. */
  acquire(options: BulkheadAcquireOptions = {}): Promise<Permit> {
    if (firstUnknownKey(options, BULKHEAD_ACQUIRE_OPTION_KEYS) !== undefined) return Promise.reject(unknownKeyError('acquire', options, BULKHEAD_ACQUIRE_OPTION_KEYS));
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    const now = this.tryAcquire();
    if (now !== undefined) return Promise.resolve(now);
    if (this.#queued >= this.#options.maxQueue) {
      this.#rejections++;
      return Promise.reject(new BulkheadFullError(this.name, 'queue-full', { maxConcurrent: this.#options.maxConcurrent, maxQueue: this.#options.maxQueue }));
    }
    const timeoutMs = options.timeoutMs ?? this.#options.queueTimeoutMs;
    return new Promise<Permit>((resolve, reject) => {
      const cancel = (error: unknown): void => {
        if (waiter.settled) return;
        waiter.settled = true;
        this.#queued--;
        cleanup();
        reject(error);
      };
      const onAbort = (): void => cancel(signal?.reason);
      const timer =
        timeoutMs === Infinity
          ? undefined
          : this.#clock.setTimeout(() => {
              this.#rejections++;
              cancel(new BulkheadFullError(this.name, 'queue-timeout', { timeoutMs }));
            }, timeoutMs);
      const cleanup = (): void => {
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        settled: false,
        grant: (permit) => {
          waiter.settled = true;
          this.#queued--;
          cleanup();
          resolve(permit);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#queued++;
    });
  }

  /** Runs `fn` holding a permit; the permit is released however `fn` ends. */
  async execute<T>(fn: (signal: AbortSignal | undefined) => Promise<T> | T, options: BulkheadAcquireOptions = {}): Promise<T> {
    const permit = await this.acquire(options);
    try {
      return await fn(options.signal);
    } finally {
      permit.release();
    }
  }

  /** Changes limits (validated first). Raising `maxConcurrent` admits waiters at once; lowering it lets running calls finish. */
  configure(partial: BulkheadOptions): void {
    this.#options = resolveBulkheadOptions(partial, this.#options);
    this.#drain();
  }

  /** Throws exactly when `configure(partial)` would. */
  checkOptions(partial: BulkheadOptions): void {
    resolveBulkheadOptions(partial, this.#options);
  }

  #permit(): Permit {
    return new BulkheadPermit(this);
  }

  /** @internal Called once per permit by `BulkheadPermit.release`. */
  [RELEASE](): void {
    this.#active--;
    this.#drain();
  }

  #drain(): void {
    while (this.#active < this.#options.maxConcurrent) {
      const w = this.#waiters.shift();
      if (w === undefined) return;
      if (w.settled) continue;
      this.#active++;
      w.grant(this.#permit());
    }
  }
}

/** Creates a {@link Bulkhead}. */
export function createBulkhead(options: BulkheadOptions & { name?: string; clock?: Clock } = {}): Bulkhead {
  const { name, clock, ...rest } = options;
  return new Bulkhead(name, rest, clock);
}

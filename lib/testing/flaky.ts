/**
 * A generic flaky wrapper for any async function: a transport call, a NATS publish, a
 * database write. Fails a seeded share of calls and can add latency on a given clock.
 */
import { sleep, systemClock, type Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import { checkTestingKeys, InjectedFailure, TestingOptionError } from './errors.ts';
import { DEFAULT_SEED, createSeededRandom } from './random.ts';

/** Options for {@link createFlaky}. */
export interface FlakyOptions {
  /** Share of calls that fail, 0..1. */
  failShare: number;
  /** Seed of the random choices (the same seed, the same calls fail). @defaultValue {@link DEFAULT_SEED} */
  seed?: number;
  /**
   * Latency added to every call, in ms of `clock`.
   * @defaultValue 0
   */
  delayMs?: number;
  /** The source of time. @defaultValue the system clock (pass a VirtualClock in tests) */
  clock?: Clock;
  /**
   * When a failing call fails: `'before'` the wrapped function runs (the request was lost),
   * or `'after'` it ran (the reply was lost: the effect happened, the caller sees an error,
   * which is what exercises deduplication on retry).
   * @defaultValue `'before'`
   */
  failWhen?: 'before' | 'after';
  /** What a failing call throws. @defaultValue a new {@link InjectedFailure} */
  error?: (call: number) => Error;
}

/** The keys of {@link FlakyOptions} (a compile error until a new option is listed). */
export const FLAKY_OPTION_KEYS = optionKeys<FlakyOptions>()(['failShare', 'seed', 'delayMs', 'clock', 'failWhen', 'error']);

/** Counters of a {@link createFlaky} wrapper. */
export interface FlakyStats {
  /** Calls made. */
  readonly calls: number;
  /** Calls that failed on purpose. */
  readonly injected: number;
  /** Calls that returned normally. */
  readonly successes: number;
}

/** The wrapped function, with its counters. */
export type Flaky<T> = T & FlakyStats;

/** Any async function (what {@link createFlaky} wraps). */
// The constraint needs `any`: `unknown[]` parameters would reject every concrete signature.
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AsyncFn = (...args: any[]) => Promise<any>;

/**
 * Wraps `fn` so that a seeded `failShare` of its calls throw, optionally after a delay.
 * The wrapper has the same type as `fn` and keeps `this`.
 *
 * @example
 * ```ts
 * const publish = createFlaky(js.publish.bind(js), { failShare: 0.3, seed: 7, delayMs: 5, clock });
 * ```
 * @throws {@link TestingOptionError} for an invalid option.
 */
export function createFlaky<T extends AsyncFn>(fn: T, options: FlakyOptions): Flaky<T> {
  if (typeof fn !== 'function') throw new TestingOptionError('fn', 'must be a function', fn);
  checkTestingKeys('', options, FLAKY_OPTION_KEYS);
  const { failShare } = options;
  if (typeof failShare !== 'number' || !(failShare >= 0 && failShare <= 1)) {
    throw new TestingOptionError('failShare', 'must be a number in 0..1', failShare);
  }
  const delayMs = options.delayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new TestingOptionError('delayMs', 'must be a finite number >= 0', delayMs);
  const failWhen = options.failWhen ?? 'before';
  if (failWhen !== 'before' && failWhen !== 'after') throw new TestingOptionError('failWhen', "must be 'before' or 'after'", failWhen);
  const clock = options.clock ?? systemClock;
  const random = createSeededRandom(options.seed ?? DEFAULT_SEED);
  const makeError = options.error ?? ((call: number) => new InjectedFailure(`flaky: injected failure on call ${call}`, { call }));
  const stats = { calls: 0, injected: 0, successes: 0 };

  const wrapper = async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const call = ++stats.calls;
    // Draw before any await so that the failure sequence does not depend on interleaving.
    const fails = random() < failShare;
    if (delayMs > 0) await sleep(clock, delayMs);
    if (fails && failWhen === 'before') {
      stats.injected++;
      throw makeError(call);
    }
    const result: unknown = await fn.apply(this, args);
    if (fails) {
      stats.injected++;
      throw makeError(call);
    }
    stats.successes++;
    return result;
  };
  for (const k of ['calls', 'injected', 'successes'] as const) {
    Object.defineProperty(wrapper, k, { get: () => stats[k], enumerable: true });
  }
  return wrapper as unknown as Flaky<T>;
}

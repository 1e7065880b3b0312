/**
 * A node handler that fails on a schedule: every nth call, a seeded share of calls, a burst
 * of consecutive calls, or by a predicate. Failures are deterministic, so a failing test
 * replays exactly.
 */
import type { HandlerContext } from '../node/handler-context.ts';
import type { Signal } from '../signal/signal.ts';
import { optionKeys } from '../util/known-keys.ts';
import { checkTestingKeys, InjectedFailure, TestingOptionError } from './errors.ts';
import { countingHandler, type FakeHandler, type HandlerContextLike, type InnerHandler } from './handler-types.ts';
import { DEFAULT_SEED, createSeededRandom } from './random.ts';

/** Options for {@link createFailingHandler}. With no schedule at all, every call fails. */
export interface FailingHandlerOptions<S, C> {
  /** Fail every nth call (calls n, 2n, 3n, …). */
  every?: number;
  /** Fail this share of calls, 0..1, drawn from a PRNG seeded with `seed`. */
  share?: number;
  /** Seed of the random choices (the same seed, the same calls fail). @defaultValue {@link DEFAULT_SEED} */
  seed?: number;
  /** Fail `count` consecutive calls starting at call number `from` (1-based). */
  burst?: {
    /** The first call that fails (1-based). */
    from: number;
    /** How many calls in a row fail. */
    count: number;
  };
  /** Fail when this returns true (e.g. based on the payload). */
  when?: (signal: S, call: number) => boolean;
  /**
   * The error to throw.
   * @defaultValue a new {@link InjectedFailure} naming the call number
   */
  error?: (call: number, signal: S) => Error;
  /** Runs on the calls that do not fail; its errors count as failures too. */
  inner?: InnerHandler<S, C>;
}

/** The keys of {@link FailingHandlerOptions} (a compile error until a new option is listed). */
export const FAILING_HANDLER_OPTION_KEYS = optionKeys<FailingHandlerOptions<unknown, unknown>>()(['every', 'share', 'seed', 'burst', 'when', 'error', 'inner']);
const BURST_KEYS = optionKeys<NonNullable<FailingHandlerOptions<unknown, unknown>['burst']>>()(['from', 'count']);

/** Rejects schedules that would silently never (or always) fire. */
function validate<S, C>(o: FailingHandlerOptions<S, C>): void {
  checkTestingKeys('', o, FAILING_HANDLER_OPTION_KEYS);
  checkTestingKeys('burst', o.burst, BURST_KEYS);
  if (o.every !== undefined && (!Number.isInteger(o.every) || o.every < 1)) {
    throw new TestingOptionError('every', 'must be an integer >= 1', o.every);
  }
  if (o.share !== undefined && !(o.share >= 0 && o.share <= 1)) {
    throw new TestingOptionError('share', 'must be a number in 0..1', o.share);
  }
  if (o.burst !== undefined) {
    const { from, count } = o.burst;
    if (!Number.isInteger(from) || from < 1) throw new TestingOptionError('burst.from', 'must be an integer >= 1 (calls count from 1)', from);
    if (!Number.isInteger(count) || count < 0) throw new TestingOptionError('burst.count', 'must be an integer >= 0', count);
  }
}

/**
 * Returns a handler that fails on the given schedule (any rule that says "fail" wins) and
 * counts its calls. The `share` PRNG is drawn once per call whatever the other rules say,
 * so adding `every` or `burst` does not shift which calls the share picks.
 *
 * @example
 * ```ts
 * const handle = createFailingHandler({ every: 3, inner: async (s, ctx) => ctx.emit('sink', s) });
 * net.node('worker', { handle, retry: { maxAttempts: 3, baseDelayMs: 10 } });
 * // ... later: expect(handle.failures).to.equal(…)
 * ```
 * @throws {@link TestingOptionError} for an invalid schedule.
 */
export function createFailingHandler<S = Signal, C extends HandlerContextLike = HandlerContext>(options: FailingHandlerOptions<S, C> = {}): FakeHandler<S, C> {
  validate(options);
  const { every, share, burst, when, inner } = options;
  const seed = options.seed ?? DEFAULT_SEED;
  let random = createSeededRandom(seed);
  const always = every === undefined && share === undefined && burst === undefined && when === undefined;
  const makeError = options.error ?? ((call: number) => new InjectedFailure(`injected failure on call ${call}`, { call }));

  return countingHandler<S, C>(
    async (signal, ctx, call) => {
      const drawn = share === undefined ? false : random() < share;
      const fails = always || drawn || (every !== undefined && call % every === 0) || (burst !== undefined && call >= burst.from && call < burst.from + burst.count) || (when?.(signal, call) ?? false);
      if (fails) throw makeError(call, signal);
      if (inner !== undefined) await inner(signal, ctx);
    },
    () => {
      random = createSeededRandom(seed);
    },
  );
}

/**
 * The handler shape the fakes produce. Structural, so the fakes fit `net.node(..., { handle })`
 * without importing the node module (keeps `plexus/testing` a leaf over the runtime).
 */

/**
 * The part of a node's handler context the fakes use: the abort signal of the attempt
 * (`HandlerContext.abortSignal`; note `ctx.signal` is the signal being handled, not this).
 */
export interface HandlerContextLike {
  /** Aborted when the attempt times out or the network is forced to shut down. */
  readonly abortSignal?: AbortSignal | undefined;
}

/** A handler a fake can wrap: whatever it returns (or the promise it settles) is awaited. */
export type InnerHandler<S, C> = (signal: S, ctx: C) => unknown;

/** Counters every fake handler keeps. */
export interface HandlerStats {
  /** Times the handler was called. */
  readonly calls: number;
  /** Calls that ended in an error (injected, from `inner`, or an abort). */
  readonly failures: number;
  /** Calls that completed. */
  readonly successes: number;
  /** Calls started and not yet settled. */
  readonly active: number;
}

/** A node handler with counters attached. */
export interface FakeHandler<S, C> extends HandlerStats {
  (signal: S, ctx: C): Promise<void>;
  /** Sets every counter back to zero (schedules restart from call 1). */
  reset(): void;
}

/** Mutable counters behind {@link HandlerStats}. */
export interface Counters {
  calls: number;
  failures: number;
  successes: number;
  active: number;
}

/**
 * Attaches live counters to `fn` and wraps it so that they are kept for every call.
 * `body` receives the 1-based call number.
 */
export function countingHandler<S, C>(body: (signal: S, ctx: C, call: number) => Promise<void>, onReset: () => void = () => {}): FakeHandler<S, C> {
  const c: Counters = { calls: 0, failures: 0, successes: 0, active: 0 };
  const handler = async (signal: S, ctx: C): Promise<void> => {
    const call = ++c.calls;
    c.active++;
    try {
      await body(signal, ctx, call);
      c.successes++;
    } catch (err) {
      c.failures++;
      throw err;
    } finally {
      c.active--;
    }
  };
  const get = (k: keyof Counters) => ({ get: () => c[k], enumerable: true });
  Object.defineProperties(handler, {
    calls: get('calls'),
    failures: get('failures'),
    successes: get('successes'),
    active: get('active'),
    reset: {
      value: () => {
        c.calls = c.failures = c.successes = 0;
        onReset();
      },
    },
  });
  return handler as FakeHandler<S, C>;
}

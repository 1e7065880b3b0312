/**
 * Time, injected. Every timer and timestamp in Plexus goes through a {@link Clock} so that
 * tests can run a whole network on virtual time (see `plexus/testing`).
 */

// perf_hooks' object, not the global: `globalThis.performance` is an accessor, a getter call on
// every read, twice per signal. sinon's fake timers patch `now` on this very
// object as well as on the global, so tests on fake timers still see fake time through it.
import { performance } from 'node:perf_hooks';

/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** The source of time for a network and everything inside it. */
export interface Clock {
  /** Milliseconds since the Unix epoch (wall time: used for timestamps and windows). */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; safe to call with a handle that already fired or was cleared. */
  clearTimeout(handle: TimerHandle): void;
}

// Read once: it is a getter too, and the hot path reads the time twice per signal.
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The real clock: wall time with sub-millisecond precision
 * (`performance.timeOrigin + performance.now()`, as cheap as `Date.now()`) and Node's timers.
 * Timers keep the process alive on purpose: a retry waiting on one is work that must not be lost to an early exit.
 */
export const systemClock: Clock = {
  now: () => TIME_ORIGIN + performance.now(),
  setTimeout(fn, ms) {
    return setTimeout(fn, ms);
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** Waits `ms` on the given clock. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const h = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clock.clearTimeout(h);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Lets the process exit while only this timer waits: for timers that hold no work of their own
 * (periodic checks and publishes, expiries). Node's timers have `unref`; a virtual clock's
 * handles have not and need not.
 */
export function unrefTimer(handle: TimerHandle): TimerHandle {
  (handle as { unref?: () => void } | null)?.unref?.();
  return handle;
}

/** A task repeated on a clock (see {@link repeatOnClock}). */
export interface Repeating {
  /** Stops it: no run after this call. Safe to call twice. */
  stop(): void;
}

/**
 * Runs `tick` every `intervalMs` on `clock` (the first run one interval from now) until `stop()`.
 * Each run is scheduled once the one before has finished; the timers do not keep the process alive.
 */
export function repeatOnClock(clock: Clock, intervalMs: number, tick: () => void): Repeating {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const schedule = (): void => {
    timer = unrefTimer(
      clock.setTimeout(() => {
        timer = undefined;
        if (stopped) return;
        tick();
        if (!stopped) schedule();
      }, intervalMs),
    );
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

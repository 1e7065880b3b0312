import type { Clock, TimerHandle } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import { checkTestingKeys } from './errors.ts';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Options for {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Start time in ms since the epoch.
   * @defaultValue `Date.UTC(2026, 0, 1)`
   */
  start?: number;
}

/** The keys of {@link VirtualClockOptions} (a compile error until a new option is listed). */
export const VIRTUAL_CLOCK_OPTION_KEYS = optionKeys<VirtualClockOptions>()(['start']);

/** Start time used when none is given, fixed so that runs are reproducible. */
export const DEFAULT_VIRTUAL_START = Date.UTC(2026, 0, 1);

/**
 * A {@link Clock} that only moves when told to. Timers fire in due order (ties in creation order).
 * `advance()` flushes pending promise callbacks between timers, so async handlers, retries and
 * breakers driven by it behave as they would on real time, only instantly and deterministically.
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  // Kept sorted by (due, id); timer counts in tests are small, so insertion sort is fine.
  #timers: Timer[] = [];

  constructor(options: VirtualClockOptions = {}) {
    checkTestingKeys('', options, VIRTUAL_CLOCK_OPTION_KEYS);
    this.#now = options.start ?? DEFAULT_VIRTUAL_START;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: ++this.#seq, due: this.#now + Math.max(0, ms), fn };
    let i = this.#timers.length;
    while (i > 0 && this.#timers[i - 1]!.due > timer.due) i--;
    this.#timers.splice(i, 0, timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    const i = this.#timers.findIndex((t) => t.id === handle);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** Number of timers waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Time of the next timer, or `undefined` when none is pending. */
  nextDue(): number | undefined {
    return this.#timers[0]?.due;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, each at its own
   * time, and letting promise callbacks settle after each one.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    const until = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.#timers[0];
      if (next === undefined || next.due > until) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.due);
      next.fn();
      await flushMicrotasks();
    }
    this.#now = until;
    await flushMicrotasks();
  }

  /** Fires timers until none is left (or `maxTimers` have fired, to stop runaway loops). */
  async runAll(maxTimers = 100_000): Promise<void> {
    await flushMicrotasks();
    for (let n = 0; n < maxTimers; n++) {
      const next = this.#timers.shift();
      if (next === undefined) return;
      this.#now = Math.max(this.#now, next.due);
      next.fn();
      await flushMicrotasks();
    }
    throw new Error(`runAll: still timers after ${maxTimers} fired (a timer keeps rescheduling itself?)`);
  }
}

// Captured at load so that sinon's fake timers (which replace the global) cannot stall a flush.
const realSetImmediate = globalThis.setImmediate;

/**
 * Lets every queued promise callback run, however deep the chain: waits one real turn of the
 * event loop (no time passes on any clock, real or virtual, beyond that turn).
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

import type { SignalEvents } from './signal-events.ts';

/** A node's flow-control level: below the warning mark, at or above it, at or above the reject mark. */
export type PressureLevel = 'normal' | 'warning' | 'critical';

/**
 * Producer-side flow control of one node: the warning and reject marks in signals (from the
 * capacity and the `warnAt` / `rejectAt` shares), and the level, with a `pressure` event on each
 * change. The node compares its load with the marks itself on the hot path (two field reads);
 * this is called only near or past the warning mark, and when a node under pressure drains.
 */
export class FlowControl {
  /** Load (queued + in flight) from which the level is `warning`. */
  readonly warnLoad: number;
  /** Load from which new signals are refused with `backpressure`. */
  readonly rejectLoad: number;
  readonly #capacity: number;
  readonly #events: SignalEvents;
  #level: PressureLevel = 'normal';

  constructor(capacity: number, warnAt: number, rejectAt: number, events: SignalEvents) {
    this.warnLoad = Math.ceil(capacity * warnAt);
    this.rejectLoad = Math.ceil(capacity * rejectAt);
    this.#capacity = capacity;
    this.#events = events;
  }

  get level(): PressureLevel {
    return this.#level;
  }

  /** Sets the level that `load` calls for. */
  check(load: number, now: number): void {
    this.set(load >= this.rejectLoad ? 'critical' : load >= this.warnLoad ? 'warning' : 'normal', load, now);
  }

  /** Sets the level; emits a `pressure` event when it changes. */
  set(level: PressureLevel, load: number, now: number): void {
    if (level === this.#level) return;
    this.#level = level;
    this.#events.pressure(level, load / this.#capacity, now);
  }
}

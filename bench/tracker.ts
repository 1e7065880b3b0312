/** Counts completions at the sink, lets the producer wait for them, and records latency. */
import { build } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { Payload } from './types.ts';

const TRUE = Promise.resolve(true);

export function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

export class Tracker {
  sink = 0;
  completed = 0;
  /** When set, latency (µs) of completions whose t0 ≥ recordFrom is recorded. */
  hist: Histogram | undefined;
  recordFrom = 0;
  private target = Infinity;
  private wake: ((ok: boolean) => void) | undefined;

  /** The shared sink handler body: `sink += payload.n`, plus bookkeeping. */
  done(p: Payload): void {
    this.sink += p.n;
    if (this.hist !== undefined && p.t0 >= this.recordFrom) {
      this.hist.recordValue(Math.round((performance.now() - p.t0) * 1000));
    }
    if (++this.completed >= this.target) this.fire(true);
  }

  /** Resolves true once `count` completions have been seen, false if aborted. */
  until(count: number): Promise<boolean> {
    if (this.completed >= count) return TRUE;
    this.target = count;
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  abort(): void {
    this.fire(false);
  }

  private fire(ok: boolean): void {
    const w = this.wake;
    this.wake = undefined;
    this.target = Infinity;
    w?.(ok);
  }
}

/**
 * A node's samples over a sliding window of time: its counters as they stood at each sampling
 * (they only grow), and its depth. The forecast reads rates from their differences; nothing is
 * counted per signal for it.
 */

/** A node's counters and depth at one sampling. */
export interface ForecastSample {
  /** Clock time of the sampling (ms). */
  readonly at: number;
  /** Signals accepted since start. */
  readonly accepted: number;
  /** Signals ended since start (completed or dead-lettered). */
  readonly ended: number;
  /** Handler attempts timed since start, and their total time (ms): 0 with per-node metrics off. */
  readonly handled: number;
  readonly handleMsSum: number;
  /** Signals waiting in the mailbox. */
  readonly queued: number;
  /** Signals being handled. */
  readonly inFlight: number;
}

/** The samples of one node within the last `windowMs`. */
export class SampleWindow {
  readonly windowMs: number;
  readonly #samples: ForecastSample[] = [];

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** Adds a sample and drops those older than the window (the samples keep their time order). */
  add(sample: ForecastSample): void {
    const samples = this.#samples;
    samples.push(sample);
    let old = 0;
    while (old < samples.length - 1 && samples[old]!.at < sample.at - this.windowMs) old++;
    // Once per sampling, not per signal: a splice of a few entries is nothing here.
    if (old > 0) samples.splice(0, old);
  }

  /** The samples in the window, oldest first. */
  get samples(): readonly ForecastSample[] {
    return this.#samples;
  }
}

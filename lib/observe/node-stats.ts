import { LatencyBuckets } from './latency-buckets.ts';

/**
 * Per-node counters, kept as plain fields so the hot path pays an add, not a prom-client call;
 * the metrics registry and `network.stats()` read them when asked.
 */
export class NodeStats {
  accepted = 0;
  duplicate = 0;
  rejected = 0;
  rejectedBackpressure = 0;
  started = 0;
  completed = 0;
  /** Attempts that failed (a signal retried twice then completed counts 2 here). */
  failedAttempts = 0;
  retried = 0;
  deadLettered = 0;
  inFlight = 0;
  /** Times a signal had to wait for a rate-limit permit. */
  throttled = 0;
  readonly handleMs = new LatencyBuckets();
  readonly waitMs = new LatencyBuckets();

  // One-second rate window, rolled on completion and on read.
  #windowStart = 0;
  #windowCompleted = 0;
  #windowFailed = 0;
  #throughput = 0;
  #errorRate = 0;

  /** Counts an outcome into the current one-second window. */
  tick(now: number, failed: boolean): void {
    if (now - this.#windowStart >= 1000) this.#roll(now);
    if (failed) this.#windowFailed++;
    else this.#windowCompleted++;
  }

  /** Completed signals per second over the last full second. */
  throughput(now: number): number {
    if (now - this.#windowStart >= 1000) this.#roll(now);
    return this.#throughput;
  }

  /** Share of failed attempts (0..1) over the last full second. */
  errorRate(now: number): number {
    if (now - this.#windowStart >= 1000) this.#roll(now);
    return this.#errorRate;
  }

  #roll(now: number): void {
    const elapsed = now - this.#windowStart;
    // A window that ended long ago says nothing about the last second.
    if (elapsed < 2000) {
      this.#throughput = (this.#windowCompleted * 1000) / elapsed;
      const total = this.#windowCompleted + this.#windowFailed;
      this.#errorRate = total === 0 ? 0 : this.#windowFailed / total;
    } else {
      this.#throughput = 0;
      this.#errorRate = 0;
    }
    this.#windowStart = now;
    this.#windowCompleted = 0;
    this.#windowFailed = 0;
  }
}

/**
 * Upper bounds (ms) of the latency histogram buckets, Prometheus style (`le`).
 * @defaultValue 0.05 ms … 10 s
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/**
 * A fixed-bucket histogram kept in a typed array: observing is a short scan and two adds, with
 * no allocation, so it can sit on the hot path; prom-client reads it at scrape time.
 */
export class LatencyBuckets {
  /** counts[i] = observations ≤ LATENCY_BUCKETS_MS[i] and > the bound before (not cumulative). */
  readonly counts = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  sum = 0;
  count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
    this.counts[i]!++;
    this.sum += ms;
    this.count++;
  }

  /** Cumulative counts per bound, then +Inf, as Prometheus wants them. */
  cumulative(): number[] {
    const out: number[] = [];
    let acc = 0;
    for (const c of this.counts) out.push((acc += c));
    return out;
  }
}

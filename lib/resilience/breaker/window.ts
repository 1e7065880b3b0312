/**
 * The error-rate sliding window: a fixed ring of time buckets. Recording is O(1) and allocates
 * nothing (typed arrays sized once); reading the rate is O(buckets), done only on failures.
 */
import type { ResolvedErrorRate } from './options.ts';
import type { BreakerWindowBucket } from './types.ts';

/** Counts calls and failures over the last `windowMs`, at `windowMs / buckets` resolution. */
export class BucketWindow {
  readonly #bucketMs: number;
  readonly #bucketCount: number;
  // Which absolute bucket number (floor(time / bucketMs)) each slot currently holds.
  readonly #epoch: Float64Array;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;

  constructor(settings: Pick<ResolvedErrorRate, 'windowMs' | 'buckets'>) {
    this.#bucketCount = settings.buckets;
    this.#bucketMs = settings.windowMs / settings.buckets;
    this.#epoch = new Float64Array(this.#bucketCount).fill(-1);
    this.#calls = new Uint32Array(this.#bucketCount);
    this.#failures = new Uint32Array(this.#bucketCount);
  }

  /** Records one call outcome at clock time `now`. */
  record(now: number, failed: boolean): void {
    const epoch = Math.floor(now / this.#bucketMs);
    const i = epoch % this.#bucketCount;
    if (this.#epoch[i] !== epoch) {
      // The slot held an older bucket that has left the window: recycle it.
      this.#epoch[i] = epoch;
      this.#calls[i] = 0;
      this.#failures[i] = 0;
    }
    this.#calls[i]!++;
    if (failed) this.#failures[i]!++;
  }

  /** Calls in the window ending at `now`. */
  calls(now: number): number {
    return this.#sum(now, this.#calls);
  }

  /** Failures in the window ending at `now`. */
  failures(now: number): number {
    return this.#sum(now, this.#failures);
  }

  /** True when the window has `minimumVolume` calls or more and a failure share of `threshold` or more. */
  tripped(now: number, rate: Pick<ResolvedErrorRate, 'minimumVolume' | 'threshold'>): boolean {
    const calls = this.calls(now);
    return calls >= rate.minimumVolume && this.failures(now) / calls >= rate.threshold;
  }

  /** The buckets in the window ending at `now`, oldest first, for a snapshot (empty ones left out). */
  buckets(now: number): BreakerWindowBucket[] {
    const current = Math.floor(now / this.#bucketMs);
    const out: BreakerWindowBucket[] = [];
    for (let epoch = current - this.#bucketCount + 1; epoch <= current; epoch++) {
      const i = ((epoch % this.#bucketCount) + this.#bucketCount) % this.#bucketCount;
      if (this.#epoch[i] === epoch && this.#calls[i]! > 0) out.push({ startedAt: epoch * this.#bucketMs, calls: this.#calls[i]!, failures: this.#failures[i]! });
    }
    return out;
  }

  /**
   * Adds counts recorded at clock time `at` (a snapshot's bucket; a bucket of another geometry
   * lands in the bucket of this one that holds its start). Counts older than what a slot
   * already holds are dropped: they left the window.
   */
  add(at: number, calls: number, failures: number): void {
    const epoch = Math.floor(at / this.#bucketMs);
    const i = ((epoch % this.#bucketCount) + this.#bucketCount) % this.#bucketCount;
    const held = this.#epoch[i]!;
    if (held > epoch) return;
    if (held !== epoch) {
      this.#epoch[i] = epoch;
      this.#calls[i] = 0;
      this.#failures[i] = 0;
    }
    this.#calls[i]! += calls;
    this.#failures[i]! += failures;
  }

  /** Empties the window. */
  clear(): void {
    this.#epoch.fill(-1);
    this.#calls.fill(0);
    this.#failures.fill(0);
  }

  #sum(now: number, counts: Uint32Array): number {
    const current = Math.floor(now / this.#bucketMs);
    let total = 0;
    for (let i = 0; i < this.#bucketCount; i++) {
      const e = this.#epoch[i]!;
      if (e > current - this.#bucketCount && e <= current) total += counts[i]!;
    }
    return total;
  }
}

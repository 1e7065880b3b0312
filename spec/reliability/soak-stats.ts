/**
 * The arithmetic of the soak run, kept apart from the script so that it can be tested: a
 * least-squares slope (is the heap still growing?) and a percentile of a latency sample.
 */

/** One heap reading: minutes since start and MiB used (after a GC when one can be forced). */
export interface HeapSample {
  readonly minutes: number;
  readonly mib: number;
}

/**
 * Growth (MiB per minute) above which the second half of a soak run counts as a leak.
 * A steady-state network should be flat once warm; real leaks at soak load grow by tens of
 * MiB a minute, while GC noise on a forced-GC sample stays well under this.
 * @defaultValue 8
 */
export const DEFAULT_MAX_SLOPE_MIB_PER_MIN = 8;

/**
 * Growth over the second half that is ignored whatever the slope, so that a very short run
 * (`--minutes 0.2`) is not failed by a few MiB of noise extrapolated to a steep slope.
 * @defaultValue 4
 */
export const DEFAULT_MIN_GROWTH_MIB = 4;

/** Least-squares slope of `mib` over `minutes`; 0 with fewer than two distinct times. */
export function slope(samples: readonly HeapSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const s of samples) {
    sx += s.minutes;
    sy += s.mib;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.minutes - mx) * (s.mib - my);
    den += (s.minutes - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The verdict on a run's heap. */
export interface HeapVerdict {
  readonly leaking: boolean;
  /** Slope over the second half, MiB per minute. */
  readonly slopeMibPerMin: number;
  /** Fitted growth over the second half, MiB. */
  readonly growthMib: number;
}

/**
 * Judges the second half of the samples (the first half is warm-up: JIT, pools, windows
 * filling to their caps). Leaking = slope above `maxSlope` AND fitted growth above `minGrowth`.
 */
export function judgeHeap(samples: readonly HeapSample[], maxSlope = DEFAULT_MAX_SLOPE_MIB_PER_MIN, minGrowth = DEFAULT_MIN_GROWTH_MIB): HeapVerdict {
  const half = samples.slice(Math.floor(samples.length / 2));
  const s = slope(half);
  const span = half.length < 2 ? 0 : half[half.length - 1]!.minutes - half[0]!.minutes;
  const growth = s * span;
  return { leaking: s > maxSlope && growth > minGrowth, slopeMibPerMin: s, growthMib: growth };
}

/** The p-th percentile (0..100) of `values` by nearest rank; `NaN` when empty. Sorts in place. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
  return values[rank]!;
}

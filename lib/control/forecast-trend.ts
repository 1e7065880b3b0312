/**
 * The statistics a forecast rests on, as pure functions over samples: a least-squares slope
 * (the trend of a depth over time) and a coefficient of variation (how steady a rate was).
 */

/**
 * The least-squares slope of `ys` over `xs` (units of y per unit of x); 0 with fewer than two
 * points or no spread in x. Least squares rather than first-to-last: one odd sample at either
 * end does not swing the trend.
 */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxy += dx * (ys[i]! - my);
    sxx += dx * dx;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Standard deviation over mean of `values`; 0 for fewer than two values or a mean of 0 (nothing arrived: steady). */
export function coefficientOfVariation(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  if (mean === 0) return 0;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return Math.sqrt(sq / n) / Math.abs(mean);
}

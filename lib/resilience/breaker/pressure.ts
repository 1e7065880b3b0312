/**
 * A breaker's pressure level: its failure pressure mixed with the load of what it protects.
 * Pure functions of the breaker's counters (see `CircuitBreaker.pressureLevel`).
 */
import type { ResolvedErrorRate } from './options.ts';
import type { BreakerState } from './types.ts';
import type { BucketWindow } from './window.ts';

/** Clamps to 0..1; NaN → 0. */
export function clamp01(v: number): number {
  return v > 0 ? Math.min(v, 1) : 0;
}

/**
 * Failure pressure `f`: 1 open, 0.5 half-open; closed, the larger of
 * `consecutiveFailures / failureThreshold` and (error-rate mode)
 * `(failureRate / threshold) * min(1, calls / minimumVolume)`, capped at 1.
 */
export function failurePressure(
  state: BreakerState,
  consecutiveFailures: number,
  failureThreshold: number,
  errorRate: ResolvedErrorRate | undefined,
  window: BucketWindow | undefined,
  now: number,
): number {
  if (state === 'open') return 1;
  if (state === 'half-open') return 0.5;
  let f = consecutiveFailures / failureThreshold;
  if (errorRate !== undefined && window !== undefined) {
    const calls = window.calls(now);
    if (calls > 0) f = Math.max(f, (window.failures(now) / calls / errorRate.threshold) * Math.min(1, calls / errorRate.minimumVolume));
  }
  return clamp01(f);
}

/** `1 - (1 - f) * (1 - load)`: a probabilistic "or" of failure pressure and `loadProvider()` (0 without one, or when it throws). */
export function mixPressure(failure: number, loadProvider: (() => number) | undefined): number {
  let load = 0;
  if (loadProvider !== undefined) {
    try {
      load = clamp01(loadProvider());
    } catch {
      load = 0; // a broken load probe must not break the breaker
    }
  }
  return 1 - (1 - failure) * (1 - load);
}

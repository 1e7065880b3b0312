import type { NodeStats } from '../observe/node-stats.ts';
import type { CombinedRateLimiter } from '../resilience/rate/combined.ts';
import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import type { SignalEvents } from './signal-events.ts';
import type { Worker } from './worker.ts';

/**
 * Takes a rate-limit permit for the worker's signal (keyed by header `keyHeader` when set), or
 * parks the worker until one is due: the worker's `resume` runs then. The partition stays
 * claimed meanwhile, so per-key order holds while the signal waits for its permit.
 */
export function admitRate(limiter: CombinedRateLimiter, keyHeader: string | undefined, worker: Worker, signal: Signal, clock: Clock, stats: NodeStats, events: SignalEvents): boolean {
  const decision = limiter.tryAcquire(1, keyHeader === undefined ? undefined : signal.headers[keyHeader]);
  if (decision.allowed) return true;
  stats.throttled++;
  events.throttled(signal, worker.partition, decision.retryAfterMs, clock.now());
  worker.timer = clock.setTimeout(worker.resume, Math.max(1, decision.retryAfterMs));
  return false;
}

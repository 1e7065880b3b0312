/**
 * The checks every network has: one per node, the event loop, memory, and the journal and the
 * transport when present. Each status rule is a pure function of its readings (tested as such);
 * the `*Check` builders bind them to their sources.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { BreakerState } from '../resilience/breaker/types.ts';
import { RUNBOOK } from '../util/runbook.ts';
import { EVENT_LOOP_DEGRADED_MS, EVENT_LOOP_UNHEALTHY_MS, HEAP_DEGRADED_RATIO, HEAP_UNHEALTHY_RATIO, NODE_ERROR_RATE_DEGRADED, NODE_FILL_DEGRADED, NODE_FILL_UNHEALTHY } from './health-options.ts';
import { isThenable } from '../util/thenable.ts';
import type { HealthCheck, HealthCheckResult } from './health-types.ts';

/** What the node check reads of a node. */
export interface NodeReadings {
  /** Mailbox fill, 0..1 (queued + in flight over capacity). */
  readonly fill: number;
  /** The breaker's state (`undefined` without a breaker). */
  readonly breaker: BreakerState | undefined;
  /** Share of failed attempts since the previous check. */
  readonly errorRate: number;
}

/**
 * A node's status: `unhealthy` when its breaker is open or its mailbox fill ≥
 * {@link NODE_FILL_UNHEALTHY}; `degraded` when the breaker is half-open, the fill ≥
 * {@link NODE_FILL_DEGRADED} or the error rate > {@link NODE_ERROR_RATE_DEGRADED}; else `healthy`.
 * The runbook entry is the first cause in that order (breaker, fill, error rate).
 */
export function nodeHealth(r: NodeReadings): HealthCheckResult {
  const details = { fill: r.fill, breaker: r.breaker, errorRate: r.errorRate };
  const breaker = r.breaker === 'open' || r.breaker === 'half-open';
  const runbook = breaker ? RUNBOOK.breakerOpen : r.fill >= NODE_FILL_DEGRADED ? RUNBOOK.backpressure : RUNBOOK.alertNodeErrorRate;
  if (r.breaker === 'open' || r.fill >= NODE_FILL_UNHEALTHY) return { status: 'unhealthy', details, runbook };
  if (breaker || r.fill >= NODE_FILL_DEGRADED || r.errorRate > NODE_ERROR_RATE_DEGRADED) return { status: 'degraded', details, runbook };
  return { status: 'healthy', details };
}

/** The event loop's status: `unhealthy` past {@link EVENT_LOOP_UNHEALTHY_MS} of lag, `degraded` past {@link EVENT_LOOP_DEGRADED_MS}. */
export function eventLoopHealth(lagMs: number): HealthCheckResult {
  const details = { lagMs };
  if (lagMs > EVENT_LOOP_UNHEALTHY_MS) return { status: 'unhealthy', details, runbook: RUNBOOK.slowHandling };
  if (lagMs > EVENT_LOOP_DEGRADED_MS) return { status: 'degraded', details, runbook: RUNBOOK.slowHandling };
  return { status: 'healthy', details };
}

/** Memory's status: heap over limit past {@link HEAP_UNHEALTHY_RATIO} is `unhealthy`, past {@link HEAP_DEGRADED_RATIO} `degraded`. */
export function memoryHealth(heapUsed: number, heapLimit: number): HealthCheckResult {
  const ratio = heapUsed / heapLimit;
  const details = { heapUsed, heapLimit, ratio };
  if (ratio > HEAP_UNHEALTHY_RATIO) return { status: 'unhealthy', details, runbook: RUNBOOK.highMemory };
  if (ratio > HEAP_DEGRADED_RATIO) return { status: 'degraded', details, runbook: RUNBOOK.highMemory };
  return { status: 'healthy', details };
}

/** The node check of one node, reading it at each check. */
export function nodeCheck(read: () => NodeReadings): HealthCheck {
  return () => nodeHealth(read());
}

/**
 * The event-loop check. Without `readLagMs` it reads `perf_hooks.monitorEventLoopDelay`: the
 * 99th percentile since the previous check (the histogram is reset at each reading). Returns
 * the check and the function that stops the monitor (called at shutdown).
 */
export function eventLoopCheck(readLagMs?: () => number): { readonly check: HealthCheck; readonly stop: () => void } {
  if (readLagMs !== undefined) return { check: () => eventLoopHealth(readLagMs()), stop: () => {} };
  let histogram: ReturnType<typeof monitorEventLoopDelay> | undefined;
  const read = (): number => {
    if (histogram === undefined) {
      // Enabled at the first check (the network's start), not at construction: a network never
      // started samples nothing.
      histogram = monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
      return 0;
    }
    const lag = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6;
    histogram.reset();
    return lag;
  };
  return { check: () => eventLoopHealth(read()), stop: () => histogram?.disable() };
}

/** The memory check: heap in use (default `process.memoryUsage().heapUsed`) against a limit (default v8's `heap_size_limit`). */
export function memoryCheck(readHeapUsed?: () => number, heapLimitBytes?: number): HealthCheck {
  const read = readHeapUsed ?? ((): number => process.memoryUsage().heapUsed);
  const limit = heapLimitBytes ?? getHeapStatistics().heap_size_limit;
  return () => memoryHealth(read(), limit);
}

/** What a journal or transport may offer to say how it is (an optional `health()` method). */
export interface HealthReporting {
  health?(): HealthCheckResult | Promise<HealthCheckResult>;
}

/**
 * The journal check: the journal's own `health()` when it has one (with the journal runbook entry
 * when it is not healthy and names none); else `healthy`, with whether it is durable (a journal
 * that fails shows in its appends' errors and the dead letters).
 */
export function journalCheck(journal: HealthReporting & { readonly durable: boolean }): HealthCheck {
  const withRunbook = (r: HealthCheckResult): HealthCheckResult => (r.status === 'healthy' || r.runbook !== undefined ? r : { ...r, runbook: RUNBOOK.journalFailing });
  return () => {
    const result = journal.health?.();
    if (result === undefined) return { status: 'healthy', details: { durable: journal.durable } };
    return isThenable<HealthCheckResult>(result) ? result.then(withRunbook) : withRunbook(result);
  };
}

/** Publish counters the transport check compares from one check to the next. */
export interface TransportReadings {
  readonly publishFailed: number;
  readonly publishRefused: number;
  readonly publishPending: number;
  readonly unacked: number;
}

/**
 * The transport check: `degraded` when publishes failed for good or were refused since the
 * previous check, else `healthy`; the counters are in the details.
 */
export function transportCheck(read: () => TransportReadings): HealthCheck {
  let previous: TransportReadings | undefined;
  return () => {
    const now = read();
    const before = previous ?? now;
    previous = now;
    const details = { ...now };
    const worse = now.publishFailed > before.publishFailed || now.publishRefused > before.publishRefused;
    return worse ? { status: 'degraded', details, runbook: RUNBOOK.natsUnreachable } : { status: 'healthy', details };
  };
}

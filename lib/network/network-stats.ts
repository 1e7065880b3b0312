import type { NodeRuntime } from '../node/node-runtime.ts';

/** Queue metrics of one node, as `network.stats(node)` returns them. */
export interface NodeStatsSnapshot {
  readonly node: string;
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly capacity: number;
  /** (queued + in flight) / capacity. */
  readonly fill: number;
  readonly pressure: 'normal' | 'warning' | 'critical';
  readonly oldestAgeMs: number;
  readonly averageAgeMs: number;
  /** Completed signals per second over the last full second. */
  readonly throughput: number;
  /** Share of failed attempts over the last full second. */
  readonly errorRate: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly completed: number;
  readonly failedAttempts: number;
  readonly retried: number;
  readonly deadLettered: number;
  readonly breakerState: 'closed' | 'open' | 'half-open' | 'none';
}

/** Network-wide counts: `sent = accepted + duplicate + rejected`, and every accepted signal ends
 * completed, dead-lettered, handed back at shutdown, or is still active. */
export interface NetworkCounts {
  readonly sent: number;
  readonly accepted: number;
  readonly duplicate: number;
  readonly rejected: number;
  readonly completed: number;
  readonly deadLettered: number;
  /** Accepted and not yet ended (queued, in flight, waiting for a retry). */
  readonly active: number;
  /** Handed back unprocessed by a shutdown (see the report's `leftover`). */
  readonly handedBack: number;
  /** Dead letters and replays accepted back into nodes (not counted in `sent` or `accepted`):
   * `completed + deadLettered + handedBack + active = accepted + redelivered`. */
  readonly redelivered: number;
  /** Journal appends that failed (the signal was still handled; see `send`). */
  readonly journalErrors: number;
}

/** Reads a node's counters into a snapshot. */
export function snapshotNode(n: NodeRuntime, now: number): NodeStatsSnapshot {
  const s = n.stats;
  return {
    node: n.name,
    queueDepth: n.mailbox.queued,
    inFlight: s.inFlight,
    capacity: n.config.capacity,
    fill: n.fill,
    pressure: n.pressure,
    oldestAgeMs: n.mailbox.oldestAge(now),
    averageAgeMs: n.mailbox.averageAge(now),
    throughput: s.throughput(now),
    errorRate: s.errorRate(now),
    accepted: s.accepted,
    duplicates: s.duplicates,
    rejected: s.rejected,
    completed: s.completed,
    failedAttempts: s.failedAttempts,
    retried: s.retried,
    deadLettered: s.deadLettered,
    breakerState: n.config.breaker?.state ?? 'none',
  };
}

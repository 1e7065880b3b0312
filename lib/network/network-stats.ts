import type { NodeRuntime } from '../node/node-runtime.ts';
import { LATENCY_BUCKETS_MS } from '../observe/latency-buckets.ts';
import type { TransportCounts } from '../transport/transport.ts';

/** Queue metrics of one node, as `network.stats(node)` returns them. */
export interface NodeStatsSnapshot {
  /** The node name. */
  readonly node: string;
  /** Signals waiting in the mailbox. */
  readonly queueDepth: number;
  /** Signals being handled now. */
  readonly inFlight: number;
  /** Mailbox capacity. */
  readonly capacity: number;
  /** (queued + in flight) / capacity. */
  readonly fill: number;
  /** Pressure level: `warning` from 80% fill, `critical` (producers refused) from 95%. */
  readonly pressure: 'normal' | 'warning' | 'critical';
  /** Age of the oldest waiting signal (ms). */
  readonly oldestAgeMs: number;
  /** Average age of the waiting signals (ms). */
  readonly averageAgeMs: number;
  /** Completed signals per second over the last full second. */
  readonly throughput: number;
  /** Share of failed attempts over the last full second. */
  readonly errorRate: number;
  /** Signals accepted since start. */
  readonly accepted: number;
  /** Duplicates dropped. */
  readonly duplicate: number;
  /** Sends refused. */
  readonly rejected: number;
  /** Signals handled successfully. */
  readonly completed: number;
  /** Handler attempts that failed. */
  readonly failedAttempts: number;
  /** Retries scheduled. */
  readonly retried: number;
  /** Signals dead-lettered. */
  readonly deadLettered: number;
  /** The node breaker state, `none` without a breaker. */
  readonly breakerState: 'closed' | 'open' | 'half-open' | 'none';
  /**
   * Signals the node's breaker holds now (they wait in their partitions; `idle()` waits for
   * them). With `breakerState` `open`, `network.breaker(node).retryAfterMs` says when it tries again.
   */
  readonly held: number;
  /** Signals waiting in each partition, by partition index (they add up to `queueDepth`). */
  readonly partitionDepths: readonly number[];
  /** Handler attempt times since start (empty with per-node metrics off); a reader takes two and subtracts them for an interval's latency. */
  readonly handleMs: HandleTimeSnapshot;
}

/** Handler attempt times of a node since start: a histogram over `LATENCY_BUCKETS_MS`, as counts. */
export interface HandleTimeSnapshot {
  /** Attempts timed. */
  readonly count: number;
  /** Their total time, in ms. */
  readonly sumMs: number;
  /** Upper bounds of the buckets, in ms (the last bucket, beyond them, has none). */
  readonly boundsMs: readonly number[];
  /** Attempts per bucket (not cumulative): `counts[i]` took at most `boundsMs[i]` and more than the bound before; one more entry than bounds. */
  readonly counts: readonly number[];
}

/**
 * Network-wide counts, for accounting. Each field counts events in this process since the
 * network was created (they only grow, except `active`). Two identities hold at every moment:
 *
 * - `sent = accepted + duplicate + rejected`
 * - `completed + deadLettered + handedBack + active + forwarded = accepted + redelivered + received`
 *
 * Every accepted signal ends completed, dead-lettered, handed back at shutdown, forwarded to
 * another process (a transport's PubAck), or is still active. A signal taken in again (a DLQ
 * reprocess, a journal replay) counts once more in `redelivered` and ends once more: a signal
 * dead-lettered, reprocessed and then completed is `accepted` 1, `redelivered` 1,
 * `deadLettered` 1, `completed` 1.
 *
 * Many processes (a transport): each process counts its own side, and the counts of all
 * processes add up: once everything settled, the signals forwarded by the senders of a node
 * equal what its hosting processes ended (completed or dead-lettered) plus what they acked as
 * duplicates, less what a lost ack made them handle twice (at least once:
 * `transport.redeliveries` bounds it). See docs/transport.md and docs/operations.md.
 */
export interface NetworkCounts {
  /** `post`, `send` and `ctx.emit` calls, whatever their outcome (not DLQ reprocesses, replays or transport deliveries). */
  readonly sent: number;
  /** Taken in: into a local mailbox, or (for a remote node) into the transport's publish pipeline. */
  readonly accepted: number;
  /** Refused as duplicates: by a node's dedup window, or by the stream (a PubAck saying duplicate moves a post from `accepted` to here). */
  readonly duplicate: number;
  /** Sends refused, with a receipt saying why (backpressure, shutting down, invalid, unknown target, ...). A refused reprocess is not counted: it was not sent. */
  readonly rejected: number;
  /** Signals whose handler (or fallback, or degrade handler) succeeded, over all nodes. A reprocessed signal that completes counts here once more. */
  readonly completed: number;
  /**
   * Times a signal went to the dead letter queue (retries used up, invalid payload, unsupported
   * version, failed publish, ...). Counts dead-letterings, not entries held: a reprocess takes an
   * entry out of `dlq` without lowering it, a signal dead-lettered again counts again, and an
   * entry pushed out of a full queue stays counted (see `dlq.overflowed`).
   */
  readonly deadLettered: number;
  /** Accepted and not yet ended (queued, in flight, waiting for a retry, or awaiting its PubAck). The one count that goes down. */
  readonly active: number;
  /** Handed back unprocessed by a shutdown (see the report's `leftover`). */
  readonly handedBack: number;
  /** Dead letters (`dlq.reprocess`) and journal replays (recovery at `start`, `replay`) accepted back into nodes; not counted in `sent` or `accepted`. */
  readonly redelivered: number;
  /** Journal appends that failed (the signal was still handled; see `send`). Outside the identities. */
  readonly journalErrors: number;
  /** Signals for remote nodes that the transport stored (PubAck): they left this process. 0 without a transport. */
  readonly forwarded: number;
  /** Signals a transport brought in from other processes and a local node accepted (redeliveries included). 0 without a transport. */
  readonly received: number;
  /** Errors thrown by subscribers of `events$`, caught (each also a `subscriber-error` event). Outside the identities. */
  readonly subscriberErrors: number;
  /** The transport's own counters, when the network has one. */
  readonly transport: TransportCounts | undefined;
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
    duplicate: s.duplicate,
    rejected: s.rejected,
    completed: s.completed,
    failedAttempts: s.failedAttempts,
    retried: s.retried,
    deadLettered: s.deadLettered,
    breakerState: n.config.breaker?.state ?? 'none',
    held: n.held,
    partitionDepths: Array.from({ length: n.mailbox.partitions }, (_, p) => n.mailbox.depthOf(p)),
    handleMs: { count: s.handleMs.count, sumMs: s.handleMs.sum, boundsMs: LATENCY_BUCKETS_MS, counts: Array.from(s.handleMs.counts) },
  };
}

/**
 * The last minutes of a served network, one sample a second: each node's throughput and handling
 * time (mean and 95th percentile over that second), and the network's. The dashboard's charts
 * read it (`GET /api/history`), so a page opened late still shows the minutes before it. It reads
 * `network.stats` once a second, nothing per signal.
 */
import type { HandleTimeSnapshot, NodeStatsSnapshot } from '../network/network-stats.ts';
import type { Network } from '../network/network.ts';
import { repeatOnClock, type Repeating } from '../util/clock.ts';

/** Time between samples. */
export const HISTORY_INTERVAL_MS = 1_000;

/** How far back the history goes: five minutes. */
export const HISTORY_KEEP_MS = 5 * 60_000;

/** Handling times over one interval, in ms; `null` when nothing was handled in it. */
export interface IntervalLatency {
  readonly meanMs: number;
  readonly p95Ms: number;
}

/** One sample: at a clock time, each node's and the whole network's figures over the interval before. */
export interface HistorySample {
  readonly at: number;
  /** By node name: signals completed per second, and the handling times. */
  readonly nodes: Readonly<Record<string, { readonly throughput: number; readonly latency: IntervalLatency | null }>>;
  /** Every node's handling times together. */
  readonly latency: IntervalLatency | null;
}

/**
 * Mean and 95th percentile of the handling times between two readings of a histogram, the
 * percentile interpolated inside its bucket; `null` when no attempt ended between them.
 */
export function intervalLatency(before: HandleTimeSnapshot, after: HandleTimeSnapshot): IntervalLatency | null {
  const count = after.count - before.count;
  if (count <= 0) return null;
  const meanMs = (after.sumMs - before.sumMs) / count;
  const target = count * 0.95;
  let seen = 0;
  for (let i = 0; i < after.counts.length; i++) {
    const inBucket = after.counts[i]! - (before.counts[i] ?? 0);
    if (inBucket > 0 && seen + inBucket >= target) {
      const low = i === 0 ? 0 : after.boundsMs[i - 1]!;
      // The last bucket has no upper bound: its lower bound is the best the histogram can say.
      const high = after.boundsMs[i] ?? low;
      return { meanMs, p95Ms: low + ((target - seen) / inBucket) * (high - low) };
    }
    seen += inBucket;
  }
  return { meanMs, p95Ms: meanMs };
}

/** Histograms added up (they share their bounds). */
function sum(histograms: readonly HandleTimeSnapshot[]): HandleTimeSnapshot {
  const first = histograms[0];
  const counts = first === undefined ? [] : first.counts.map((_, i) => histograms.reduce((acc, h) => acc + (h.counts[i] ?? 0), 0));
  return { count: histograms.reduce((acc, h) => acc + h.count, 0), sumMs: histograms.reduce((acc, h) => acc + h.sumMs, 0), boundsMs: first?.boundsMs ?? [], counts };
}

/** A network's samples of the last {@link HISTORY_KEEP_MS}, taken every {@link HISTORY_INTERVAL_MS} on its clock. */
export class StatsHistory {
  readonly #network: Network;
  readonly #samples: HistorySample[] = [];
  #previous: { at: number; stats: ReadonlyMap<string, NodeStatsSnapshot> } | undefined;
  #repeat: Repeating | undefined;

  constructor(network: Network) {
    this.#network = network;
  }

  /** Starts sampling (the first sample one interval from now). */
  start(): void {
    this.#previous = this.#read();
    this.#repeat ??= repeatOnClock(this.#network.clock, HISTORY_INTERVAL_MS, () => this.sample());
  }

  /** Stops sampling; the samples stay readable. */
  stop(): void {
    this.#repeat?.stop();
  }

  /** The samples taken after clock time `since` (all of them without it), oldest first. */
  since(since = Number.NEGATIVE_INFINITY): HistorySample[] {
    return this.#samples.filter((s) => s.at > since);
  }

  /** Takes a sample now (the interval calls it). */
  sample(): void {
    const previous = this.#previous;
    const now = this.#read();
    this.#previous = now;
    if (previous === undefined || now.at <= previous.at) return;
    const seconds = (now.at - previous.at) / 1000;
    const nodes: Record<string, HistorySample['nodes'][string]> = {};
    const before: HandleTimeSnapshot[] = [];
    const after: HandleTimeSnapshot[] = [];
    for (const [name, stats] of now.stats) {
      // A node added since the previous reading did all its work after it: it starts from zero.
      const old = previous.stats.get(name) ?? { completed: 0, handleMs: { count: 0, sumMs: 0, boundsMs: stats.handleMs.boundsMs, counts: [] } };
      before.push(old.handleMs);
      after.push(stats.handleMs);
      nodes[name] = { throughput: Math.max(0, stats.completed - old.completed) / seconds, latency: intervalLatency(old.handleMs, stats.handleMs) };
    }
    this.#samples.push({ at: now.at, nodes, latency: after.length === 0 ? null : intervalLatency(sum(before), sum(after)) });
    while (this.#samples.length > 0 && this.#samples[0]!.at <= now.at - HISTORY_KEEP_MS) this.#samples.shift();
  }

  #read(): { at: number; stats: ReadonlyMap<string, NodeStatsSnapshot> } {
    const network = this.#network;
    return { at: network.clock.now(), stats: new Map(network.nodeNames.map((name) => [name, network.stats(name)])) };
  }
}

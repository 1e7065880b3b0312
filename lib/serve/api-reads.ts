/**
 * The reads of `/api/...`: topology (nodes, and the edges and signal types seen in the journal),
 * the overview a dashboard polls, dead letters and traces.
 */
import type { DeadLetterFilter } from '../delivery/dead-letter-queue.ts';
import type { DeadLetterReason } from '../observe/events.ts';
import type { Network } from '../network/network.ts';
import type { Signal } from '../signal/signal.ts';
import { ApiError, ok, type ApiAnswer } from './api-answer.ts';

/** The name, or 404 `not-found` when the network has no such node. */
export function knownNode(network: Network, name: string): string {
  if (!network.nodeNames.includes(name)) throw new ApiError(404, 'not-found', `no node named ${JSON.stringify(name)}`);
  return name;
}

/**
 * Nodes (with a few stats, the signal types they handled and those types' schema versions), remote nodes, and the edges seen
 * so far. The network records no edges on its hot path: they are derived here from the journal
 * (each completed signal a node emitted is an edge source → target), so they cover what the
 * journal still holds, and there are none without a journal (`edgesFrom: 'none'`).
 */
export async function topology(network: Network): Promise<ApiAnswer> {
  const journaled = await journaledSignals(network);
  const edges = new Map<string, { from: string; to: string; signals: number }>();
  const types = new Map<string, Set<string>>();
  for (const signal of journaled ?? []) {
    let seen = types.get(signal.target);
    if (seen === undefined) types.set(signal.target, (seen = new Set()));
    seen.add(signal.type);
    if (signal.source === undefined) continue;
    const key = JSON.stringify([signal.source, signal.target]);
    const edge = edges.get(key) ?? { from: signal.source, to: signal.target, signals: 0 };
    edge.signals++;
    edges.set(key, edge);
  }
  const nodes = network.nodeNames.map((name) => {
    const stats = network.stats(name);
    const signalTypes = [...(types.get(name) ?? [])].sort();
    // The types with a schema: a version outside theirs is refused (the dashboard's "unsupported version").
    const schemas = signalTypes.flatMap((type) => {
      const versions = network.schemas.versionsOf(type);
      return versions === undefined ? [] : [{ type, versions }];
    });
    return { name, capacity: stats.capacity, partitions: stats.partitionDepths.length, breakerState: stats.breakerState, pressure: stats.pressure, signalTypes, schemas };
  });
  return ok({ nodes, remoteNodes: network.remoteNames, edges: [...edges.values()], edgesFrom: journaled === undefined ? 'none' : 'journal' });
}

/**
 * What a dashboard polls: the network's name, state and counts, every node's stats, the health
 * report (its alerts included) and the dead letter queue's size, read at one moment.
 */
export function overview(network: Network): ApiAnswer {
  return ok({
    network: network.name,
    state: network.state,
    at: network.clock.now(),
    counts: network.counts(),
    nodes: network.nodeNames.map((name) => network.stats(name)),
    health: network.health(),
    deadLetters: { size: network.dlq.size },
  });
}

/** Every journaled (completed) signal, oldest first; `undefined` when the network keeps no journal. */
export async function journaledSignals(network: Network): Promise<readonly Signal[] | undefined> {
  try {
    return (await network.replay({})).signals;
  } catch {
    return undefined;
  }
}

/** The `node`, `reason` and `limit` of a dead letter listing; 400 `bad-request` on a bad limit. */
export function deadLetterFilter(query: URLSearchParams): DeadLetterFilter {
  const filter: { node?: string; reason?: DeadLetterReason; limit?: number } = {};
  const node = query.get('node');
  const reason = query.get('reason');
  const limit = query.get('limit');
  if (node !== null) filter.node = node;
  if (reason !== null) filter.reason = reason as DeadLetterReason;
  if (limit !== null) {
    if (!/^[1-9]\d*$/.test(limit)) throw new ApiError(400, 'bad-request', `limit must be a positive integer, not ${JSON.stringify(limit)}`);
    filter.limit = Number(limit);
  }
  return filter;
}

/** The dead letter, or 404 with the DLQ's code. */
export function knownDeadLetter(network: Network, id: string) {
  const entry = network.dlq.get(id);
  if (entry === undefined) throw new ApiError(404, 'PLEXUS_DEAD_LETTER_NOT_FOUND', `no dead letter with id ${JSON.stringify(id)}`);
  return entry;
}

/** The journaled (completed) signals of one correlation, oldest first: a scan of the journal. */
export async function trace(network: Network, correlationId: string): Promise<ApiAnswer> {
  const journaled = await journaledSignals(network);
  if (journaled === undefined) throw new ApiError(409, 'conflict', 'no trace without a journal: the network keeps none');
  const hops = journaled.filter((signal) => signal.correlationId === correlationId);
  if (hops.length === 0) throw new ApiError(404, 'not-found', `no journaled signal with correlationId ${JSON.stringify(correlationId)}`);
  return ok({ correlationId, hops });
}

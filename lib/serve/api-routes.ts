/**
 * The `/api/...` endpoints of a served network: a small table of routes (method + path pattern),
 * each a function of the network and the path's parameters. Reads (GET) show topology, node
 * stats, dead letters, traces and failover groups; actions (POST/DELETE) reprocess or purge a
 * dead letter, reset or isolate a breaker, switch a failover group, start a graceful shutdown. Errors are `{ error: { code, message } }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { DeadLetterFilter } from '../delivery/dead-letter-queue.ts';
import type { DeadLetterReason } from '../observe/events.ts';
import type { Network } from '../network/network.ts';
import type { Signal } from '../signal/signal.ts';
import { isDeadLetterNotFoundError } from '../network/errors.ts';
import { PlexusError } from '../util/errors.ts';
import { ApiError } from './api-error.ts';
import { failoverList, failoverView, knownGroup, switchFailover } from './failover-routes.ts';

/** An answer of a route: an HTTP status and a JSON body. */
interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  /** `request`: for a route that reads the body. */
  readonly answer: (network: Network, params: readonly string[], query: URLSearchParams, request: IncomingMessage) => ApiAnswer | Promise<ApiAnswer>;
}

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

/** The routes, matched in order; a path's `([^/]+)` groups are its (URL-decoded) parameters. */
const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', pattern: /^\/api\/topology$/, answer: (network) => topology(network) },
  { method: 'GET', pattern: /^\/api\/nodes$/, answer: (network) => ok({ nodes: network.nodeNames.map((name) => network.stats(name)) }) },
  { method: 'GET', pattern: /^\/api\/nodes\/([^/]+)$/, answer: (network, [name]) => ok(network.stats(knownNode(network, name!))) },
  { method: 'POST', pattern: /^\/api\/nodes\/([^/]+)\/breaker\/reset$/, answer: (network, [name]) => breakerAction(network, name!, 'reset') },
  { method: 'POST', pattern: /^\/api\/nodes\/([^/]+)\/breaker\/isolate$/, answer: (network, [name]) => breakerAction(network, name!, 'isolate') },
  { method: 'GET', pattern: /^\/api\/dead-letters$/, answer: (network, _, query) => ok({ deadLetters: network.dlq.list(deadLetterFilter(query)), size: network.dlq.size }) },
  { method: 'GET', pattern: /^\/api\/dead-letters\/([^/]+)$/, answer: (network, [id]) => ok(knownDeadLetter(network, id!)) },
  { method: 'POST', pattern: /^\/api\/dead-letters\/([^/]+)\/reprocess$/, answer: (network, [id]) => reprocess(network, id!) },
  { method: 'DELETE', pattern: /^\/api\/dead-letters\/([^/]+)$/, answer: (network, [id]) => purge(network, id!) },
  { method: 'GET', pattern: /^\/api\/traces\/([^/]+)$/, answer: (network, [correlationId]) => trace(network, correlationId!) },
  { method: 'GET', pattern: /^\/api\/failover$/, answer: (network) => ok(failoverList(network)) },
  { method: 'GET', pattern: /^\/api\/failover\/([^/]+)$/, answer: (network, [name]) => ok(failoverView(knownGroup(network, name!))) },
  { method: 'POST', pattern: /^\/api\/failover\/([^/]+)\/switch$/, answer: async (network, [name], _, request) => ok(await switchFailover(network, name!, request)) },
  { method: 'POST', pattern: /^\/api\/shutdown$/, answer: (network) => shutdown(network) },
];

/**
 * True when a server bound to `host` without a token must refuse requests that change something:
 * it is reachable beyond loopback, and anyone there could reprocess, purge or shut down.
 * Reads stay allowed (with the documented warning that they show payloads).
 */
export function refusesMutations(host: string, token: string | undefined): boolean {
  return token === undefined && !isLoopbackHost(host);
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Answers a request under `/api/`; `mutationsRefused` from {@link refusesMutations}. */
export async function answerApi(network: Network, request: IncomingMessage, response: ServerResponse, url: URL, mutationsRefused: boolean): Promise<void> {
  try {
    const matching = API_ROUTES.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) throw new ApiError(404, 'not-found', `no endpoint at ${url.pathname}`);
    const route = matching.find((candidate) => candidate.method === request.method);
    if (route === undefined) {
      const allowed = matching.map((candidate) => candidate.method).join(', ');
      response.setHeader('allow', allowed);
      throw new ApiError(405, 'method-not-allowed', `${url.pathname} takes ${allowed}, not ${request.method}`);
    }
    if (route.method !== 'GET' && mutationsRefused) {
      throw new ApiError(403, 'token-required', 'this server is bound beyond loopback without a token: endpoints that change something are refused');
    }
    const params = route.pattern
      .exec(url.pathname)!
      .slice(1)
      .map((part) => decodeURIComponent(part));
    const answer = await route.answer(network, params, url.searchParams, request);
    sendJson(response, answer.status, answer.body);
  } catch (error) {
    sendApiError(response, error);
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  // Serialized before the head is written: a payload JSON cannot carry (a BigInt, a cycle) throws
  // here, and the caller can still answer with a 500.
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
  response.end(text);
}

function sendApiError(response: ServerResponse, error: unknown): void {
  if (error instanceof ApiError) {
    sendJson(response, error.status, { error: { code: error.code, message: error.message } });
  } else if (isDeadLetterNotFoundError(error)) {
    sendJson(response, 404, { error: { code: error.code, message: error.message } });
  } else if (error instanceof PlexusError) {
    // A typed error of the network (e.g. bad input to one of its methods): its own code, as a bad request.
    sendJson(response, 400, { error: { code: error.code, message: error.message } });
  } else {
    sendJson(response, 500, { error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } });
  }
}

function knownNode(network: Network, name: string): string {
  if (!network.nodeNames.includes(name)) throw new ApiError(404, 'not-found', `no node named ${JSON.stringify(name)}`);
  return name;
}

/**
 * Nodes (with a few stats), remote nodes, and the edges seen so far. The network records no
 * edges on its hot path: they are derived here from the journal (each completed signal a node
 * emitted is an edge source → target), so they cover what the journal still holds, and there are
 * none without a journal (`edgesFrom: 'none'`).
 */
async function topology(network: Network): Promise<ApiAnswer> {
  const nodes = network.nodeNames.map((name) => {
    const stats = network.stats(name);
    return { name, capacity: stats.capacity, breakerState: stats.breakerState, pressure: stats.pressure };
  });
  const journaled = await journaledSignals(network);
  const edges = new Map<string, { from: string; to: string; signals: number }>();
  for (const signal of journaled ?? []) {
    if (signal.source === undefined) continue;
    const key = JSON.stringify([signal.source, signal.target]);
    const edge = edges.get(key) ?? { from: signal.source, to: signal.target, signals: 0 };
    edge.signals++;
    edges.set(key, edge);
  }
  const failoverGroups = network.failoverGroups.map((group) => ({ name: group.name, members: group.members, active: group.active }));
  return ok({ nodes, remoteNodes: network.remoteNames, failoverGroups, edges: [...edges.values()], edgesFrom: journaled === undefined ? 'none' : 'journal' });
}

/** Every journaled (completed) signal, oldest first; `undefined` when the network keeps no journal. */
async function journaledSignals(network: Network): Promise<readonly Signal[] | undefined> {
  try {
    return (await network.replay({})).signals;
  } catch {
    return undefined;
  }
}

function breakerAction(network: Network, name: string, action: 'reset' | 'isolate'): ApiAnswer {
  const breaker = network.breaker(knownNode(network, name));
  if (breaker === undefined) throw new ApiError(409, 'conflict', `node ${JSON.stringify(name)} has no breaker`);
  breaker[action]();
  return ok(breaker.snapshot());
}

function deadLetterFilter(query: URLSearchParams): DeadLetterFilter {
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

function knownDeadLetter(network: Network, id: string) {
  const entry = network.dlq.get(id);
  if (entry === undefined) throw new ApiError(404, 'PLEXUS_DEAD_LETTER_NOT_FOUND', `no dead letter with id ${JSON.stringify(id)}`);
  return entry;
}

function reprocess(network: Network, id: string): ApiAnswer {
  const receipt = network.dlq.reprocess(id);
  // A refusal (backpressure, shutting down) leaves the entry in the queue: the caller may try later.
  if (receipt.status === 'rejected') throw new ApiError(409, 'conflict', `the node refused the signal (${receipt.reason}); the dead letter stays`);
  return ok({ id, status: receipt.status });
}

function purge(network: Network, id: string): ApiAnswer {
  if (!network.dlq.remove(id)) knownDeadLetter(network, id);
  return ok({ id, purged: true });
}

/** The journaled (completed) signals of one correlation, oldest first: a scan of the journal. */
async function trace(network: Network, correlationId: string): Promise<ApiAnswer> {
  const journaled = await journaledSignals(network);
  if (journaled === undefined) throw new ApiError(409, 'conflict', 'no trace without a journal: the network keeps none');
  const hops = journaled.filter((signal) => signal.correlationId === correlationId);
  if (hops.length === 0) throw new ApiError(404, 'not-found', `no journaled signal with correlationId ${JSON.stringify(correlationId)}`);
  return ok({ correlationId, hops });
}

function shutdown(network: Network): ApiAnswer {
  // Started, not awaited: the answer says it began; the server closes once the network has shut down.
  network.shutdown().catch(() => {});
  return { status: 202, body: { state: network.state } };
}

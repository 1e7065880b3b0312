/**
 * The `/api/...` endpoints of a served network: a small table of routes (method + path pattern),
 * each a function of the request's context. Reads (GET) show topology, an overview, node stats,
 * dead letters, traces and the actions; actions (POST/DELETE) reprocess or purge a dead letter,
 * reset or isolate a breaker, send a signal, replay the last minute, start a graceful shutdown,
 * run an action of yours. Errors are `{ error: { code, message } }` (api-answer.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Network } from '../network/network.ts';
import { ApiError, ok, readJsonBody, sendApiError, sendJson, type ApiAnswer } from './api-answer.ts';
import { breakerAction, purge, replayLast, reprocess, runAction, sendSignal, shutdown } from './api-mutations.ts';
import { deadLetterFilter, knownDeadLetter, knownNode, overview, topology, trace } from './api-reads.ts';
import { describeAction, type ServerAction } from './server-actions.ts';
import { HISTORY_INTERVAL_MS, HISTORY_KEEP_MS, type StatsHistory } from './stats-history.ts';

/** What a route answers from. */
interface RouteContext {
  readonly network: Network;
  /** The path's `([^/]+)` groups, URL-decoded. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly actions: ReadonlyMap<string, ServerAction>;
  readonly history: StatsHistory;
  /** The request body as JSON (`{}` when empty). */
  body(): Promise<unknown>;
}

interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  readonly answer: (context: RouteContext) => ApiAnswer | Promise<ApiAnswer>;
}

/** The routes, matched in order. */
const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', pattern: /^\/api\/topology$/, answer: ({ network }) => topology(network) },
  { method: 'GET', pattern: /^\/api\/overview$/, answer: ({ network }) => overview(network) },
  { method: 'GET', pattern: /^\/api\/history$/, answer: ({ history, query }) => historySince(history, query) },
  { method: 'GET', pattern: /^\/api\/nodes$/, answer: ({ network }) => ok({ nodes: network.nodeNames.map((name) => network.stats(name)) }) },
  { method: 'GET', pattern: /^\/api\/nodes\/([^/]+)$/, answer: ({ network, params: [name] }) => ok(network.stats(knownNode(network, name!))) },
  { method: 'POST', pattern: /^\/api\/nodes\/([^/]+)\/breaker\/reset$/, answer: ({ network, params: [name] }) => breakerAction(network, name!, 'reset') },
  { method: 'POST', pattern: /^\/api\/nodes\/([^/]+)\/breaker\/isolate$/, answer: ({ network, params: [name] }) => breakerAction(network, name!, 'isolate') },
  { method: 'GET', pattern: /^\/api\/dead-letters$/, answer: ({ network, query }) => deadLetters(network, query) },
  { method: 'GET', pattern: /^\/api\/dead-letters\/([^/]+)$/, answer: ({ network, params: [id] }) => ok(knownDeadLetter(network, id!)) },
  { method: 'POST', pattern: /^\/api\/dead-letters\/([^/]+)\/reprocess$/, answer: ({ network, params: [id] }) => reprocess(network, id!) },
  { method: 'DELETE', pattern: /^\/api\/dead-letters\/([^/]+)$/, answer: ({ network, params: [id] }) => purge(network, id!) },
  { method: 'GET', pattern: /^\/api\/traces\/([^/]+)$/, answer: ({ network, params: [correlationId] }) => trace(network, correlationId!) },
  { method: 'POST', pattern: /^\/api\/signals$/, answer: async ({ network, body }) => sendSignal(network, await body()) },
  { method: 'POST', pattern: /^\/api\/replay$/, answer: async ({ network, body }) => replayLast(network, await body()) },
  { method: 'POST', pattern: /^\/api\/shutdown$/, answer: ({ network }) => shutdown(network) },
  { method: 'GET', pattern: /^\/api\/actions$/, answer: ({ actions }) => ok({ actions: [...actions].map(([name, action]) => describeAction(name, action)) }) },
  { method: 'POST', pattern: /^\/api\/actions\/([^/]+)$/, answer: async ({ network, actions, params: [name], body }) => runAction(network, actions, name!, await body()) },
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

/** What {@link answerApi} needs besides the request. */
export interface ApiServing {
  readonly network: Network;
  readonly actions: ReadonlyMap<string, ServerAction>;
  /** The last minutes' samples. */
  readonly history: StatsHistory;
  /** From {@link refusesMutations}. */
  readonly mutationsRefused: boolean;
}

/** Answers a request under `/api/`. */
export async function answerApi(serving: ApiServing, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  try {
    const matching = API_ROUTES.filter((route) => route.pattern.test(url.pathname));
    if (matching.length === 0) throw new ApiError(404, 'not-found', `no endpoint at ${url.pathname}`);
    const route = matching.find((candidate) => candidate.method === request.method);
    if (route === undefined) {
      const allowed = matching.map((candidate) => candidate.method).join(', ');
      response.setHeader('allow', allowed);
      throw new ApiError(405, 'method-not-allowed', `${url.pathname} takes ${allowed}, not ${request.method}`);
    }
    if (route.method !== 'GET' && serving.mutationsRefused) {
      throw new ApiError(403, 'token-required', 'this server is bound beyond loopback without a token: endpoints that change something are refused');
    }
    const params = route.pattern
      .exec(url.pathname)!
      .slice(1)
      .map((part) => decodeURIComponent(part));
    const { network, actions, history } = serving;
    const context: RouteContext = { network, params, query: url.searchParams, actions, history, body: () => readJsonBody(request) };
    const answer = await route.answer(context);
    sendJson(response, answer.status, answer.body);
  } catch (error) {
    sendApiError(response, error);
  }
}

/** `GET /api/dead-letters`: oldest first, or with `newest=true` the newest first (then `limit` keeps the newest). */
function deadLetters(network: Network, query: URLSearchParams): ApiAnswer {
  const { limit, ...filter } = deadLetterFilter(query);
  const newest = query.get('newest');
  if (newest !== null && newest !== 'true' && newest !== 'false') throw new ApiError(400, 'bad-request', `newest must be true or false, not ${JSON.stringify(newest)}`);
  let list = network.dlq.list(newest === 'true' ? filter : { ...filter, ...(limit === undefined ? {} : { limit }) });
  if (newest === 'true') list = list.reverse().slice(0, limit);
  return ok({ deadLetters: list, size: network.dlq.size });
}

/** `GET /api/history?since=`: the samples taken after clock time `since` (all the last minutes' without it). */
function historySince(history: StatsHistory, query: URLSearchParams): ApiAnswer {
  const since = query.get('since');
  if (since !== null && !Number.isFinite(Number(since))) throw new ApiError(400, 'bad-request', `since must be a clock time in ms, not ${JSON.stringify(since)}`);
  return ok({ intervalMs: HISTORY_INTERVAL_MS, keepMs: HISTORY_KEEP_MS, samples: history.since(since === null ? undefined : Number(since)) });
}

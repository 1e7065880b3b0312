/**
 * HTTP endpoints of a network, on `node:http`: `/metrics` (Prometheus text format), `/health`
 * (the health report as JSON; 503 unless healthy or degraded) and `/events` (the event stream as
 * Server-Sent Events), the `/api/...` routes (api-routes.ts) and the live dashboard at `/`
 * (dashboard-assets.ts). This folder sits above network/: the network does not know it is served;
 * the server closes itself when the network's `health$` completes (at shutdown).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Network } from '../network/network.ts';
import { LifecycleError } from '../network/errors.ts';
import { answerApi, refusesMutations, type ApiServing } from './api-routes.ts';
import { isDashboardPath, loadDashboardAssets, sendAsset, type DashboardAssets } from './dashboard-assets.ts';
import { streamEvents } from './event-stream.ts';
import { StatsHistory } from './stats-history.ts';
import { resolveServerOptions, type NetworkServerOptions, type ResolvedServerOptions } from './serve-options.ts';

/** The `code` of an error response body (`{ error: { code, message } }`). */
export const HttpErrorCode = Object.freeze({
  /** No endpoint at that path. */
  NotFound: 'not-found',
  /** The endpoint exists but takes only GET. */
  MethodNotAllowed: 'method-not-allowed',
  /** A token is required and the request's bearer token is missing or wrong. */
  Unauthorized: 'unauthorized',
  /** The request is malformed (e.g. `limit=abc`, a body that is not JSON, an action's value out of range). */
  BadRequest: 'bad-request',
  /** The request body is over 64 KiB. */
  TooLarge: 'too-large',
  /** An action of yours (`POST /api/actions/:name`) threw. */
  ActionFailed: 'action-failed',
  /** The action cannot be done now (e.g. a node without a breaker, a refused reprocess). */
  Conflict: 'conflict',
  /** The server is bound beyond loopback without a token: endpoints that change something refuse. */
  TokenRequired: 'token-required',
  /** The endpoint failed (e.g. a metric collector threw). */
  Internal: 'internal',
} as const);

/** One of {@link HttpErrorCode}. */
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

/** A running HTTP server of a network. */
export interface NetworkServer {
  /** Base URL, e.g. `http://127.0.0.1:9464` (the actual port when `port` was 0). */
  readonly url: string;
  /** `/events` clients connected now. */
  readonly eventClients: number;
  /** `/events` clients cut off so far because they left more than `eventBufferBytes` unread. */
  readonly droppedEventClients: number;
  /** Ends every event stream and stops listening; resolves once the server is closed. Safe to call twice. */
  close(): Promise<void>;
  /** `await using server = await createNetworkServer(net)` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The paths served besides `/api/...`, each GET only. */
const ROUTES = new Set(['/metrics', '/health', '/events']);

/**
 * Starts an HTTP server for `network` and resolves once it listens. Bound to 127.0.0.1 unless
 * `host` says otherwise; with a `token`, every request needs `Authorization: Bearer <token>`.
 * A server bound beyond loopback without a token serves reads, but refuses every `/api/...`
 * endpoint that changes something (POST, DELETE) with 403 `token-required`. The dashboard's
 * files (at `/` and `/dashboard/...`) are served to anyone who reaches the server: they hold no
 * data, and the page asks for the token. The network's shutdown closes the server. Throws {@link InvalidOptionsError} on bad options and
 * {@link LifecycleError} when the network is already shutting down.
 */
export async function createNetworkServer(network: Network, options: NetworkServerOptions = {}): Promise<NetworkServer> {
  const resolved = resolveServerOptions(options);
  if (network.state === 'stopping' || network.state === 'terminated') throw new LifecycleError(`cannot serve network ${network.name}: it is ${network.state}`);
  const served = new ServedNetwork(network, resolved);
  await served.listen();
  return served;
}

class ServedNetwork implements NetworkServer {
  readonly #network: Network;
  readonly #options: ResolvedServerOptions;
  readonly #api: ApiServing;
  readonly #history: StatsHistory;
  readonly #server: Server;
  #assets: DashboardAssets | undefined;
  readonly #tokenDigest: Buffer | undefined;
  readonly #streams = new Set<() => void>();
  #dropped = 0;
  #url = '';
  #closed: Promise<void> | undefined;

  constructor(network: Network, options: ResolvedServerOptions) {
    this.#network = network;
    this.#options = options;
    this.#history = new StatsHistory(network);
    this.#api = { network, actions: options.actions, history: this.#history, mutationsRefused: refusesMutations(options.host, options.token) };
    this.#tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this.#server = createServer((request, response) => this.#handle(request, response));
  }

  get url(): string {
    return this.#url;
  }

  get eventClients(): number {
    return this.#streams.size;
  }

  get droppedEventClients(): number {
    return this.#dropped;
  }

  async listen(): Promise<void> {
    if (this.#options.dashboard) this.#assets = await loadDashboardAssets();
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#url = `http://${host}:${address.port}`;
    this.#history.start();
    // health$ completes when the network has shut down: the server goes with it. Not events$:
    // a subscriber there makes every signal build its events, served or not.
    this.#network.health$.subscribe({ complete: () => void this.close() });
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#history.stop();
      for (const end of [...this.#streams]) end();
      this.#server.close(() => resolve());
      // Idle keep-alive connections would hold close() open until they time out.
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (request.method === 'GET' && isDashboardPath(this.#assets, path)) {
      // Before the token check: the page holds no data, and it is where a person types the token.
      sendAsset(this.#assets!, path, response);
    } else if (!this.#authorized(request)) {
      response.setHeader('www-authenticate', 'Bearer');
      sendError(response, 401, HttpErrorCode.Unauthorized, 'a bearer token is required');
    } else if (path.startsWith('/api/')) {
      void answerApi(this.#api, request, response, url);
    } else if (!ROUTES.has(path)) {
      sendError(response, 404, HttpErrorCode.NotFound, `no endpoint at ${path}`);
    } else if (request.method !== 'GET') {
      response.setHeader('allow', 'GET');
      sendError(response, 405, HttpErrorCode.MethodNotAllowed, `${path} takes GET, not ${request.method}`);
    } else if (path === '/metrics') {
      void this.#metrics(response);
    } else if (path === '/health') {
      this.#health(response);
    } else {
      this.#events(request, response);
    }
  }

  #authorized(request: IncomingMessage): boolean {
    if (this.#tokenDigest === undefined) return true;
    const header = request.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    // Digests of equal length, compared in constant time: the token's length leaks nothing either.
    return timingSafeEqual(digest(header.slice('Bearer '.length)), this.#tokenDigest);
  }

  async #metrics(response: ServerResponse): Promise<void> {
    try {
      const text = await this.#network.metrics.text();
      response.writeHead(200, { 'content-type': this.#network.metrics.contentType });
      response.end(text);
    } catch (error) {
      sendError(response, 500, HttpErrorCode.Internal, `metrics failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #health(response: ServerResponse): void {
    const report = this.#network.health();
    // Ready to take traffic when healthy or degraded; unhealthy (and unknown, before the first checks) is not.
    const status = report.status === 'healthy' || report.status === 'degraded' ? 200 : 503;
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(JSON.stringify(report));
  }

  #events(request: IncomingMessage, response: ServerResponse): void {
    let end: (() => void) | undefined;
    end = streamEvents(this.#network.events$, request, response, this.#options.eventBufferBytes, {
      onDropped: () => void this.#dropped++,
      onEnded: () => {
        if (end !== undefined) this.#streams.delete(end);
      },
    });
    if (!response.writableEnded && !response.destroyed) this.#streams.add(end);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sendError(response: ServerResponse, status: number, code: HttpErrorCode, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error: { code, message } }));
}

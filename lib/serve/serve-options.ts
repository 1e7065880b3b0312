/**
 * Options of {@link createNetworkServer} (lib/serve/network-server.ts): where to listen, the
 * bearer token, the bound of each `/events` client's buffer; their defaults and their checks.
 */
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { checkActions, type ServerAction } from './server-actions.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { optionKeys } from '../util/known-keys.ts';

/** Options of `createNetworkServer(network, options)`. */
export interface NetworkServerOptions {
  /**
   * TCP port; `0` takes a free one (read it from the handle's `url`).
   * @defaultValue 0
   */
  readonly port?: number;
  /**
   * Address to bind. Anything but loopback exposes the network's events (signal payloads
   * included) and health to whoever reaches the address: give a `token` then.
   * @defaultValue `'127.0.0.1'`
   */
  readonly host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /**
   * Bytes an `/events` client may leave unread before it is cut off (a slow client never slows
   * the network: its events are dropped with its connection, not queued without bound).
   * @defaultValue 1 MiB
   */
  readonly eventBufferBytes?: number;
  /**
   * Serve the live dashboard at `/` (its files at `/dashboard/...`). Its files hold no data and
   * are served without the token; the page asks for it and sends it with every request it makes.
   * @defaultValue true
   */
  readonly dashboard?: boolean;
  /**
   * Actions of yours by name (lower kebab case), run by `POST /api/actions/:name` (under the
   * same token rules as every endpoint that changes something) and shown as controls on the
   * dashboard. See {@link ServerAction}.
   * @defaultValue none
   */
  readonly actions?: Readonly<Record<string, ServerAction>>;
}

/** Every key of {@link NetworkServerOptions}; any other key is refused. */
export const NETWORK_SERVER_OPTION_KEYS = optionKeys<NetworkServerOptions>()(['port', 'host', 'token', 'eventBufferBytes', 'dashboard', 'actions']);

/** Default port: a free one, chosen by the system. */
export const DEFAULT_SERVE_PORT = 0;

/** Default address: loopback only. */
export const DEFAULT_SERVE_HOST = '127.0.0.1';

/** Default bound of an `/events` client's unsent bytes: 1 MiB. */
export const DEFAULT_EVENT_BUFFER_BYTES = 1024 * 1024;

/** The options with their defaults, checked. */
export interface ResolvedServerOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string | undefined;
  readonly eventBufferBytes: number;
  readonly dashboard: boolean;
  readonly actions: ReadonlyMap<string, ServerAction>;
}

/** Checks `options` (unknown keys, types, ranges) and fills in the defaults; throws {@link InvalidOptionsError}. */
export function resolveServerOptions(options: NetworkServerOptions): ResolvedServerOptions {
  checkObject('options', options);
  checkKnownKeys('', options, NETWORK_SERVER_OPTION_KEYS);
  const port = checkNumber('port', options.port ?? DEFAULT_SERVE_PORT, { min: 0, max: 65_535, integer: true });
  const host = options.host ?? DEFAULT_SERVE_HOST;
  if (typeof host !== 'string' || host === '') throw new InvalidOptionsError('host', 'must be a non-empty string', host);
  const token = options.token;
  if (token !== undefined && (typeof token !== 'string' || token === '')) throw new InvalidOptionsError('token', 'must be a non-empty string', '(hidden)');
  const eventBufferBytes = checkNumber('eventBufferBytes', options.eventBufferBytes ?? DEFAULT_EVENT_BUFFER_BYTES, { above: 0, integer: true });
  const dashboard = options.dashboard ?? true;
  if (typeof dashboard !== 'boolean') throw new InvalidOptionsError('dashboard', 'must be true or false', dashboard);
  const actions = checkActions(options.actions);
  return { port, host, token, eventBufferBytes, dashboard, actions };
}

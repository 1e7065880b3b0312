/**
 * Who the transport is to the NATS server, and how it talks to it: our own shapes for the
 * credentials and TLS options (no client types in the public API), their validation, and their
 * translation into the client's connect options. Secrets stay out of `transport.options`: the
 * resolved credentials only say which method they use.
 */
import { readFile } from 'node:fs/promises';
import { credsAuthenticator, errors, nkeyAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { InvalidOptionsError } from '../../resilience/errors.ts';
import { checkObject } from '../../resilience/validate.ts';
import { TransportError } from './errors.ts';

/**
 * How the transport authenticates, one method of four: user and password, a token, an NKey
 * (the user's seed, `SU…`), or a credentials file (a JWT and its seed, as `nsc` writes them).
 */
export type NatsAuthOptions =
  | {
      /** The user name. */
      user: string;
      /** The password. */
      password: string;
    }
  | {
      /** The token. */
      token: string;
    }
  | {
      /** The user's NKey seed (`SU…`). */
      nkeySeed: string;
    }
  | {
      /** Path of the credentials file (a JWT and its seed). */
      credsFile: string;
    };

/** The authentication method of {@link NatsAuthOptions}. */
export type NatsAuthMethod = 'user' | 'token' | 'nkey' | 'creds';

/**
 * TLS to the server (PEM files). `{}` requires TLS with the system's CAs; `caFile` trusts a CA of
 * your own; `certFile` with `keyFile` presents a client certificate (servers that verify clients).
 */
export interface NatsTlsOptions {
  /** PEM file of a CA to trust. */
  caFile?: string;
  /** PEM file of the client certificate. */
  certFile?: string;
  /** PEM file of the client key. */
  keyFile?: string;
}

/** Resolved credentials: the method (and the user name), never the secret. */
export interface ResolvedNatsAuth {
  /** Which method. */
  readonly method: NatsAuthMethod;
  /** The user name, for method `user`. */
  readonly user?: string;
}

/** Resolved TLS options (the file paths). */
export type ResolvedNatsTls = Readonly<NatsTlsOptions>;

/** The secret-bearing options of each resolved credential (module-private: not reachable from the options). */
const secrets = new WeakMap<ResolvedNatsAuth, NatsAuthOptions>();

const AUTH_KEYS: Record<NatsAuthMethod, readonly string[]> = { user: ['user', 'password'], token: ['token'], nkey: ['nkeySeed'], creds: ['credsFile'] };
const TLS_KEYS = ['caFile', 'certFile', 'keyFile'] as const;
/** An NKey user seed: `SU` then base32. */
const USER_SEED = /^SU[A-Z2-7]{50,}$/;

/** Validates `auth` (InvalidOptionsError naming `auth.<field>`; secrets are never echoed). */
export function resolveAuth(auth: NatsAuthOptions | undefined): ResolvedNatsAuth | undefined {
  if (auth === undefined) return undefined;
  checkObject('auth', auth);
  const keys = Object.keys(auth);
  const method = (Object.keys(AUTH_KEYS) as NatsAuthMethod[]).find((m) => AUTH_KEYS[m].some((k) => keys.includes(k)));
  if (method === undefined) throw new InvalidOptionsError('auth', 'must be { user, password }, { token }, { nkeySeed } or { credsFile }', keys);
  for (const key of keys) {
    if (!AUTH_KEYS[method].includes(key)) throw new InvalidOptionsError(`auth.${key}`, `is not an option of ${method} authentication (one method at a time: ${AUTH_KEYS[method].join(', ')})`, key);
  }
  const fields = auth as Record<string, unknown>;
  for (const key of AUTH_KEYS[method]) {
    const value = fields[key];
    if (typeof value !== 'string' || value.length === 0) throw new InvalidOptionsError(`auth.${key}`, 'must be a non-empty string', typeof value === 'string' ? '' : typeof value);
  }
  if (method === 'nkey' && !USER_SEED.test(fields['nkeySeed'] as string)) throw new InvalidOptionsError('auth.nkeySeed', 'must be an NKey user seed (SU…)', '(hidden)');
  const resolved: ResolvedNatsAuth = Object.freeze(method === 'user' ? { method, user: fields['user'] as string } : { method });
  secrets.set(resolved, { ...auth });
  return resolved;
}

/** Validates `tls` (InvalidOptionsError naming `tls.<field>`). */
export function resolveTls(tls: NatsTlsOptions | undefined): ResolvedNatsTls | undefined {
  if (tls === undefined) return undefined;
  checkObject('tls', tls);
  for (const key of Object.keys(tls)) {
    if (!(TLS_KEYS as readonly string[]).includes(key)) throw new InvalidOptionsError(`tls.${key}`, `is not a TLS option (${TLS_KEYS.join(', ')})`, key);
    const value = (tls as Record<string, unknown>)[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) throw new InvalidOptionsError(`tls.${key}`, 'must be a non-empty file path', value);
  }
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new InvalidOptionsError(tls.certFile === undefined ? 'tls.certFile' : 'tls.keyFile', 'a client certificate needs both certFile and keyFile', undefined);
  return Object.freeze({ ...tls });
}

/** What the session connects with, besides the servers and the name. */
export interface ConnectionSettings {
  readonly auth: ResolvedNatsAuth | undefined;
  readonly tls: ResolvedNatsTls | undefined;
  readonly reconnectWaitMs: number;
  readonly maxReconnectAttempts: number;
  readonly connectTimeoutMs: number;
}

/**
 * The client's connect options for `settings`. Reads a credentials file (a TransportError
 * `authentication` when it cannot). Reconnects after a lost connection go on as configured; a
 * server that refuses the credentials twice in a row ends them (the client's rule).
 */
export async function clientOptions(settings: ConnectionSettings): Promise<ConnectionOptions> {
  const options: ConnectionOptions = { reconnectTimeWait: settings.reconnectWaitMs, maxReconnectAttempts: settings.maxReconnectAttempts, timeout: settings.connectTimeoutMs };
  if (settings.tls !== undefined) options.tls = { ...settings.tls };
  const auth = settings.auth === undefined ? undefined : secrets.get(settings.auth);
  if (auth === undefined) return options;
  if ('user' in auth) return { ...options, user: auth.user, pass: auth.password };
  if ('token' in auth) return { ...options, token: auth.token };
  if ('nkeySeed' in auth) return { ...options, authenticator: nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed)) };
  let creds: Uint8Array;
  try {
    creds = await readFile(auth.credsFile);
  } catch (e) {
    throw new TransportError('authentication', `cannot read the NATS credentials file ${auth.credsFile}: ${(e as Error).message}`, { cause: e });
  }
  // The client parses the file only when it connects, and says "unable to parse credentials" then.
  const text = new TextDecoder().decode(creds);
  if (!CREDS_JWT.test(text) || !CREDS_SEED.test(text)) throw new TransportError('authentication', `${auth.credsFile} is not a NATS credentials file (a user JWT and a user NKey seed)`);
  return { ...options, authenticator: credsAuthenticator(creds) };
}

const CREDS_JWT = /-{3,}BEGIN NATS USER JWT-{3,}/;
const CREDS_SEED = /-{3,}BEGIN USER NKEY SEED-{3,}/;

/** A failed first connect as a TransportError: `authentication` when the server refused the credentials, `tls`, else `connect`. */
export function connectError(e: unknown, servers: readonly string[], settings: ConnectionSettings): TransportError {
  if (e instanceof TransportError) return e;
  let message = e instanceof Error ? e.message : String(e);
  if (e instanceof errors.TimeoutError) {
    message = `no answer within connectTimeoutMs (${settings.connectTimeoutMs} ms)${settings.tls !== undefined && settings.tls.certFile === undefined ? '; a server that requires a client certificate drops a connection without one like this' : ''}`;
  }
  if (e instanceof errors.AuthorizationError || e instanceof errors.UserAuthenticationExpiredError) {
    return new TransportError('authentication', `NATS at ${servers.join(', ')} refused the credentials: ${message}`, { cause: e });
  }
  if (isTlsFailure(e)) return new TransportError('tls', `TLS to NATS at ${servers.join(', ')} failed: ${message}`, { cause: e });
  return new TransportError('connect', `cannot connect to NATS at ${servers.join(', ')}: ${message}`, { cause: e });
}

/** Node's TLS and certificate errors (and the client's "server requires/does not offer TLS"). */
function isTlsFailure(e: unknown): boolean {
  for (let error = e; error instanceof Error; error = error.cause) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code))) return true;
    if (/\btls\b|certificate|ENOENT.*(\.pem|\.crt|\.key)/i.test(error.message)) return true;
  }
  return false;
}

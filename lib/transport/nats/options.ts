import { InvalidOptionsError } from '../../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../../resilience/validate.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { resolveAuth, resolveTls, type NatsAuthOptions, type NatsTlsOptions, type ResolvedNatsAuth, type ResolvedNatsTls } from './connection.ts';

/**
 * NATS server used when `servers` is not given.
 * @defaultValue `'nats://127.0.0.1:4222'`
 */
export const DEFAULT_NATS_SERVERS = 'nats://127.0.0.1:4222';
/**
 * First token of every subject.
 * @defaultValue `'plexus'`
 */
export const DEFAULT_SUBJECT_PREFIX = 'plexus';
/**
 * Publishes the transport holds at once, queued here or awaiting their PubAck; beyond it a post
 * (or a handler's emit) to a remote node is refused with reason `backpressure`. As large as a
 * mailbox's default capacity: a burst of emits from handlers is queued, not refused.
 * @defaultValue 10 000
 */
export const DEFAULT_MAX_PENDING = 10_000;
/**
 * Publishes sent and awaiting their PubAck at once (the pipeline's window); the rest of the
 * pending ones wait here, in order, for a PubAck to come back.
 * @defaultValue 1024
 */
export const DEFAULT_MAX_IN_FLIGHT = 1024;
/**
 * Time JetStream waits for an ack before it redelivers a message. Must exceed the time a signal
 * may spend queued plus handled (a redelivery of a signal still held here is absorbed, but
 * another process may take it and handle it too).
 * @defaultValue 30 000 ms
 */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/**
 * Deliveries of one message (naks included) before it is dead-lettered locally with reason
 * `max-deliveries` and terminated.
 * @defaultValue 20
 */
export const DEFAULT_MAX_DELIVER = 20;
/**
 * JetStream's deduplication window for `Nats-Msg-Id` (the idempotency key).
 * @defaultValue 120 000 ms
 */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
/**
 * First nak delay when a node refuses a message (backpressure); it doubles with each delivery
 * up to 5 000 ms.
 * @defaultValue 100 ms
 */
export const DEFAULT_NAK_DELAY_MS = 100;
/** Longest nak delay. */
export const MAX_NAK_DELAY_MS = 5_000;
/**
 * Time a publish waits for its PubAck before it fails.
 * @defaultValue 5 000 ms
 */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/**
 * Times a publish that failed while connected (timeout, no stream, JetStream not ready after a
 * restart) is tried again before its signal is dead-lettered with reason `transport-failed`.
 * Attempts that fail while the connection is down do not count: publishes wait out an outage,
 * keeping their places in `maxPending`, so the pipeline fills and new posts are refused
 * (`backpressure`) before they are accepted.
 * @defaultValue 8
 */
export const DEFAULT_PUBLISH_RETRIES = 8;
/**
 * Wait before a publish's first retry; it doubles per retry up to 5 000 ms
 * (with the defaults, a stream unusable while connected fails a publish after 16 s of waits
 * when its attempts fail at once, about a minute when they time out).
 * @defaultValue 100 ms
 */
export const DEFAULT_PUBLISH_RETRY_DELAY_MS = 100;
/** Longest wait between two attempts of a publish. */
export const MAX_PUBLISH_RETRY_DELAY_MS = 5_000;
/**
 * Wait between attempts to reconnect to a lost server.
 * @defaultValue 2 000 ms (the client's own default)
 */
export const DEFAULT_RECONNECT_WAIT_MS = 2_000;
/**
 * Time the first connect (TCP, TLS handshake, the server's greeting) may take before `start()`
 * fails. Shorter than the client's own 20 s: a server that requires a client certificate drops
 * a connection without one in a way the client only notices by this timeout.
 * @defaultValue 5 000 ms
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/**
 * Reconnect attempts per server before the connection is given up for good; `-1` never gives up
 * (a service outlives its broker's restarts; the client's own default, 10, gives up after ~20 s).
 * @defaultValue -1
 */
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = -1;

/** How the NATS JetStream transport connects and delivers. Every field is optional. */
export interface NatsTransportOptions {
  /** NATS server URL(s). @defaultValue `'nats://127.0.0.1:4222'` */
  servers?: string | string[];
  /** JetStream stream holding the network's signals. @defaultValue `PLEXUS_<network>` (characters outside `A-Za-z0-9_-` become `_`) */
  stream?: string;
  /** First subject token: signals for node N of network W travel on `<prefix>.<W>.<N>`. @defaultValue `'plexus'` */
  subjectPrefix?: string;
  /**
   * Publishes the transport holds at once, queued here or awaiting their PubAck.
   * @defaultValue 10 000
   */
  maxPending?: number;
  /**
   * Publishes sent and awaiting their PubAck at once (the pipeline's window).
   * @defaultValue 1024 (at most `maxPending`)
   */
  maxInFlight?: number;
  /**
   * Time JetStream waits for an ack before it redelivers a message.
   * @defaultValue 30 000 ms
   */
  ackWaitMs?: number;
  /**
   * Deliveries of one message (naks included) before it is dead-lettered locally with reason
   * `max-deliveries` and terminated.
   * @defaultValue 20
   */
  maxDeliver?: number;
  /**
   * JetStream's deduplication window for `Nats-Msg-Id` (the idempotency key).
   * @defaultValue 120 000 ms
   */
  duplicateWindowMs?: number;
  /**
   * First nak delay when a node refuses a message (backpressure).
   * @defaultValue 100 ms
   */
  nakDelayMs?: number;
  /** Time a publish waits for its PubAck before it fails. @defaultValue 5 000 ms */
  publishTimeoutMs?: number;
  /** Connection name shown by the server. @defaultValue `plexus:<network>` */
  connectionName?: string;
  /**
   * Times a publish that failed while connected (timeout, no stream, JetStream not ready after a
   * restart) is tried again before its signal is dead-lettered with reason `transport-failed`.
   * @defaultValue 8
   */
  publishRetries?: number;
  /** Wait before a publish's first retry. @defaultValue 100 ms */
  publishRetryDelayMs?: number;
  /** Wait between attempts to reconnect to a lost server. @defaultValue 2 000 ms (the client's own default) */
  reconnectWaitMs?: number;
  /**
   * Reconnect attempts per server before the connection is given up for good.
   * @defaultValue `-1`
   */
  maxReconnectAttempts?: number;
  /**
   * Time the first connect (TCP, TLS handshake, the server's greeting) may take before `start()`
   * fails.
   * @defaultValue 5 000 ms
   */
  connectTimeoutMs?: number;
  /** Credentials, for a server that requires them. @defaultValue none */
  auth?: NatsAuthOptions;
  /** TLS to the server. @defaultValue none (plain TCP, or TLS when a `tls://` URL asks for it) */
  tls?: NatsTlsOptions;
}

/** The keys of {@link NatsTransportOptions} (a compile error until a new option is listed). */
export const NATS_OPTION_KEYS = optionKeys<NatsTransportOptions>()([
  'servers',
  'stream',
  'subjectPrefix',
  'maxPending',
  'maxInFlight',
  'ackWaitMs',
  'maxDeliver',
  'duplicateWindowMs',
  'nakDelayMs',
  'publishTimeoutMs',
  'connectionName',
  'publishRetries',
  'publishRetryDelayMs',
  'reconnectWaitMs',
  'maxReconnectAttempts',
  'connectTimeoutMs',
  'auth',
  'tls',
]);

/** Options with every default filled in (the stream name is derived once the network is known). */
export interface ResolvedNatsOptions {
  /** Server URLs. */
  readonly servers: readonly string[];
  /** JetStream stream name (derived from the network name when absent). */
  readonly stream: string | undefined;
  /** Subject prefix of every node subject. */
  readonly subjectPrefix: string;
  /** Publishes held at once (queued or awaiting their PubAck); beyond it posts to remote nodes are refused. */
  readonly maxPending: number;
  /** Publishes sent and awaiting their PubAck at once. */
  readonly maxInFlight: number;
  /** How long the server waits for an ack before redelivering (ms). */
  readonly ackWaitMs: number;
  /** Deliveries of one message before it is dead-lettered. */
  readonly maxDeliver: number;
  /** The stream publish-dedup window (ms). */
  readonly duplicateWindowMs: number;
  /** First nak delay when a node refuses a message (ms); it doubles per delivery. */
  readonly nakDelayMs: number;
  /** Time limit of one publish (ms). */
  readonly publishTimeoutMs: number;
  /** Connection name shown by the server. */
  readonly connectionName: string | undefined;
  /** Retries of a failed publish. */
  readonly publishRetries: number;
  /** First delay between publish retries (ms). */
  readonly publishRetryDelayMs: number;
  /** Wait between reconnect attempts (ms). */
  readonly reconnectWaitMs: number;
  /** Reconnect attempts; -1 for no limit. */
  readonly maxReconnectAttempts: number;
  /** Time limit of the first connect (ms). */
  readonly connectTimeoutMs: number;
  /** The authentication method (the secret itself is kept out of sight). */
  readonly auth: ResolvedNatsAuth | undefined;
  /** TLS options, if TLS is on. */
  readonly tls: ResolvedNatsTls | undefined;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const SERVER_URL = /^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s/:]+(:\d+)?$/;

/** Validates transport options and fills in the defaults; throws InvalidOptionsError naming the option. */
export function resolveNatsOptions(o: NatsTransportOptions = {}): ResolvedNatsOptions {
  checkObject('options', o);
  checkKnownKeys('', o, NATS_OPTION_KEYS);
  const rawServers = o.servers ?? DEFAULT_NATS_SERVERS;
  const servers = typeof rawServers === 'string' ? [rawServers] : rawServers;
  if (!Array.isArray(servers) || servers.length === 0) throw new InvalidOptionsError('servers', 'must be a server URL or a non-empty array of them', rawServers);
  servers.forEach((s, i) => {
    if (typeof s !== 'string' || !SERVER_URL.test(s)) throw new InvalidOptionsError(Array.isArray(rawServers) ? `servers[${i}]` : 'servers', 'must be a URL such as nats://host:4222', s);
  });
  if (o.stream !== undefined && (typeof o.stream !== 'string' || !STREAM_NAME.test(o.stream))) throw new InvalidOptionsError('stream', 'must be 1-64 letters, digits, _ or -', o.stream);
  const subjectPrefix = o.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  if (typeof subjectPrefix !== 'string' || !SUBJECT_PREFIX.test(subjectPrefix))
    throw new InvalidOptionsError('subjectPrefix', 'must be dot-separated tokens of letters, digits, _ or - (no wildcards)', subjectPrefix);
  if (o.connectionName !== undefined && (typeof o.connectionName !== 'string' || o.connectionName.length === 0))
    throw new InvalidOptionsError('connectionName', 'must be a non-empty string', o.connectionName);
  const maxPending = checkNumber('maxPending', o.maxPending ?? DEFAULT_MAX_PENDING, { integer: true, min: 1 });
  const maxInFlight = checkNumber('maxInFlight', o.maxInFlight ?? Math.min(DEFAULT_MAX_IN_FLIGHT, maxPending), { integer: true, min: 1 });
  if (maxInFlight > maxPending) throw new InvalidOptionsError('maxInFlight', `must be at most maxPending (${maxPending})`, maxInFlight);
  return {
    servers: [...servers],
    stream: o.stream,
    subjectPrefix,
    maxPending,
    maxInFlight,
    ackWaitMs: checkNumber('ackWaitMs', o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS, { integer: true, min: 1 }),
    maxDeliver: checkNumber('maxDeliver', o.maxDeliver ?? DEFAULT_MAX_DELIVER, { integer: true, min: 1 }),
    duplicateWindowMs: checkNumber('duplicateWindowMs', o.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, { integer: true, min: 1 }),
    nakDelayMs: checkNumber('nakDelayMs', o.nakDelayMs ?? DEFAULT_NAK_DELAY_MS, { integer: true, min: 0 }),
    publishTimeoutMs: checkNumber('publishTimeoutMs', o.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS, { integer: true, min: 1 }),
    connectionName: o.connectionName,
    publishRetries: checkNumber('publishRetries', o.publishRetries ?? DEFAULT_PUBLISH_RETRIES, { integer: true, min: 0 }),
    publishRetryDelayMs: checkNumber('publishRetryDelayMs', o.publishRetryDelayMs ?? DEFAULT_PUBLISH_RETRY_DELAY_MS, { integer: true, min: 0 }),
    reconnectWaitMs: checkNumber('reconnectWaitMs', o.reconnectWaitMs ?? DEFAULT_RECONNECT_WAIT_MS, { integer: true, min: 0 }),
    maxReconnectAttempts: checkNumber('maxReconnectAttempts', o.maxReconnectAttempts ?? DEFAULT_MAX_RECONNECT_ATTEMPTS, { integer: true, min: -1 }),
    connectTimeoutMs: checkNumber('connectTimeoutMs', o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, { integer: true, min: 1 }),
    auth: resolveAuth(o.auth),
    tls: resolveTls(o.tls),
  };
}

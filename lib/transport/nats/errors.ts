import { BackpressureError } from '../../mailbox/backpressure-error.ts';
import { PlexusError } from '../../util/errors.ts';

/** Code of {@link TransportError}. */
export const TRANSPORT_CODE = 'PLEXUS_TRANSPORT';

/** What a transport failed to do. */
export type TransportFailure = 'connect' | 'authentication' | 'tls' | 'stream' | 'consumer' | 'consume' | 'publish' | 'decode' | 'closed' | 'max-deliver' | 'key-value';

/**
 * A transport could not connect, publish, consume or decode; `failure` says which, `cause` keeps
 * the client's error. `authentication`: the server refused the credentials (or a credentials
 * file could not be read); `tls`: the TLS handshake or a certificate failed; `key-value`: a
 * key-value bucket could not be opened, read, written or watched.
 */
export class TransportError extends PlexusError {
  /** What failed (see {@link TransportFailure}). */
  readonly failure: TransportFailure;
  constructor(failure: TransportFailure, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(TRANSPORT_CODE, message, { ...options, details: { failure, ...(options.details ?? {}) } });
    this.failure = failure;
  }
}

/** True when `e` is a {@link TransportError} (checks the code, so it works across module copies). */
export function isTransportError(e: unknown): e is TransportError {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === TRANSPORT_CODE;
}

/**
 * A post to a remote node refused because `maxPending` publishes are pending (queued here or
 * awaiting their PubAck). A {@link BackpressureError} (same code, same guard), with a message
 * that says what is full.
 */
export class PublishBackpressureError extends BackpressureError {
  /**
   * @param target - The remote node the post was addressed to.
   * @param maxPending - The transport's limit of pending publishes.
   */
  constructor(
    target: string,
    readonly maxPending: number,
  ) {
    super(target, 1);
    this.message = `remote node ${JSON.stringify(target)}: ${maxPending} publishes are already pending (maxPending: queued or awaiting their PubAck); try again later`;
  }
}

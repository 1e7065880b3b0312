import type { JetStreamClient } from '@nats-io/jetstream';
import type { Signal } from '../../signal/signal.ts';
import type { Clock, TimerHandle } from '../../util/clock.ts';
import { IdleWaiters } from '../../util/idle-waiters.ts';
import { RingBuffer } from '../../util/ring-buffer.ts';
import type { PublishAck } from '../transport.ts';
import { encodeSignal } from './codec.ts';
import { TransportError } from './errors.ts';

/** Publisher counters (plain fields: read at scrape time). */
export interface PublisherCounts {
  published: number;
  stored: number;
  duplicatePubAcks: number;
  publishFailed: number;
  publishRefused: number;
  publishRetried: number;
}

/** The connection as the publisher sees it: `down` while the client reconnects, `closed` for good. */
export type LinkState = 'up' | 'down' | 'closed';

/** How the pipeline publishes, bounds and retries. */
export interface PublisherOptions {
  readonly maxPending: number;
  readonly maxInFlight: number;
  readonly timeoutMs: number;
  /** Failed attempts while connected, after the first, before a publish fails for good (failures while the link is down do not count). */
  readonly retries: number;
  /** Wait before the first retry; it doubles per retry up to `maxRetryDelayMs`. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** Timers of the backoff (the network's clock: virtual in tests). */
  readonly clock: Clock;
  /** The connection's state now. */
  readonly link: () => LinkState;
  readonly subjectOf: (target: string) => string;
}

/** One publish held here (queued, in flight, or waiting to retry) and its caller's promise. */
interface Outgoing {
  readonly signal: Signal;
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (e: unknown) => void;
  /** Attempts made so far. */
  attempts: number;
  /** Attempts that failed while the link was up (they use up `retries`). */
  failedUp: number;
  /** The backoff timer while it waits for its next attempt. */
  timer: TimerHandle | undefined;
}

/**
 * The bounded publish pipeline. A `js.publish` awaited one at a time is bound by the round trip
 * (a few ten thousand a second at best), so publishes are not awaited by the sender: up to `maxInFlight` PubAcks are
 * outstanding at once, further publishes wait here in order (up to `maxPending` in all), and a
 * publish beyond that is refused (the caller turns it into a `backpressure` receipt) rather than
 * queued without bound. The header `Nats-Msg-Id` is the idempotency key, so the stream stores a
 * key once within its duplicate window.
 *
 * A failed publish (timeout, lost connection, JetStream not ready after a restart) is tried
 * again after a backoff, keeping its place in the window: during a broker outage the window and
 * then the queue fill up, and new publishes are refused before they are accepted, instead of
 * being accepted only to fail. Attempts that fail while the link is down do not use up the
 * retries: a publish waits out an outage of any length (the pipeline stays full meanwhile), and
 * every waiting publish is tried at once when the link comes back. A publish rejects only when
 * its retries are used up while connected (no stream, say), when the connection is closed for
 * good, or when it fails while the pipeline closes. A retry may store a message its earlier
 * attempt stored already (the PubAck was lost): the stream's dedup absorbs it, and the publish
 * counts as stored.
 */
export class Publisher {
  readonly counts: PublisherCounts = { published: 0, stored: 0, duplicatePubAcks: 0, publishFailed: 0, publishRefused: 0, publishRetried: 0 };
  readonly #js: JetStreamClient;
  readonly #options: PublisherOptions;
  readonly #subjects = new Map<string, string>();
  /** Publishes held: queued here plus in flight (retries waiting included). */
  #pending = 0;
  #inFlight = 0;
  #closing = false;
  readonly #queue = new RingBuffer<Outgoing>(16);
  /** Publishes waiting for a retry (so that closing can try them at once). */
  readonly #backingOff = new Set<Outgoing>();
  readonly #idle = new IdleWaiters();

  constructor(js: JetStreamClient, options: PublisherOptions) {
    this.#js = js;
    this.#options = options;
  }

  /** Publishes held: waiting here for the window, awaiting their PubAck, or waiting to retry. */
  get pending(): number {
    return this.#pending;
  }

  /** Publishes holding a place in the window (awaiting their PubAck, or waiting to retry). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** See {@link TransportSession.publish}. Failures reject with a {@link TransportError} (`publish`). */
  publish(signal: Signal): Promise<PublishAck> | undefined {
    if (this.#pending >= this.#options.maxPending) {
      this.counts.publishRefused++;
      return undefined;
    }
    this.#pending++;
    return new Promise<PublishAck>((resolve, reject) => {
      const outgoing: Outgoing = { signal, resolve, reject, attempts: 0, failedUp: 0, timer: undefined };
      if (this.#inFlight < this.#options.maxInFlight) {
        this.#inFlight++;
        this.#attempt(outgoing);
      } else {
        this.#queue.push(outgoing);
      }
    });
  }

  /**
   * No more retries: publishes waiting for one are tried once more now, and a publish that fails
   * from here on rejects (the session is closing; its caller dead-letters the signal).
   */
  close(): void {
    this.#closing = true;
    this.linkUp();
  }

  /** The link is back: every publish waiting for a retry is tried now, not after its backoff. */
  linkUp(): void {
    for (const outgoing of this.#backingOff) {
      this.#options.clock.clearTimeout(outgoing.timer);
      this.#retryNow(outgoing);
    }
  }

  /** Resolves once no publish is held (queued, awaiting its PubAck or waiting to retry). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return this.#idle.wait();
  }

  #attempt(outgoing: Outgoing): void {
    const signal = outgoing.signal;
    let subject = this.#subjects.get(signal.target);
    if (subject === undefined) this.#subjects.set(signal.target, (subject = this.#options.subjectOf(signal.target)));
    outgoing.attempts++;
    this.counts.published++;
    let sent: Promise<{ duplicate: boolean }>;
    try {
      sent = this.#js.publish(subject, encodeSignal(signal), { msgID: signal.idempotencyKey, timeout: this.#options.timeoutMs });
    } catch (e) {
      sent = Promise.reject(e as Error);
    }
    sent.then(
      (ack) => {
        if (ack.duplicate) this.counts.duplicatePubAcks++;
        else this.counts.stored++;
        // After a retry, "duplicate" most likely means an earlier attempt of this very publish was stored.
        outgoing.resolve(ack.duplicate && outgoing.attempts === 1 ? DUPLICATE : STORED);
        this.#done();
      },
      (e: unknown) => {
        const link = this.#options.link();
        if (!this.#closing && link !== 'closed' && (link === 'down' || outgoing.failedUp < this.#options.retries)) {
          if (link === 'up') outgoing.failedUp++;
          this.counts.publishRetried++;
          this.#backOff(outgoing);
          return;
        }
        this.counts.publishFailed++;
        const attempts = outgoing.attempts;
        outgoing.reject(
          new TransportError('publish', `publishing signal ${signal.id} to ${subject} failed after ${attempts} attempt(s): ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
            details: { subject, signalId: signal.id, attempts },
          }),
        );
        this.#done();
      },
    );
  }

  /** Waits `retryDelayMs × 2^(attempts so far − 1)` (capped), keeping the publish's place in the window. */
  #backOff(outgoing: Outgoing): void {
    const delay = Math.min(this.#options.maxRetryDelayMs, this.#options.retryDelayMs * 2 ** Math.min(outgoing.attempts - 1, 30));
    this.#backingOff.add(outgoing);
    outgoing.timer = this.#options.clock.setTimeout(() => this.#retryNow(outgoing), delay);
  }

  #retryNow(outgoing: Outgoing): void {
    this.#backingOff.delete(outgoing);
    outgoing.timer = undefined;
    this.#attempt(outgoing);
  }

  /** A publish ended (PubAck, or failed for good): the oldest queued publish takes the freed place. */
  #done(): void {
    const next = this.#queue.shift();
    if (next !== undefined) this.#attempt(next);
    else this.#inFlight--;
    if (--this.#pending === 0) this.#idle.wake();
  }
}

const STORED: PublishAck = Object.freeze({ duplicate: false });
const DUPLICATE: PublishAck = Object.freeze({ duplicate: true });

import type { JetStreamClient } from '@nats-io/jetstream';
import type { Signal } from '../../signal/signal.ts';
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
}

/** A publish waiting here for the pipeline's window, and its caller's promise. */
interface Queued {
  readonly signal: Signal;
  readonly resolve: (ack: PublishAck) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The bounded publish pipeline. A `js.publish` awaited one at a time is bound by the round trip
 * (~15k/s here), so publishes are not awaited by the sender: up to `maxInFlight` PubAcks are
 * outstanding at once, further publishes wait here in order (up to `maxPending` in all), and a
 * publish beyond that is refused (the caller turns it into a `backpressure` receipt) rather than
 * queued without bound. The header `Nats-Msg-Id` is the idempotency key, so the stream stores a
 * key once within its duplicate window.
 */
export class Publisher {
  readonly counts: PublisherCounts = { published: 0, stored: 0, duplicatePubAcks: 0, publishFailed: 0, publishRefused: 0 };
  readonly #js: JetStreamClient;
  readonly #maxPending: number;
  readonly #maxInFlight: number;
  readonly #timeoutMs: number;
  readonly #subjectOf: (target: string) => string;
  readonly #subjects = new Map<string, string>();
  /** Publishes held: queued here plus in flight. */
  #pending = 0;
  #inFlight = 0;
  readonly #queue = new RingBuffer<Queued>(16);
  readonly #idle = new IdleWaiters();

  constructor(js: JetStreamClient, options: { maxPending: number; maxInFlight: number; timeoutMs: number; subjectOf: (target: string) => string }) {
    this.#js = js;
    this.#maxPending = options.maxPending;
    this.#maxInFlight = options.maxInFlight;
    this.#timeoutMs = options.timeoutMs;
    this.#subjectOf = options.subjectOf;
  }

  /** Publishes held: waiting here for the window, or awaiting their PubAck. */
  get pending(): number {
    return this.#pending;
  }

  /** Publishes sent and awaiting their PubAck. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** See {@link TransportSession.publish}. Failures reject with a {@link TransportError} (`publish`). */
  publish(signal: Signal): Promise<PublishAck> | undefined {
    if (this.#pending >= this.#maxPending) {
      this.counts.publishRefused++;
      return undefined;
    }
    this.#pending++;
    if (this.#inFlight < this.#maxInFlight) return this.#send(signal);
    return new Promise<PublishAck>((resolve, reject) => this.#queue.push({ signal, resolve, reject }));
  }

  #send(signal: Signal): Promise<PublishAck> {
    let subject = this.#subjects.get(signal.target);
    if (subject === undefined) this.#subjects.set(signal.target, (subject = this.#subjectOf(signal.target)));
    this.#inFlight++;
    this.counts.published++;
    let sent: Promise<{ duplicate: boolean }>;
    try {
      sent = this.#js.publish(subject, encodeSignal(signal), { msgID: signal.idempotencyKey, timeout: this.#timeoutMs });
    } catch (e) {
      sent = Promise.reject(e as Error);
    }
    return sent.then(
      (ack) => {
        this.#done();
        if (ack.duplicate) this.counts.duplicatePubAcks++;
        else this.counts.stored++;
        return ack.duplicate ? DUPLICATE : STORED;
      },
      (e: unknown) => {
        this.#done();
        this.counts.publishFailed++;
        throw new TransportError('publish', `publishing signal ${signal.id} to ${subject} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, details: { subject, signalId: signal.id } });
      },
    );
  }

  /** Resolves once no publish is held (queued or awaiting its PubAck). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return this.#idle.wait();
  }

  /** A PubAck (or a failure) came back: the oldest queued publish takes the freed place. */
  #done(): void {
    this.#inFlight--;
    const next = this.#queue.shift();
    if (next !== undefined) this.#send(next.signal).then(next.resolve, next.reject);
    if (--this.#pending === 0) this.#idle.wake();
  }
}

const STORED: PublishAck = Object.freeze({ duplicate: false });
const DUPLICATE: PublishAck = Object.freeze({ duplicate: true });

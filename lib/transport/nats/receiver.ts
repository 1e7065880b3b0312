import type { JsMsg } from '@nats-io/jetstream';
import type { Signal } from '../../signal/signal.ts';
import type { TransportHost } from '../transport.ts';
import { decodeSignal } from './codec.ts';
import { TransportError } from './errors.ts';
import { MAX_NAK_DELAY_MS } from './options.ts';

/** Receiver counters (plain fields: read at scrape time). */
export interface ReceiverCounts {
  delivered: number;
  redeliveries: number;
  absorbed: number;
  acked: number;
  naked: number;
  terminated: number;
  duplicate: number;
  undecodable: number;
  inProgress: number;
}

/**
 * What happens to each JetStream message for a local node: decode → into the node through the
 * network (dedup for first deliveries only) → ack when the signal settles. Holds the message of
 * every received signal until then, keyed by signal id, so a settle (which knows only the
 * signal) finds the message to ack, and a redelivery of a signal still held here (its ack wait
 * ran out while it queued) is absorbed instead of handled twice.
 */
export class Receiver {
  readonly counts: ReceiverCounts = { delivered: 0, redeliveries: 0, absorbed: 0, acked: 0, naked: 0, terminated: 0, duplicate: 0, undecodable: 0, inProgress: 0 };
  readonly #host: TransportHost;
  readonly #maxDeliver: number;
  readonly #nakDelayMs: number;
  readonly #held = new Map<string, JsMsg>();

  constructor(host: TransportHost, options: { maxDeliver: number; nakDelayMs: number }) {
    this.#host = host;
    this.#maxDeliver = options.maxDeliver;
    this.#nakDelayMs = options.nakDelayMs;
  }

  /** Received signals not settled yet. */
  get held(): number {
    return this.#held.size;
  }

  /** One delivery of a message on `node`'s consumer. Never throws: a bad message is terminated and recorded. */
  onMessage(node: string, msg: JsMsg): void {
    this.counts.delivered++;
    const deliveries = msg.info.deliveryCount;
    const redelivery = deliveries > 1;
    if (redelivery) this.counts.redeliveries++;
    let signal: Signal;
    try {
      signal = decodeSignal(msg.string());
    } catch (e) {
      this.counts.undecodable++;
      this.#host.failure(e as Error, 'transport.decode', node);
      this.#term(msg, node, 'undecodable');
      return;
    }
    if (this.#held.has(signal.id)) {
      // Still queued or running here: ack the newest delivery once it settles.
      this.#held.set(signal.id, msg);
      this.counts.absorbed++;
      return;
    }
    this.#held.set(signal.id, msg);
    const outcome = this.#host.receive(node, signal, redelivery);
    if (outcome === 'accepted') return;
    this.#held.delete(signal.id);
    if (outcome === 'duplicate') {
      this.counts.duplicate++;
      this.#ack(msg, node);
      return;
    }
    if (deliveries >= this.#maxDeliver) {
      // JetStream will not deliver it again: keep it here rather than strand it in the stream.
      const error = new TransportError('max-deliver', `signal ${signal.id} for ${node} was refused (${outcome}) on its last delivery (${deliveries} of maxDeliver ${this.#maxDeliver})`, {
        details: { node, deliveries, outcome },
      });
      this.#host.giveUp(node, signal, error, deliveries);
      this.#term(msg, node, 'max-deliver');
      return;
    }
    // Backpressure: back off, more with each delivery. Shutting down: a short delay, so that the
    // message does not bounce back to this consumer (burning deliveries) before it stops.
    const delay = outcome === 'backpressure' ? Math.min(MAX_NAK_DELAY_MS, this.#nakDelayMs * 2 ** (deliveries - 1)) : this.#nakDelayMs;
    this.#nak(msg, node, delay);
  }

  /** A signal settled here: ack its message, if it came from the transport. */
  settled(signal: Signal): void {
    const msg = this.#held.get(signal.id);
    if (msg === undefined) return;
    this.#held.delete(signal.id);
    this.#ack(msg, signal.target);
  }

  /**
   * Tells JetStream that every held message is still being worked on (`msg.working()`), which
   * restarts its ack wait: a signal that queues or runs longer than the ack wait would otherwise
   * be delivered again, to this process (absorbed) or to another one (handled twice).
   */
  heartbeat(): void {
    for (const [, msg] of this.#held) {
      try {
        msg.working();
        this.counts.inProgress++;
      } catch (e) {
        // The connection is gone: the ack wait runs out and JetStream redelivers (at least once).
        this.#host.failure(e as Error, 'transport.working');
        return;
      }
    }
  }

  /** Naks every unsettled message (a shutdown handed their signals back): JetStream redelivers them. */
  handBackAll(): number {
    const n = this.#held.size;
    for (const [, msg] of this.#held) this.#nak(msg, undefined, 0);
    this.#held.clear();
    return n;
  }

  #ack(msg: JsMsg, node: string | undefined): void {
    try {
      msg.ack();
      this.counts.acked++;
    } catch (e) {
      // The connection is gone: JetStream redelivers after the ack wait (at least once).
      this.#host.failure(e as Error, 'transport.ack', node);
    }
  }

  #nak(msg: JsMsg, node: string | undefined, delayMs: number): void {
    try {
      msg.nak(delayMs > 0 ? delayMs : undefined);
      this.counts.naked++;
    } catch (e) {
      this.#host.failure(e as Error, 'transport.nak', node);
    }
  }

  #term(msg: JsMsg, node: string, reason: string): void {
    try {
      msg.term(reason);
      this.counts.terminated++;
    } catch (e) {
      this.#host.failure(e as Error, 'transport.term', node);
    }
  }
}

/**
 * The contract between a network and a transport that carries signals to nodes hosted by other
 * processes. Leaf file: imports only types. A transport (e.g. `createNatsTransport(options)`) is a
 * validated description; `bind` gives one network its own session (connection, consumers).
 */
import type { KeyValueStore } from '../control/key-value-store.ts';
import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import type { PlexusError } from '../util/errors.ts';

/** What the network does with a signal that arrived for one of its nodes. */
export type ReceiveOutcome = 'accepted' | 'duplicate' | 'backpressure' | 'closed' | 'unknown-target';

/** How a publish ended: stored (`duplicate` when the stream already held its message id). */
export interface PublishAck {
  /** True when the server had the message already (publish dedup). */
  readonly duplicate: boolean;
}

/** What a transport session needs from its network. */
export interface TransportHost {
  /** The network name. */
  readonly network: string;
  /** The network clock. */
  readonly clock: Clock;
  /** Mailbox capacity of a local node (bounds how much is pulled at once). */
  capacity(node: string): number;
  /**
   * Offers a signal that arrived for local node `node`. `redelivery`: the transport delivered it
   * before (deduplication is skipped: the first delivery may have been handled and not acked).
   */
  receive(node: string, signal: Signal, redelivery: boolean): ReceiveOutcome;
  /** A received signal that cannot be delivered again (its deliveries are used up): dead-letter it here. */
  giveUp(node: string, signal: Signal, error: Error, deliveries: number): void;
  /** A transport failure not tied to one signal's outcome: audit log and event. */
  failure(error: Error, operation: string, node?: string): void;
}

/** What a transport counted so far (all monotonic). */
export interface TransportCounts {
  /** Publishes handed to the server. */
  readonly published: number;
  /** PubAcks that stored a new message. */
  readonly stored: number;
  /** PubAcks that said the message id was already in the stream's duplicate window. */
  readonly duplicatePubAcks: number;
  /** Publishes that failed for good, their retries used up (the signal was dead-lettered with reason `transport-failed`). */
  readonly publishFailed: number;
  /** Publish attempts that failed and were tried again after a backoff (the signal stayed pending). */
  readonly publishRetried: number;
  /** Publishes refused because `maxPending` were in flight (receipt `backpressure`). */
  readonly publishRefused: number;
  /** Publishes held now: queued, awaiting their PubAck, or waiting to retry. */
  readonly publishPending: number;
  /** Messages delivered to this process (every delivery, redeliveries included). */
  readonly delivered: number;
  /** Deliveries that JetStream marked as redeliveries. */
  readonly redeliveries: number;
  /** Deliveries of a signal still held here (absorbed: acked once it settles). */
  readonly absorbed: number;
  /** Messages acked (the signal settled here, or was a duplicate). */
  readonly acked: number;
  /** Messages nak'ed (backpressure, shutting down, handed back by a shutdown). */
  readonly naked: number;
  /** Messages terminated (undecodable, or deliveries used up). */
  readonly terminated: number;
  /** Deliveries acked as duplicates by the node's dedup window. */
  readonly duplicate: number;
  /** Deliveries that could not be decoded. */
  readonly undecodable: number;
  /** "Still working" acks sent for held messages, so their ack wait does not run out while they queue or run. */
  readonly inProgress: number;
  /** Received signals held here and not settled yet (unacked). */
  readonly unacked: number;
}

/** What closing a transport session did; part of the shutdown report. */
export interface TransportReport {
  /** Unsettled received signals handed back to the stream (nak'ed: another process gets them). */
  readonly nakedAtClose: number;
  /** Publishes still awaiting a PubAck when the close began (the close waited for them). */
  readonly publishesAwaited: number;
  /** Publishes that failed during the close (dead-lettered with reason `transport-failed`). */
  readonly publishesFailed: number;
  /** Errors while closing (the close went on). */
  readonly errors: readonly string[];
}

/** One network's live link to a transport. */
export interface TransportSession {
  /**
   * Connects and starts consuming for `nodes` (the local nodes). `connected`, when given, runs
   * once the connection is up and before any consuming (e.g. to open key-value buckets); its
   * rejection fails the start, which then leaves nothing connected.
   */
  start(nodes: readonly string[], connected?: () => Promise<void>): Promise<void>;
  /**
   * The key-value store `bucket` (a short name such as `context`), shared by every process of
   * the network on this transport: a JetStream key-value bucket named after the network and
   * `bucket`, created on first use, on this session's connection, closed with the session.
   * Available from `connected` (see `start`) until close; rejects with the transport's error
   * otherwise, or when the bucket cannot be opened.
   */
  keyValue?(bucket: string): Promise<KeyValueStore>;
  /** Starts consuming for a node added after start. */
  addNode(node: string): void;
  /**
   * Publishes a signal for a remote node: a promise of its PubAck (rejecting with the
   * transport's error when the publish fails), or, when `maxPending` publishes are in flight,
   * the backpressure error to refuse the signal with.
   */
  publish(signal: Signal): Promise<PublishAck> | PlexusError;
  /** A signal settled (completed or dead-lettered) here: ack it if it came from the transport. */
  settled(signal: Signal): void;
  /** Stops taking new messages (shutdown, first step). */
  stopConsuming(): Promise<void>;
  /** Hands back unsettled signals, waits for publishes, closes the connection. Safe to call twice. */
  close(): Promise<TransportReport>;
  /** What the session has published, received and handed back so far. */
  counts(): TransportCounts;
}

/** A transport: validated options that bind to a network. */
export interface Transport {
  /** Short name, shown in events and metrics (e.g. `nats`). */
  readonly kind: string;
  /** Connects the transport to a network (done by the network at start). */
  bind(host: TransportHost): TransportSession;
}

import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Signal } from '../../signal/signal.ts';
import type { PublishAck, Transport, TransportCounts, TransportHost, TransportReport, TransportSession } from '../transport.ts';
import type { TimerHandle } from '../../util/clock.ts';
import type { PlexusError } from '../../util/errors.ts';
import type { KeyValueStore } from '../../control/key-value-store.ts';
import { clientOptions, connectError } from './connection.ts';
import { KvBuckets } from './kv-buckets.ts';
import { PublishBackpressureError, TransportError } from './errors.ts';
import { defaultStream, durableFor, streamSubjects, subjectFor } from './names.ts';
import { MAX_PUBLISH_RETRY_DELAY_MS, resolveNatsOptions, type NatsTransportOptions, type ResolvedNatsOptions } from './options.ts';
import { Publisher, type LinkState } from './publisher.ts';
import { Receiver } from './receiver.ts';

/** Most messages one pull asks for (fewer when the node's mailbox is smaller). */
const MAX_PULL_BATCH = 256;
/** Longest wait for a consumer to stop at shutdown. */
const STOP_CONSUMING_TIMEOUT_MS = 5_000;
/** Held messages are marked in progress this many times per ack wait (one lost heartbeat is not a redelivery). */
const HEARTBEATS_PER_ACK_WAIT = 3;

/** The NATS JetStream transport (see {@link createNatsTransport}). */
export interface NatsTransport extends Transport {
  readonly kind: 'nats';
  /** The options, defaults filled in. */
  readonly options: ResolvedNatsOptions;
}

/**
 * A transport over NATS JetStream: the same Network API across processes. Options are validated
 * here (InvalidOptionsError naming the option). Each network bound to it gets its own
 * connection.
 *
 * @example
 * ```ts
 * const net = createNetwork({ name: 'orders', transport: createNatsTransport({ servers: 'nats://127.0.0.1:4222' }) });
 * net.remote('billing');            // hosted by another process of the network 'orders'
 * await net.start();
 * await net.send('billing', { type: 'invoice', payload: { id: 7 }, idempotencyKey: 'inv-7' });
 * ```
 */
export function createNatsTransport(options: NatsTransportOptions = {}): NatsTransport {
  const resolved = resolveNatsOptions(options);
  return Object.freeze({ kind: 'nats' as const, options: resolved, bind: (host: TransportHost) => new NatsSession(resolved, host) });
}

/**
 * One network's JetStream link. One stream per network (subjects `<prefix>.<network>.>`,
 * work-queue retention: a message stays until a process acks it), one durable pull consumer per
 * node shared by every process that hosts the node, filtered on the node's subject.
 */
class NatsSession implements TransportSession {
  readonly #options: ResolvedNatsOptions;
  readonly #host: TransportHost;
  readonly #stream: string;
  readonly #receiver: Receiver;
  readonly #consumers = new Map<string, ConsumerMessages>();
  readonly #buckets: KvBuckets;
  #nc: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #jsm: JetStreamManager | undefined;
  #publisher: Publisher | undefined;
  #consuming = false;
  #stopping: Promise<void> | undefined;
  #closing: Promise<TransportReport> | undefined;
  #heartbeat: TimerHandle | undefined;
  /** Down between a `disconnect` and the next `reconnect` status of the client. */
  #link: LinkState = 'up';

  constructor(o: ResolvedNatsOptions, host: TransportHost) {
    this.#options = o;
    this.#host = host;
    this.#stream = o.stream ?? defaultStream(host.network);
    this.#receiver = new Receiver(host, { maxDeliver: o.maxDeliver, nakDelayMs: o.nakDelayMs });
    this.#buckets = new KvBuckets({ network: host.network, client: () => (this.#closing === undefined ? this.#js : undefined), failure: (e, op) => host.failure(e, op) });
  }

  async start(nodes: readonly string[], connected?: () => Promise<void>): Promise<void> {
    let nc: NatsConnection;
    try {
      // A refused credential fails this first connect at once (no reconnect loop before it).
      nc = await connect({ ...(await clientOptions(this.#options)), servers: [...this.#options.servers], name: this.#options.connectionName ?? `plexus:${this.#host.network}`, noAsyncTraces: true });
    } catch (e) {
      throw connectError(e, this.#options.servers, this.#options);
    }
    try {
      this.#nc = nc;
      this.#jsm = await jetstreamManager(nc);
      this.#js = jetstream(nc, { timeout: this.#options.publishTimeoutMs });
      await this.#ensureStream();
      await connected?.();
      this.#publisher = new Publisher(this.#js, {
        maxPending: this.#options.maxPending,
        maxInFlight: this.#options.maxInFlight,
        timeoutMs: this.#options.publishTimeoutMs,
        retries: this.#options.publishRetries,
        retryDelayMs: this.#options.publishRetryDelayMs,
        maxRetryDelayMs: MAX_PUBLISH_RETRY_DELAY_MS,
        clock: this.#host.clock,
        link: () => (nc.isClosed() ? 'closed' : this.#link),
        subjectOf: (t) => subjectFor(this.#options.subjectPrefix, this.#host.network, t),
      });
      this.#consuming = true;
      for (const node of nodes) await this.#consume(node);
      this.#scheduleHeartbeat();
    } catch (e) {
      this.#consuming = false;
      await this.#buckets.close();
      await nc.close().catch(() => undefined);
      this.#nc = undefined;
      this.#js = undefined;
      throw e;
    }
    void this.#watch(nc);
  }

  keyValue(bucket: string): Promise<KeyValueStore> {
    return this.#buckets.get(bucket);
  }

  addNode(node: string): void {
    if (!this.#consuming) return;
    this.#consume(node).catch((e: unknown) => this.#host.failure(e as Error, 'transport.consume', node));
  }

  publish(signal: Signal): Promise<PublishAck> | PlexusError {
    const publisher = this.#publisher;
    if (publisher === undefined) return Promise.reject(new TransportError('closed', 'the NATS transport is not connected'));
    return publisher.publish(signal) ?? new PublishBackpressureError(signal.target, this.#options.maxPending);
  }

  settled(signal: Signal): void {
    this.#receiver.settled(signal);
  }

  stopConsuming(): Promise<void> {
    this.#stopping ??= this.#stopAll();
    return this.#stopping;
  }

  close(): Promise<TransportReport> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  counts(): TransportCounts {
    const p = this.#publisher?.counts;
    const r = this.#receiver.counts;
    return {
      published: p?.published ?? 0,
      stored: p?.stored ?? 0,
      duplicatePubAcks: p?.duplicatePubAcks ?? 0,
      publishFailed: p?.publishFailed ?? 0,
      publishRetried: p?.publishRetried ?? 0,
      publishRefused: p?.publishRefused ?? 0,
      publishPending: this.#publisher?.pending ?? 0,
      ...r,
      unacked: this.#receiver.held,
    };
  }

  async #ensureStream(): Promise<void> {
    const jsm = this.#jsm!;
    const subject = streamSubjects(this.#options.subjectPrefix, this.#host.network);
    try {
      const info = await jsm.streams.info(this.#stream).catch((e: unknown) => {
        if ((e as { code?: unknown }).code === 10059) return undefined; // stream not found
        throw e;
      });
      if (info === undefined) {
        await jsm.streams.add({
          name: this.#stream,
          subjects: [subject],
          retention: RetentionPolicy.Workqueue,
          storage: StorageType.File,
          duplicate_window: nanos(this.#options.duplicateWindowMs),
        });
      } else if (!info.config.subjects?.includes(subject)) {
        throw new TransportError('stream', `stream ${this.#stream} exists without the subjects ${subject} of network ${this.#host.network}`);
      }
    } catch (e) {
      if (e instanceof TransportError) throw e;
      throw new TransportError('stream', `cannot set up stream ${this.#stream}: ${(e as Error).message}`, { cause: e });
    }
  }

  async #consume(node: string): Promise<void> {
    if (this.#consumers.has(node)) return;
    const jsm = this.#jsm!;
    const durable = durableFor(node);
    const config = {
      durable_name: durable,
      filter_subject: subjectFor(this.#options.subjectPrefix, this.#host.network, node),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.#options.ackWaitMs),
      max_deliver: this.#options.maxDeliver,
    };
    try {
      try {
        await jsm.consumers.add(this.#stream, config);
      } catch {
        // It exists with other settings (another process, or older options): take ours.
        await jsm.consumers.update(this.#stream, durable, { ack_wait: config.ack_wait, max_deliver: config.max_deliver });
      }
      const consumer = await this.#js!.consumers.get(this.#stream, durable);
      const batch = Math.max(1, Math.min(MAX_PULL_BATCH, this.#host.capacity(node)));
      const messages = await consumer.consume({ max_messages: batch, callback: (m) => this.#receiver.onMessage(node, m) });
      this.#consumers.set(node, messages);
    } catch (e) {
      throw new TransportError('consumer', `cannot consume ${durable} on stream ${this.#stream} for node ${node}: ${(e as Error).message}`, { cause: e, details: { node } });
    }
  }

  /**
   * Re-arms itself until the session closes (held signals still run during a shutdown's drain,
   * after the consumers stopped); on the network's clock, so virtual time drives it in tests.
   */
  #scheduleHeartbeat(): void {
    const every = Math.max(1, Math.floor(this.#options.ackWaitMs / HEARTBEATS_PER_ACK_WAIT));
    this.#heartbeat = this.#host.clock.setTimeout(() => {
      this.#receiver.heartbeat();
      this.#scheduleHeartbeat();
    }, every);
  }

  async #stopAll(): Promise<void> {
    this.#consuming = false;
    const all = [...this.#consumers.entries()];
    this.#consumers.clear();
    await Promise.all(
      all.map(async ([node, messages]) => {
        const closed = messages.close().then((r) => {
          if (r instanceof Error) this.#host.failure(r, 'transport.stop-consuming', node);
        });
        await withTimeout(closed, STOP_CONSUMING_TIMEOUT_MS);
      }),
    );
  }

  async #close(): Promise<TransportReport> {
    const errors: string[] = [];
    await this.stopConsuming().catch((e: unknown) => errors.push(`stop consuming: ${(e as Error).message}`));
    if (this.#heartbeat !== undefined) this.#host.clock.clearTimeout(this.#heartbeat);
    this.#heartbeat = undefined;
    const nakedAtClose = this.#receiver.handBackAll();
    const publisher = this.#publisher;
    const publishesAwaited = publisher?.pending ?? 0;
    const failedBefore = publisher?.counts.publishFailed ?? 0;
    // No more retries (a publish failing now is dead-lettered); each attempt carries its own timeout, so this wait is bounded.
    publisher?.close();
    await publisher?.idle();
    await this.#buckets.close();
    const nc = this.#nc;
    if (nc !== undefined && !nc.isClosed()) {
      try {
        await nc.drain();
      } catch (e) {
        errors.push(`drain: ${(e as Error).message}`);
        await nc.close().catch(() => undefined);
      }
    }
    return { nakedAtClose, publishesAwaited, publishesFailed: (publisher?.counts.publishFailed ?? 0) - failedBefore, errors };
  }

  /** Connection troubles go to the audit log and the event stream (the client reconnects by itself). */
  async #watch(nc: NatsConnection): Promise<void> {
    void nc.closed().then((e) => {
      if (e instanceof Error) this.#host.failure(new TransportError('closed', `NATS connection closed: ${e.message}`, { cause: e }), 'transport.connection');
    });
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.#link = 'down';
      else if (s.type === 'reconnect') {
        this.#link = 'up';
        this.#publisher?.linkUp();
      }
      if (s.type === 'disconnect' || s.type === 'error')
        this.#host.failure(new TransportError('connect', `NATS ${s.type}: ${'error' in s ? String(s.error) : 'server' in s ? s.server : ''}`), 'transport.connection');
    }
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

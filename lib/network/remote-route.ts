import type { DeadLetter } from '../delivery/dead-letter-queue.ts';
import type { Journal } from '../delivery/journal.ts';
import type { DeadLetterReason, RejectReason } from '../observe/events.ts';
import type { ClassifiedError, ErrorContext } from '../resilience/classify/categories.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PublishAck, TransportSession } from '../transport/transport.ts';
import type { PlexusError } from '../util/errors.ts';
import type { Receipt } from '../node/receipt.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import type { Clock } from '../util/clock.ts';

/** The partition of an accepted receipt for a remote node: the process hosting it picks the real one. */
export const REMOTE_PARTITION = -1;

/** What the remote route needs from its network (the router's host is one). */
export interface RemoteHost {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  /** Nodes hosted by other processes (reached through `transport`). */
  readonly remotes: ReadonlySet<string>;
  readonly transport: TransportSession | undefined;
  /** The transport's kind, for events (`nats`). */
  readonly transportKind: string;
  /** The network's journal: a durable one keeps the dead letters made here (see `deadLetterNow`). */
  readonly journal: Journal | undefined;
}

/** What the remote route shares with its router: the counts, the active total, dead letters, refusals. */
export interface RouteLedger {
  readonly counts: { accepted: number; duplicate: number; redelivered: number; forwarded: number; journalErrors: number };
  /** One more signal is active (in the publish pipeline). */
  activate(): void;
  /** One active signal ended. */
  settled(): void;
  deadLetter(entry: DeadLetter): void;
  reject(target: string, draft: SignalDraft | Signal, reason: RejectReason, error: PlexusError): Receipt;
}

/**
 * The router's way to nodes of other processes: a post to a remote node becomes a publish
 * through the transport. Only reached once the local lookup missed, so local traffic never pays
 * for it.
 */
export class RemoteRoute {
  readonly #host: RemoteHost;
  readonly #ledger: RouteLedger;
  #lastPublish: Promise<PublishAck> | undefined;

  constructor(host: RemoteHost, ledger: RouteLedger) {
    this.#host = host;
    this.#ledger = ledger;
  }

  /** The PubAck of the last accepted remote post, for `send` to await (then forgotten). */
  takeLastPublish(): Promise<PublishAck> | undefined {
    const published = this.#lastPublish;
    this.#lastPublish = undefined;
    return published;
  }

  /** The transport that reaches `target`, when it is a remote node of this network. */
  transportFor(target: string): TransportSession | undefined {
    const transport = this.#host.transport;
    return transport !== undefined && this.#host.remotes.has(target) ? transport : undefined;
  }

  /**
   * Hands a signal to the transport. Accepted (and active) once it is in the bounded publish
   * pipeline; its PubAck makes it `forwarded` (or, for a post whose key the stream already held,
   * `duplicate`); a publish that fails for good (the transport retries it first, keeping its
   * place in the pipeline) dead-letters it here with reason `transport-failed`.
   * `replay`: a DLQ reprocess (counted as redelivered).
   */
  forward(transport: TransportSession, signal: Signal, replay: boolean): Receipt {
    const ledger = this.#ledger;
    const published = transport.publish(signal);
    if (!(published instanceof Promise)) {
      return replay ? { status: 'rejected', target: signal.target, reason: 'backpressure', error: published } : ledger.reject(signal.target, signal, 'backpressure', published);
    }
    if (replay) ledger.counts.redelivered++;
    else ledger.counts.accepted++;
    ledger.activate();
    this.#lastPublish = published;
    published.then(
      (ack) => this.#published(signal, ack, replay),
      (e: unknown) => {
        this.deadLetterNow(signal.target, signal, 'transport-failed', this.failure(e as Error, 'transport.publish', signal.target, signal), 1);
        ledger.settled();
      },
    );
    return { status: 'accepted', id: signal.id, target: signal.target, partition: REMOTE_PARTITION };
  }

  /** A transport failure: classified into the audit log, and a `transport-error` event. */
  failure(error: Error, operation: string, node?: string, signal?: Signal): ClassifiedError {
    const classified = this.record(error, operation, node, signal);
    const hub = this.#host.hub;
    if (hub.observed) hub.emit({ kind: 'transport-error', at: this.#host.clock.now(), transport: this.#host.transportKind, operation, node, error: classified.error });
    return classified;
  }

  /** Classifies a failure (of `signal`, when it concerns one) into the audit log. */
  record(error: unknown, operation: string, node?: string, signal?: Signal): ClassifiedError {
    const context: ErrorContext = { operation, ...(node === undefined ? {} : { node }), ...(signal === undefined ? {} : { signalId: signal.id, signalType: signal.type }) };
    const classified = this.#host.classifier.classify(error, context);
    this.#host.audit.recordError(classified);
    return classified;
  }

  /**
   * Dead-letters a signal that never reached a node's handler here (publish failed, deliveries
   * used up). No node journaled it, so a durable journal is given it here (see `#journal`).
   */
  deadLetterNow(node: string, signal: Signal, reason: DeadLetterReason, error: ClassifiedError, attempts: number): void {
    const now = this.#host.clock.now();
    const entry: DeadLetter = { id: signal.id, node, partition: REMOTE_PARTITION, reason, error: error.error, attempts, firstFailureAt: now, lastFailureAt: now, deadLetteredAt: now, signal };
    this.#journal(entry);
    this.#ledger.deadLetter(entry);
  }

  /**
   * With a durable journal, the dead letter survives a restart like a node's: the journal never
   * held this signal (a forward is not journaled: the stream is its record; a received one
   * neither), so it gets its accept record and, in the same turn, its end with the entry, which
   * a FileJournal writes as the same two lines a node's dead letter gets. Not awaited: a failure
   * costs only the entry's durability (it is in the queue all the same), and is counted in
   * `journalErrors` and the audit log.
   */
  #journal(entry: DeadLetter): void {
    const journal = this.#host.journal;
    if (journal?.durable !== true) return;
    const signal = entry.signal;
    const appended = journal.append(signal);
    appended?.catch((e: unknown) => {
      this.#ledger.counts.journalErrors++;
      this.record(e, 'journal.append', entry.node, signal);
    });
    journal.settle(signal, 'dead-lettered', entry.deadLetteredAt, entry);
  }

  #published(signal: Signal, ack: PublishAck, replay: boolean): void {
    const counts = this.#ledger.counts;
    if (ack.duplicate && !replay) {
      // The stream already held this idempotency key: the post was a duplicate after all.
      counts.accepted--;
      counts.duplicate++;
      const hub = this.#host.hub;
      if (hub.observed)
        hub.emit({
          kind: 'duplicate',
          at: this.#host.clock.now(),
          node: signal.target,
          signalId: signal.id,
          signalType: signal.type,
          correlationId: signal.correlationId,
          signal,
          idempotencyKey: signal.idempotencyKey,
        });
    } else {
      counts.forwarded++;
    }
    // A dead letter reprocessed to a remote node is in the stream now: a durable journal must not
    // bring it back at the next start (a node's accept record does that for a local one).
    if (replay && this.#host.journal?.durable === true) this.#host.journal.forgetDeadLetter?.(signal.id);
    this.#ledger.settled();
  }
}

import type { DeadLetter } from '../delivery/dead-letter-queue.ts';
import type { DeadLetterReason, RejectReason } from '../observe/events.ts';
import { ResourceExhaustedError } from '../resilience/errors.ts';
import { createSignal } from '../signal/create-signal.ts';
import { UnknownTargetError } from '../signal/errors.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PublishAck, TransportSession } from '../transport/transport.ts';
import type { PlexusError } from '../util/errors.ts';
import type { Receipt } from './receipt.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import type { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { Clock } from '../util/clock.ts';

/** The partition of an accepted receipt for a remote node: the process hosting it picks the real one. */
export const REMOTE_PARTITION = -1;

/** What the remote route needs from its network (the router's host is one). */
export interface RemoteHost {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly limits: PayloadLimits;
  readonly guard: ResourceGuard | undefined;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  /** Nodes hosted by other processes (reached through `transport`). */
  readonly remotes: ReadonlySet<string>;
  readonly transport: TransportSession | undefined;
  /** The transport's kind, for events (`nats`). */
  readonly transportKind: string;
}

/** What the remote route shares with its router: the counts, the active total, dead letters, refusals. */
export interface RouteLedger {
  readonly counts: { accepted: number; duplicate: number; redelivered: number; forwarded: number };
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
  readonly #h: RemoteHost;
  readonly #ledger: RouteLedger;
  #lastPublish: Promise<PublishAck> | undefined;

  constructor(host: RemoteHost, ledger: RouteLedger) {
    this.#h = host;
    this.#ledger = ledger;
  }

  /** The PubAck of the last accepted remote post, for `send` to await (then forgotten). */
  takeLastPublish(): Promise<PublishAck> | undefined {
    const published = this.#lastPublish;
    this.#lastPublish = undefined;
    return published;
  }

  /** A post for a node that is not local: a remote node, or an unknown target. */
  post(target: string, draft: SignalDraft, parent: Signal | undefined, source: string | undefined): Receipt {
    const transport = this.#h.transport;
    if (transport === undefined || !this.#h.remotes.has(target)) return this.#ledger.reject(target, draft, 'unknown-target', new UnknownTargetError(target));
    const guard = this.#h.guard;
    if (guard !== undefined && !guard.allows()) {
      return this.#ledger.reject(target, draft, 'resource-exhausted', new ResourceExhaustedError('heap', guard.heapUsed, guard.options.maxHeapBytes));
    }
    let signal: Signal;
    try {
      signal = createSignal(draft, target, this.#h.clock.now(), this.#h.limits, parent, source);
    } catch (e) {
      return this.#ledger.reject(target, draft, 'invalid', e as PlexusError);
    }
    return this.forward(transport, signal, false);
  }

  /**
   * Hands a signal to the transport. Accepted (and active) once it is in the bounded publish
   * pipeline; its PubAck makes it `forwarded` (or, for a post whose key the stream already held,
   * `duplicate`); a failed publish dead-letters it here with reason `transport-failed`.
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
        this.failure(e as Error, 'transport.publish', signal.target);
        this.deadLetterNow(signal.target, signal, 'transport-failed', e, 1, 'transport.publish');
        ledger.settled();
      },
    );
    return { status: 'accepted', id: signal.id, target: signal.target, partition: REMOTE_PARTITION };
  }

  /** A transport failure: classified into the audit log, and a `transport-error` event. */
  failure(error: Error, operation: string, node?: string): void {
    const classified = this.#h.classifier.classify(error, node === undefined ? { operation } : { operation, node });
    this.#h.audit.recordError(classified);
    const hub = this.#h.hub;
    if (hub.observed) hub.emit({ kind: 'transport-error', at: this.#h.clock.now(), transport: this.#h.transportKind, operation, node, error: { ...classified.error, category: classified.category } });
  }

  /** Dead-letters a signal that never reached a node's handler here (publish failed, deliveries used up). */
  deadLetterNow(node: string, signal: Signal, reason: DeadLetterReason, error: unknown, attempts: number, operation: string): void {
    const now = this.#h.clock.now();
    const classified = this.#h.classifier.classify(error, { operation, node, signalId: signal.id, signalType: signal.type });
    // A failed publish was recorded by `failure` already.
    if (reason !== 'transport-failed') this.#h.audit.recordError(classified);
    this.#ledger.deadLetter({ id: signal.id, node, partition: REMOTE_PARTITION, reason, error: { ...classified.error, category: classified.category }, attempts, firstFailureAt: now, lastFailureAt: now, deadLetteredAt: now, signal });
  }

  #published(signal: Signal, ack: PublishAck, replay: boolean): void {
    const counts = this.#ledger.counts;
    if (ack.duplicate && !replay) {
      // The stream already held this idempotency key: the post was a duplicate after all.
      counts.accepted--;
      counts.duplicate++;
      const hub = this.#h.hub;
      if (hub.observed) hub.emit({ kind: 'duplicate', at: this.#h.clock.now(), node: signal.target, signalId: signal.id, signalType: signal.type, correlationId: signal.correlationId, signal, idempotencyKey: signal.idempotencyKey });
    } else {
      counts.forwarded++;
    }
    this.#ledger.settled();
  }
}

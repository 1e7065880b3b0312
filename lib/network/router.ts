import type { DeadLetter, DeadLetterStore } from '../delivery/dead-letter-queue.ts';
import type { Journal } from '../delivery/journal.ts';
import { OFFER_DUPLICATE, type NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { HandlingTracer } from '../observe/open-telemetry.ts';
import { draftWithTraceHeaders, namesTraceparent } from '../observe/traceparent.ts';
import type { RejectReason } from '../observe/events.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import { ResourceExhaustedError, ShuttingDownError } from '../resilience/errors.ts';
import type { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import { createSignal } from '../signal/create-signal.ts';
import { reviseSignal } from '../signal/envelope.ts';
import { UnknownTargetError, ValidationError } from '../signal/errors.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { PublishAck, ReceiveOutcome } from '../transport/transport.ts';
import type { Clock } from '../util/clock.ts';
import { toErrorInfo, type PlexusError } from '../util/errors.ts';
import { IdleWaiters } from '../util/idle-waiters.ts';
import { BackpressureError } from '../mailbox/backpressure-error.ts';
import { NoHealthyMemberError } from '../control/failover-errors.ts';
import { CausationDepthError, EmitRefusedError, LifecycleError } from './errors.ts';
import type { NetworkCounts } from './network-stats.ts';
import type { Receipt } from '../node/receipt.ts';
import { RemoteRoute, type RemoteHost } from './remote-route.ts';

/** What the router shares with its network. */
export interface RouterHost extends RemoteHost {
  readonly name: string;
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  readonly journal: Journal | undefined;
  readonly limits: PayloadLimits;
  readonly guard: ResourceGuard | undefined;
  readonly dlq: DeadLetterStore;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  /** Longest chain of emits (`Signal.causationDepth`) a handler may extend. */
  readonly maxCausationDepth: number;
  /** Where a signal to a failover group goes (see `NetworkFailover.memberFor`): undefined for a name that is no group, null for a group with no active member. */
  memberFor?(target: string): string | null | undefined;
}

export { REMOTE_PARTITION } from './remote-route.ts';

/**
 * The signal path between senders and nodes: validation, routing, acceptance, receipts, the
 * journal append, dead letters and the counts that prove nothing was lost. The network owns one
 * and adds lifecycle, configuration and observation around it.
 */
export class Router {
  readonly #host: RouterHost;
  /**
   * `created` until start; `starting` while the transport starts (posts are still refused as
   * `not-started`, but the transport's deliveries and their handlers' emits are taken); then
   * `open`; `draining` once a shutdown began (senders from outside are refused, handlers' emits
   * still accepted, so pipelines drain); `closed` once the drain ended.
   */
  #gate: 'created' | 'starting' | 'open' | 'draining' | 'closed' = 'created';
  #active = 0;
  readonly #idle = new IdleWaiters();
  #lastAppend: Promise<void> | undefined;
  /** The append promise a failure handler is attached to, and how many signals it stands for. */
  #appendWatch: { readonly promise: Promise<void>; signals: number; readonly firstId: string } | undefined;
  readonly #counts = { sent: 0, accepted: 0, duplicate: 0, rejected: 0, deadLettered: 0, handedBack: 0, redelivered: 0, journalErrors: 0, forwarded: 0, received: 0 };
  readonly #remote: RemoteRoute;
  /** Set when the network traces with OpenTelemetry (network-tracing.ts). */
  #tracer: HandlingTracer | undefined;

  constructor(host: RouterHost) {
    this.#host = host;
    this.#remote = new RemoteRoute(host, {
      counts: this.#counts,
      activate: () => void this.#active++,
      settled: () => this.settled(),
      deadLetter: (entry) => this.deadLetter(entry),
      reject: (target, draft, reason, error) => this.#reject(target, draft, reason, error),
    });
  }

  /** The transport is starting: its deliveries are taken, posts not yet (see `#gate`). */
  starting(): void {
    if (this.#gate === 'created') this.#gate = 'starting';
  }

  /** Starts accepting (unless a shutdown began meanwhile). */
  open(): void {
    if (this.#gate === 'created' || this.#gate === 'starting') this.#gate = 'open';
  }

  /** Back to not started (a start that failed). */
  unopen(): void {
    if (this.#gate === 'starting' || this.#gate === 'open') this.#gate = 'created';
  }

  /**
   * A shutdown began: senders from outside (posts, replays, the transport) hear `shutting-down`
   * from now on, but a handler of an accepted signal may still emit: its children are accepted
   * and drained with it (refusing them would fail the parent, which would retry its side effects
   * and never finish the pipeline).
   */
  drainOnly(): void {
    if (this.#gate !== 'closed') this.#gate = 'draining';
  }

  /** Stops accepting anything, emits included: the drain is over (done, timed out or forced). */
  close(): void {
    this.#gate = 'closed';
  }

  get accepting(): boolean {
    return this.#gate === 'open';
  }

  /** Accepted signals not yet ended. */
  get active(): number {
    return this.#active;
  }

  /** A sender's signal (`parent` and `source` set when a handler emits it). */
  post<P>(target: string, draft: SignalDraft<P>, parent?: Signal, source?: string): Receipt {
    this.#counts.sent++;
    if (this.#gate !== 'open' && (parent === undefined || (this.#gate !== 'draining' && this.#gate !== 'starting'))) {
      return this.#gate === 'created' || this.#gate === 'starting'
        ? this.#reject(target, draft, 'not-started', new LifecycleError('the network is not started: call start() first'))
        : this.#reject(target, draft, 'shutting-down', new ShuttingDownError(this.#host.name));
    }
    if (parent !== undefined && (parent.causationDepth ?? 0) >= this.#host.maxCausationDepth) {
      return this.#reject(target, draft, 'causation-depth', new CausationDepthError(target, (parent.causationDepth ?? 0) + 1, this.#host.maxCausationDepth));
    }
    let to = target;
    let node = this.#host.nodes.get(target);
    if (node === undefined) {
      // A failover group's name: the signal goes to its active member (decided here, once).
      const member = this.#host.memberFor?.(target);
      if (member === null) return this.#reject(target, draft, 'no-active-member', new NoHealthyMemberError(target, `failover group '${target}' has no active member`));
      if (member !== undefined) node = this.#host.nodes.get((to = member));
    }
    // Remote nodes are looked up only once the local lookup missed: free for local traffic.
    const transport = node === undefined ? this.#remote.transportFor(to) : undefined;
    if (node === undefined && transport === undefined) return this.#reject(to, draft, 'unknown-target', new UnknownTargetError(to));
    const guard = this.#host.guard;
    if (guard !== undefined && !guard.allows()) {
      return this.#reject(target, draft, 'resource-exhausted', new ResourceExhaustedError('heap', guard.heapUsed, guard.options.maxHeapBytes));
    }
    let signal: Signal;
    const now = this.#host.clock.now();
    // The one test tracing adds to the signal path, false unless the application traces.
    if (this.#tracer !== undefined && parent === undefined) draft = this.#senderTraced(draft, target, this.#tracer);
    try {
      signal = createSignal(draft, to, now, this.#host.limits, parent, source);
    } catch (e) {
      return this.#reject(to, draft, 'invalid', e as PlexusError);
    }
    if (node === undefined) return this.#remote.forward(transport!, signal, false);
    const accepts = node.config.accepts;
    if (accepts !== undefined && !accepts.has(signal.type)) {
      return this.#reject(to, draft, 'invalid', new ValidationError('invalid-type', `node ${to} does not accept signals of type ${JSON.stringify(signal.type)} (accepts: ${[...accepts].join(', ')})`));
    }
    return this.offer(node, signal, false, now);
  }

  /**
   * From now on a signal sent from outside a handler carries trace headers: of the span active
   * where it is sent, or of a `send` span made for it (a handler's emits get its handling
   * span's, from its context).
   */
  traceSends(tracer: HandlingTracer): void {
    this.#tracer = tracer;
  }

  /** `draft` with the sender's trace headers, unless it names a traceparent of its own (kept). */
  #senderTraced<P>(draft: SignalDraft<P>, target: string, tracer: HandlingTracer): SignalDraft<P> {
    return namesTraceparent(draft) ? draft : draftWithTraceHeaders(draft, tracer.senderHeaders(target));
  }

  /** The journal append of the last accepted post, for `send` to await (then forgotten). */
  takeLastAppend(): Promise<void> | undefined {
    const appended = this.#lastAppend;
    this.#lastAppend = undefined;
    return appended;
  }

  /** The PubAck of the last accepted post to a remote node, for `send` to await (then forgotten). */
  takeLastPublish(): Promise<PublishAck> | undefined {
    return this.#remote.takeLastPublish();
  }

  /**
   * A handler's `ctx.emit`: a refused child throws, so the parent fails rather than lose it
   * (a chain too deep throws its CausationDepthError itself: its code says what to fix).
   */
  emitFrom(node: string, parent: Signal, target: string, draft: SignalDraft): Receipt {
    const receipt = this.post(target, draft, parent, node);
    if (receipt.status === 'rejected') throw receipt.reason === 'causation-depth' ? receipt.error : new EmitRefusedError(target, receipt.reason, receipt.error);
    return receipt;
  }

  /**
   * Takes a signal into a node. `replay`: a dead letter or journal replay coming back (counted
   * as redelivered, not sent). `journaled`: false for signals the journal already holds.
   */
  offer(node: NodeRuntime, signal: Signal, replay: boolean, now = this.#host.clock.now(), journaled = true): Receipt {
    // A key that defaulted to the signal's own fresh id cannot have been seen before: such
    // signals skip the dedup window (in this process they come back only as replays, which skip
    // it anyway). A transport that redelivers envelopes records their keys itself.
    const partition = node.offer(signal, replay || signal.idempotencyKey === signal.id, now);
    if (partition >= 0) {
      if (replay) this.#counts.redelivered++;
      else this.#counts.accepted++;
      this.#active++;
      // Appended after the mailbox took it but before any handler can run (the drain is a
      // microtask away), so in the journal's one ordered stream an `accepted` record always
      // precedes the settle record of the same signal and of any child it emits.
      if (journaled && this.#host.journal !== undefined) this.#journalAppend(signal);
      return { status: 'accepted', id: signal.id, target: node.name, partition };
    }
    if (partition === OFFER_DUPLICATE) {
      this.#counts.duplicate++; // never for replays: they skip deduplication
      return { status: 'duplicate', id: signal.id, target: node.name, idempotencyKey: signal.idempotencyKey };
    }
    if (replay) return refuseReplay(node.name, new BackpressureError(node.name, node.fill));
    return this.#reject(node.name, signal, 'backpressure', new BackpressureError(node.name, node.fill));
  }

  /** Sends a signal back to a node as it is (same id, same history), past deduplication. */
  redeliver(node: string, signal: Signal, journaled = true): Receipt {
    const runtime = this.#host.nodes.get(node);
    if (runtime === undefined) {
      const transport = this.#remote.transportFor(node);
      if (transport === undefined) return refuseReplay(node, new UnknownTargetError(node));
      if (this.#gate !== 'open') return refuseReplay(node, new ShuttingDownError(this.#host.name));
      return this.#remote.forward(transport, signal.target === node ? signal : reviseSignal(signal, { target: node }), true);
    }
    if (this.#gate !== 'open') return refuseReplay(node, new ShuttingDownError(this.#host.name));
    return this.offer(runtime, signal.target === node ? signal : reviseSignal(signal, { target: node }), true, this.#host.clock.now(), journaled);
  }

  /**
   * A signal a transport brought in for local node `name`. `redelivery`: the transport delivered
   * it before, so deduplication is skipped (the first delivery may have been handled without its
   * ack arriving). Not journaled: the transport's stream is its durable record, and a durable
   * journal would deliver it a second time on restart.
   */
  receive(name: string, signal: Signal, redelivery: boolean): ReceiveOutcome {
    if (this.#gate !== 'open' && this.#gate !== 'starting') return 'closed';
    const node = this.#host.nodes.get(name);
    if (node === undefined) return 'unknown-target';
    const s = signal.target === name ? signal : reviseSignal(signal, { target: name });
    const partition = node.offer(s, redelivery || s.idempotencyKey === s.id, this.#host.clock.now());
    if (partition >= 0) {
      this.#counts.received++;
      this.#active++;
      return 'accepted';
    }
    return partition === OFFER_DUPLICATE ? 'duplicate' : 'backpressure';
  }

  /** A received signal that could not be taken on its last delivery: received and dead-lettered at once. */
  giveUp(node: string, signal: Signal, error: Error, deliveries: number): void {
    this.#counts.received++;
    this.#remote.deadLetterNow(node, signal, 'max-deliveries', this.#remote.record(error, 'transport.receive', node, signal), deliveries);
  }

  /** A transport failure: classified into the audit log, and a `transport-error` event. */
  transportFailure(error: Error, operation: string, node?: string): void {
    this.#remote.failure(error, operation, node);
  }

  /** A node gave up on a signal. */
  deadLetter(entry: DeadLetter): void {
    this.#host.dlq.add(entry);
    this.#counts.deadLettered++;
    const hub = this.#host.hub;
    if (hub.observed) {
      const s = entry.signal;
      hub.emit({
        kind: 'dead-lettered',
        at: entry.deadLetteredAt,
        node: entry.node,
        signalId: s.id,
        signalType: s.type,
        correlationId: s.correlationId,
        signal: s,
        reason: entry.reason,
        error: entry.error,
        attempts: entry.attempts,
      });
    }
  }

  /** A full dead letter store pushed its oldest entry out. */
  dlqOverflow(evicted: DeadLetter): void {
    const hub = this.#host.hub;
    if (hub.observed) {
      const s = evicted.signal;
      hub.emit({ kind: 'dlq-overflow', at: this.#host.clock.now(), node: evicted.node, signalId: s.id, signalType: s.type, correlationId: s.correlationId, signal: s });
    }
  }

  /** One accepted signal reached its end. */
  settled(): void {
    this.#active--;
    if (this.#active === 0) this.#idle.wake();
  }

  /** `n` signals were handed back by a shutdown. */
  handBack(n: number): void {
    this.#counts.handedBack += n;
    this.#active -= n;
    if (this.#active === 0) this.#idle.wake();
  }

  /** Resolves when nothing accepted is still active. */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return this.#idle.wait();
  }

  counts(): NetworkCounts {
    let completed = 0;
    for (const node of this.#host.nodes.values()) completed += node.stats.completed;
    return { ...this.#counts, completed, active: this.#active, subscriberErrors: this.#host.hub.subscriberErrors, transport: this.#host.transport?.counts() };
  }

  #journalAppend(signal: Signal): void {
    const appended = this.#host.journal!.append(signal);
    if (appended === undefined) return;
    this.#lastAppend = appended;
    // Nobody awaits a post()'s append: record a failure rather than leave it unhandled. A group
    // committing journal hands every append of a batch the same promise: one handler per batch,
    // counting its signals, rather than one per append (each would keep its signal, a closure
    // and a promise alive until the batch is written).
    const watch = this.#appendWatch;
    if (watch !== undefined && watch.promise === appended) {
      watch.signals++;
      return;
    }
    const next = { promise: appended, signals: 1, firstId: signal.id };
    this.#appendWatch = next;
    appended.catch((e: unknown) => {
      this.#counts.journalErrors += next.signals;
      this.#host.audit.recordError(this.#host.classifier.classify(e, { operation: 'journal.append', signalId: next.firstId, signals: next.signals }));
    });
  }

  #reject(target: string, draft: SignalDraft | Signal, reason: RejectReason, error: PlexusError): Receipt {
    this.#counts.rejected++;
    const hub = this.#host.hub;
    if (hub.observed) {
      hub.emit({
        kind: 'rejected',
        at: this.#host.clock.now(),
        node: target,
        reason,
        error: toErrorInfo(error),
        signalType: safeField(draft, 'type'),
        correlationId: safeField(draft, 'correlationId'),
      });
    }
    return { status: 'rejected', target, reason, error };
  }
}

/** A replay refused: the receipt says why, but it is not counted as a sent-and-rejected signal. */
function refuseReplay(target: string, error: PlexusError): Receipt {
  const reason = error instanceof BackpressureError ? 'backpressure' : error instanceof UnknownTargetError ? 'unknown-target' : 'shutting-down';
  return { status: 'rejected', target, reason, error };
}

/** Reads a string field of untrusted input without letting a throwing getter escape. */
function safeField(draft: unknown, field: 'type' | 'correlationId'): string | undefined {
  try {
    const v: unknown = typeof draft === 'object' && draft !== null ? (draft as Record<string, unknown>)[field] : undefined;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

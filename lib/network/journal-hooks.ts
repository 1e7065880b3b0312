/* Journal-side helpers of the network: replay's re-send, and the hooks around the nodes' journal. */
import type { Journal } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import { createSignal } from '../signal/create-signal.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { TransportSession } from '../transport/transport.ts';
import type { Receipt } from '../node/receipt.ts';
import type { Router } from './router.ts';

/** Sends a journaled signal again as a new one caused by it, past deduplication. */
export function resend(s: Signal, router: Router, nodes: ReadonlyMap<string, NodeRuntime>, now: number, limits: PayloadLimits): Receipt {
  const draft: SignalDraft = {
    type: s.type,
    version: s.version,
    payload: s.payload,
    partitionKey: s.partitionKey,
    idempotencyKey: s.idempotencyKey,
    correlationId: s.correlationId,
    causationId: s.id,
    urgency: s.urgency,
    headers: { ...s.headers, 'plexus-replay-of': s.id },
  };
  if (s.source !== undefined) draft.source = s.source;
  const node = nodes.get(s.target);
  if (node === undefined || !router.accepting) return router.post(s.target, draft);
  return router.offer(node, createSignal(draft, s.target, now, limits), true);
}

/**
 * The settle hook: the nodes' journal, plus an ack to the transport when a signal settles
 * (completed or dead-lettered), so a received message is acked only once its signal ended here.
 * Used only with a transport; networks without one keep the journal as it is.
 */
export function ackOnSettle(journal: Journal, transport: TransportSession): Journal {
  return {
    durable: journal.durable,
    append: (signal) => journal.append(signal),
    settle: (signal, outcome, now, deadLetter) => {
      journal.settle(signal, outcome, now, deadLetter);
      transport.settled(signal);
    },
    query: (q) => journal.query(q),
    pending: () => journal.pending(),
    close: () => journal.close(),
  };
}

export const NO_JOURNAL: Journal = { durable: false, append() {}, settle() {}, query: () => [], pending: () => [], close() {} };

/**
 * Builders of plausible NetworkEvents for specs that do not need a network.
 */
import type { NetworkEvent } from '../../lib/observe/events.ts';
import type { Signal } from '../../lib/signal/signal.ts';

let seq = 0;

/** A frozen signal with sensible defaults. */
export function fakeSignal(over: Partial<Signal> = {}): Signal {
  seq++;
  return Object.freeze({
    id: `0190000-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    type: 'job',
    version: '1.0',
    payload: {},
    source: undefined,
    target: 'worker',
    partitionKey: 'k',
    idempotencyKey: `idem-${seq}`,
    correlationId: `corr-${seq}`,
    causationId: undefined,
    createdAt: 0,
    urgency: 0,
    headers: {},
    hops: [],
    ...over,
  });
}

type Kind = 'accepted' | 'started' | 'completed' | 'failed' | 'retried' | 'dead-lettered' | 'duplicate' | 'dlq-overflow';

/** A signal event of `kind` about `signal`, with the fields that kind carries. */
export function ev(kind: Kind, signal: Signal, extra: { at?: number; node?: string; partition?: number; attempt?: number; reason?: string } = {}): NetworkEvent {
  const base = {
    at: extra.at ?? 0,
    node: extra.node ?? signal.target,
    signalId: signal.id,
    signalType: signal.type,
    correlationId: signal.correlationId,
    signal,
  };
  const partition = extra.partition ?? 0;
  const attempt = extra.attempt ?? 1;
  const error = { name: 'Error', message: 'boom', code: 'UNKNOWN' };
  switch (kind) {
    case 'accepted':
      return { ...base, kind, partition };
    case 'started':
      return { ...base, kind, partition, attempt };
    case 'completed':
      return { ...base, kind, partition, attempt, durationMs: 1 };
    case 'failed':
      return { ...base, kind, partition, attempt, error };
    case 'retried':
      return { ...base, kind, partition, attempt, delayMs: 10 };
    case 'dead-lettered':
      return { ...base, kind, reason: (extra.reason ?? 'handler-failed') as 'handler-failed', error, attempts: attempt };
    case 'duplicate':
      return { ...base, kind, idempotencyKey: signal.idempotencyKey };
    case 'dlq-overflow':
      return { ...base, kind };
  }
}

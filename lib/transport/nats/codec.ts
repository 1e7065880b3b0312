import { SignalEnvelope } from '../../signal/envelope.ts';
import type { Hop, Signal } from '../../signal/signal.ts';
import { TransportError } from './errors.ts';

/** A signal as it travels: its JSON envelope, history included (`SignalEnvelope.toJSON`). */
export function encodeSignal(signal: Signal): string {
  return JSON.stringify(signal);
}

const HOP_OUTCOMES = new Set(['completed', 'failed', 'timeout']);

/**
 * Rebuilds a signal from its JSON envelope, checking every field's type: the bytes come from
 * another process (or anyone who can publish on the subject), so a malformed message is
 * refused with a {@link TransportError} (`decode`) rather than handed to a node.
 */
export function decodeSignal(text: string): Signal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TransportError('decode', `message is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('the envelope must be an object');
  const r = raw as Record<string, unknown>;
  const hops = r.hops === undefined ? [] : r.hops;
  if (!Array.isArray(hops) || !hops.every(isHop)) throw bad('hops must be an array of hops');
  const headers = r.headers === undefined ? {} : r.headers;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers) || !Object.values(headers).every((v) => typeof v === 'string')) throw bad('headers must be an object of strings');
  return new SignalEnvelope(
    str(r, 'id'),
    str(r, 'type'),
    str(r, 'version'),
    r.payload,
    optStr(r, 'source'),
    str(r, 'target'),
    str(r, 'partitionKey'),
    str(r, 'idempotencyKey'),
    str(r, 'correlationId'),
    optStr(r, 'causationId'),
    num(r, 'createdAt'),
    num(r, 'urgency'),
    Object.freeze({ ...(headers as Record<string, string>) }),
    Object.freeze(hops.map((h: Hop) => Object.freeze({ ...h }))),
  );
}

function bad(reason: string): TransportError {
  return new TransportError('decode', `malformed signal envelope: ${reason}`);
}

function str(r: Record<string, unknown>, field: string): string {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0) throw bad(`${field} must be a non-empty string`);
  return v;
}

function optStr(r: Record<string, unknown>, field: string): string | undefined {
  return r[field] === undefined || r[field] === null ? undefined : str(r, field);
}

function num(r: Record<string, unknown>, field: string): number {
  const v = r[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${field} must be a finite number`);
  return v;
}

function isHop(h: unknown): h is Hop {
  if (typeof h !== 'object' || h === null) return false;
  const o = h as Record<string, unknown>;
  return typeof o.node === 'string' && typeof o.partition === 'number' && typeof o.attempt === 'number' && typeof o.startedAt === 'number' && typeof o.finishedAt === 'number' && typeof o.outcome === 'string' && HOP_OUTCOMES.has(o.outcome);
}

/**
 * The journal's record format: one JSON object per line, so a record is valid exactly when its
 * line is complete. Two kinds:
 *
 * - `{"op":"accept","signal":{…}}` — the whole envelope (`toJSON`, history included): enough
 *   to rebuild the signal after a restart.
 * - `{"op":"settle","id":"…","outcome":"completed","at":…,"hops":[…]}` — the end of a signal,
 *   with its final history (so a completed signal can be rebuilt for `query` without writing
 *   the payload twice).
 */
import { SignalEnvelope } from '../signal/envelope.ts';
import type { Hop, Signal } from '../signal/signal.ts';
import type { SettleOutcome } from './journal.ts';

/** An accepted signal, as read back. */
export interface AcceptRecord {
  readonly op: 'accept';
  readonly signal: Signal;
}

/** A settled signal, as read back. */
export interface SettleRecord {
  readonly op: 'settle';
  readonly id: string;
  readonly outcome: SettleOutcome;
  readonly at: number;
  readonly hops: readonly Hop[];
}

/** One line of the journal, decoded. */
export type JournalRecord = AcceptRecord | SettleRecord;

/**
 * The line (newline included) that records `signal` as accepted. Written field by field rather
 * than by `JSON.stringify(signal)`: the generic walk (and `toJSON`'s copy) cost more than the
 * write itself; only user text and the payload go through `JSON.stringify`.
 */
export function encodeAccept(signal: Signal): string {
  return (
    `{"op":"accept","signal":{"id":"${signal.id}","type":${str(signal.type)},"version":${str(signal.version)},` +
    (signal.payload === undefined ? '' : `"payload":${JSON.stringify(signal.payload)},`) +
    (signal.source === undefined ? '' : `"source":${str(signal.source)},`) +
    `"target":${str(signal.target)},"partitionKey":${str(signal.partitionKey)},"idempotencyKey":${str(signal.idempotencyKey)}` +
    `,"correlationId":${str(signal.correlationId)}` +
    (signal.causationId === undefined ? '' : `,"causationId":${str(signal.causationId)}`) +
    `,"createdAt":${signal.createdAt},"urgency":${signal.urgency},"headers":${JSON.stringify(signal.headers)},"hops":${encodeHops(signal.hops)}}}\n`
  );
}

/** The line (newline included) that records the end of `signal`. */
export function encodeSettle(signal: Signal, outcome: SettleOutcome, at: number): string {
  return `{"op":"settle","id":"${signal.id}","outcome":"${outcome}","at":${at},"hops":${encodeHops(signal.hops)}}\n`;
}

function encodeHops(hops: readonly Hop[]): string {
  if (hops.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    out += `${i === 0 ? '' : ','}{"node":${str(h.node)},"partition":${h.partition},"attempt":${h.attempt},"startedAt":${h.startedAt},"finishedAt":${h.finishedAt},"outcome":"${h.outcome}"}`;
  }
  return out + ']';
}

/** A JSON string literal; plain ASCII without quotes or backslashes (most keys and names) skips the escaper. */
function str(s: string): string {
  return SAFE.test(s) ? `"${s}"` : JSON.stringify(s);
}

const SAFE = /^[\w .:@/+=-]*$/;

/**
 * Decodes one line (without its newline). Returns `undefined` for anything that is not a
 * well-formed record (a line torn by a crash, a foreign line): the caller skips it.
 */
export function decodeRecord(line: string): JournalRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  if (raw['op'] === 'accept') {
    const signal = toEnvelope(raw['signal']);
    return signal === undefined ? undefined : { op: 'accept', signal };
  }
  if (raw['op'] === 'settle') {
    const { id, outcome, at, hops } = raw;
    if (typeof id !== 'string' || (outcome !== 'completed' && outcome !== 'dead-lettered') || typeof at !== 'number') return undefined;
    const h = toHops(hops);
    return h === undefined ? undefined : { op: 'settle', id, outcome, at, hops: h };
  }
  return undefined;
}

/** Rebuilds a frozen {@link SignalEnvelope} from its JSON form; `undefined` when a field is missing or mistyped. */
export function toEnvelope(raw: unknown, hops?: readonly Hop[]): Signal | undefined {
  if (!isObject(raw)) return undefined;
  const { id, type, version, payload, source, target, partitionKey, idempotencyKey, correlationId, causationId, createdAt, urgency, headers } = raw;
  if (typeof id !== 'string' || typeof type !== 'string' || typeof version !== 'string' || typeof target !== 'string') return undefined;
  if (typeof partitionKey !== 'string' || typeof idempotencyKey !== 'string' || typeof correlationId !== 'string') return undefined;
  if (typeof createdAt !== 'number' || typeof urgency !== 'number' || !isObject(headers)) return undefined;
  if (!optionalString(source) || !optionalString(causationId)) return undefined;
  const history = hops ?? toHops(raw['hops'] ?? []);
  if (history === undefined) return undefined;
  return new SignalEnvelope(id, type, version, payload, source, target, partitionKey, idempotencyKey, correlationId, causationId, createdAt, urgency, Object.freeze(headers as Record<string, string>), history);
}

function toHops(raw: unknown): readonly Hop[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  for (const h of raw) if (!isObject(h) || typeof h['node'] !== 'string' || typeof h['attempt'] !== 'number') return undefined;
  return Object.freeze(raw.map((h: Hop) => Object.freeze(h)));
}

function optionalString(v: unknown): v is string | undefined {
  return v === undefined || typeof v === 'string';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

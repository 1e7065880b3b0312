/**
 * Reads the journal's records back: one JSON array per line (the format is described in
 * `signal-codec.ts`). Runs once per line when a journal is opened, so it favours checking over
 * speed: each line is turned back into the JSON form of an envelope and handed to the one
 * envelope reader, which checks every field. Anything that is not a well-formed record (a line
 * torn by a crash, a foreign line, a line of any other form) decodes to `undefined`, and the scan
 * skips it and counts it (`skippedLines`).
 */
import { EnvelopeProblem, readEnvelope, readHops } from '../signal/read-envelope.ts';
import type { Hop, Signal } from '../signal/signal.ts';
import type { SettleOutcome } from './journal.ts';
import { RecordKind, SHAPE_TAG } from './signal-codec.ts';
import type { Shape } from './shape-table.ts';
import { readTimes, splitEnd } from './record-times.ts';
import { decodeDeadLetterDetail, type DeadLetterDetail } from './record-dead-letter.ts';
import { decodeStateRecord } from './record-state.ts';

/** The shapes of one file by number, as its shape lines defined them so far. */
export type Shapes = Map<number, Shape>;

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
  /** What its dead letter queue entry said (a kind-5 record). */
  readonly deadLetter?: DeadLetterDetail;
}

/** A dead letter that left the queue (purged, pushed out). */
export interface DeadLetterRemovedRecord {
  readonly op: 'dead-letter-removed';
  readonly id: string;
}

/** An idempotency key seen at `node` at `at`, kept for the dedup window. */
export interface KeyRecord {
  readonly op: 'key';
  readonly node: string;
  readonly key: string;
  readonly at: number;
}

/** The state a part of the network keeps (see `record-state.ts`). */
export interface StateRecord {
  readonly op: 'state';
  readonly key: string;
  readonly value: unknown;
}

/** A signal accepted and settled in one record: its history is the final one. */
export interface AcceptSettledRecord {
  readonly op: 'accept-settled';
  readonly signal: Signal;
  readonly outcome: SettleOutcome;
  readonly at: number;
}

/** A shape line (see `signal-codec.ts`): read into the scan's shapes, nothing else. */
export interface ShapeRecord {
  readonly op: 'shape';
  readonly n: number;
}

/** One line of the journal, decoded. */
export type JournalRecord = AcceptRecord | SettleRecord | AcceptSettledRecord | ShapeRecord | DeadLetterRemovedRecord | KeyRecord | StateRecord;

/**
 * Decodes one line (without its newline). Returns `undefined` for anything that is not a
 * well-formed record: the caller skips it. `shapes`: the shapes read so far from the same file,
 * in order; a shape line adds to it.
 */
export function decodeRecord(line: string, shapes: Shapes = new Map()): JournalRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  return Array.isArray(raw) ? decodeArray(raw, shapes) : undefined;
}

/** An array line: a shape (added to `shapes`), an accept or a settle; `undefined` when malformed. */
function decodeArray(fields: unknown[], shapes: Shapes): JournalRecord | undefined {
  const kind = fields[0];
  if (kind === SHAPE_TAG) return readShapeLine(fields, shapes);
  if (kind === RecordKind.settledCompleted || kind === RecordKind.settledDeadLettered || kind === RecordKind.deadLetter) return readSettle(fields, kind);
  if (kind === RecordKind.deadLetterRemoved) return fields.length === 2 && typeof fields[1] === 'string' ? { op: 'dead-letter-removed', id: fields[1] } : undefined;
  if (kind === RecordKind.key) return readKey(fields);
  if (kind === RecordKind.state) {
    const state = decodeStateRecord(fields);
    return state === undefined ? undefined : { op: 'state', ...state };
  }
  if (kind !== RecordKind.accepted && kind !== RecordKind.acceptedCompleted && kind !== RecordKind.acceptedDeadLettered) return undefined;
  if (fields.length !== 10 && fields.length !== 11) return undefined;
  const shape = typeof fields[1] === 'number' ? shapes.get(fields[1]) : Array.isArray(fields[1]) ? inlineShape(fields[1]) : undefined;
  const times = readTimes(fields[9]);
  const id = fields[2];
  if (shape === undefined || times === undefined || typeof id !== 'string' || !Array.isArray(fields[8])) return undefined;
  const hops = fields[8].map((h) => hopObject(h, shape.target));
  const settled = kind !== RecordKind.accepted;
  // createdAt and two times per hop (readEnvelope checks the count), and the end of a record that ends the signal.
  const end = settled ? splitEnd(times, 1, hops.length) : { times, at: 0 };
  if (end === undefined) return undefined;
  const raw: Record<string, unknown> = {
    id,
    type: shape.type,
    version: shape.version,
    target: shape.target,
    urgency: shape.urgency,
    source: shape.source,
    partitionKey: orDefault(fields[3]),
    idempotencyKey: orDefault(fields[4]),
    correlationId: orDefault(fields[5]),
    causationId: orDefault(fields[6]),
    headers: fields[7] === 0 ? undefined : fields[7],
    hops,
  };
  if (fields.length === 11) raw['payload'] = fields[10];
  const signal = readEnvelope(raw, { times: end.times });
  if (signal instanceof EnvelopeProblem) return undefined;
  if (!settled) return { op: 'accept', signal };
  return { op: 'accept-settled', signal, outcome: kind === RecordKind.acceptedCompleted ? 'completed' : 'dead-lettered', at: end.at };
}

function readSettle(fields: unknown[], kind: number): JournalRecord | undefined {
  const [, id, rawHops] = fields;
  const times = readTimes(fields[3]);
  if (fields.length !== (kind === RecordKind.deadLetter ? 5 : 4) || typeof id !== 'string' || !Array.isArray(rawHops) || times === undefined) return undefined;
  const end = splitEnd(times, 0, rawHops.length);
  const hops: readonly Hop[] | EnvelopeProblem | undefined =
    end &&
    readHops(
      rawHops.map((h) => hopObject(h, undefined)),
      end.times,
      0,
    );
  if (hops === undefined || hops instanceof EnvelopeProblem) return undefined;
  if (kind !== RecordKind.deadLetter) return { op: 'settle', id, outcome: kind === RecordKind.settledCompleted ? 'completed' : 'dead-lettered', at: end!.at, hops };
  const deadLetter = decodeDeadLetterDetail(fields[4]);
  return deadLetter === undefined ? undefined : { op: 'settle', id, outcome: 'dead-lettered', at: end!.at, hops, deadLetter };
}

/** `[7,"node","key","time"]`. */
function readKey(fields: unknown[]): JournalRecord | undefined {
  const [, node, key] = fields;
  const times = readTimes(fields[3]);
  if (fields.length !== 4 || typeof node !== 'string' || typeof key !== 'string' || times?.length !== 1) return undefined;
  return { op: 'key', node, key, at: times[0]! };
}

/** `["s",n,"type","version","target",urgency,"source"|0]`. */
function readShapeLine(fields: unknown[], shapes: Shapes): JournalRecord | undefined {
  const n = fields[1];
  const shape = typeof n === 'number' && Number.isInteger(n) && n >= 0 && fields.length === 7 ? shapeOf(n, fields.slice(2)) : undefined;
  if (shape === undefined) return undefined;
  shapes.set(n as number, shape);
  return { op: 'shape', n: n as number };
}

/** `["type","version","target",urgency,"source"|0]` (checked again, as an envelope, by `readEnvelope`). */
function inlineShape(fields: unknown[]): Shape | undefined {
  return fields.length === 5 ? shapeOf(-1, fields) : undefined;
}

function shapeOf(n: number, [type, version, target, urgency, source]: unknown[]): Shape | undefined {
  if (typeof type !== 'string' || typeof version !== 'string' || typeof target !== 'string' || typeof urgency !== 'number') return undefined;
  if (source !== 0 && typeof source !== 'string') return undefined;
  return { n, type, version, target, urgency, source: source === 0 ? undefined : source };
}

/** A hop's JSON form from `[node,partition,attempt,outcome]` (node 0: `target`; outcome 0: completed); left for `readHops` to check. */
function hopObject(h: unknown, target: string | undefined): unknown {
  if (!Array.isArray(h) || h.length !== 4) return undefined;
  const [node, partition, attempt, outcome] = h as unknown[];
  return { node: node === 0 ? target : node, partition, attempt, outcome: outcome === 0 ? 'completed' : outcome };
}

/** A key written as 0 takes its default (the id). */
function orDefault(v: unknown): unknown {
  return v === 0 ? undefined : v;
}

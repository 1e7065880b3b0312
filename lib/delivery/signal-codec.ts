/**
 * The journal's record format: one JSON array per line, so a record is valid exactly when its
 * line is complete, and fields by position rather than by name (about 130 bytes for a small
 * signal against 376 as JSON objects: the journal's throughput follows its bytes). Lines:
 *
 * - `["s",n,"type","version","target",urgency,"source"|0]`: shape `n`, the fields most signals to
 *   one target share (see {@link ShapeTable}), written once before the first record that uses it.
 * - `[k,shape,"id",partitionKey,idempotencyKey,correlationId,causationId,headers,[hops],"times",payload]`:
 *   a signal accepted (`k` 0), or accepted and already ended (`k` 1 completed, 2 dead-lettered:
 *   most records under load, since the journal encodes a signal at its end when that comes
 *   before its batch is written; the history is then the final one). `shape` is a shape's
 *   number, or `["type","version","target",urgency,"source"|0]` inline once the table is full.
 *   The keys are 0 when they equal the id (their default), `causationId` 0 when absent, `headers`
 *   0 when empty, and `payload` is left out when there is none.
 * - `[k,"id",[hops],"times"]`: the end of a signal accepted in an earlier record (`k` 3
 *   completed, 4 dead-lettered), with its final history.
 * - `[5,"id",[hops],"times",detail]`: a signal (accepted in an earlier record) dead-lettered, with
 *   what its dead letter queue entry says (`record-dead-letter.ts`): the network restores its
 *   queue from these. `[6,"id"]`: that entry left the queue (purged, pushed out).
 *   `[7,"node","key","time"]`: an idempotency key seen at a node (written by compaction only,
 *   for keys still inside the dedup window whose records it drops).
 *
 * A hop is `[node,partition,attempt,outcome]`; in an accept record `node` is 0 when it is the
 * signal's target, and `outcome` is 0 for `completed`. The times (see `record-times.ts`) are the
 * accept's `createdAt`, then each hop's `startedAt` and `finishedAt`, then the end (`at`) of a
 * record that ends a signal unless it equals the last hop's finish (as it does whenever the
 * runtime records hops): the number of times tells which.
 *
 * Records are written straight into the journal's {@link RecordBuffer} with `json-writer.ts`: no
 * string is built per record. `record-decode.ts` reads them back.
 */
import type { Hop, Signal } from '../signal/signal.ts';
import { OVERFLOW, writeJson, writeNumber, writeString } from './json-writer.ts';
import type { SettleOutcome } from './journal.ts';
import type { RecordBuffer } from './record-buffer.ts';
import type { Shape, ShapeTable } from './shape-table.ts';
import { TIME, TIME_CHARS, writeTime } from './record-times.ts';

/** The first element of a record line: what the record says. */
export const RecordKind = {
  accepted: 0,
  acceptedCompleted: 1,
  acceptedDeadLettered: 2,
  settledCompleted: 3,
  settledDeadLettered: 4,
  deadLetter: 5,
  deadLetterRemoved: 6,
  key: 7,
  state: 8,
} as const;

/**
 * A payload's JSON taken ahead of its record (at accept time, see `DeferredAccepts`): bytes
 * `start` to `end` of `bytes`; `start === end` when the signal has no payload.
 */
export interface PreparedPayload {
  bytes: Uint8Array;
  start: number;
  end: number;
}
/** The first element of a shape line. */
export const SHAPE_TAG = 's';

/**
 * Appends the line (newline included) that records `signal` as accepted, after its shape's line
 * when the shape is new; its payload from `payload` when given (taken earlier), else from the
 * signal. Throws (writing no record) when the payload cannot be written as JSON.
 */
export function writeAccept(out: RecordBuffer, shapes: ShapeTable, signal: Signal, payload?: PreparedPayload): void {
  put(out, encodeAccept, signal, signal.hops, RecordKind.accepted, 0, shapes.numberOf(signal), payload);
}

/**
 * Appends the line that records `signal` as accepted and ended with `outcome` at `at`, with
 * `hops` as its final history. Throws (writing no record) like {@link writeAccept}.
 */
export function writeAcceptSettled(out: RecordBuffer, shapes: ShapeTable, signal: Signal, hops: readonly Hop[], outcome: SettleOutcome, at: number, payload?: PreparedPayload): void {
  const kind = outcome === 'completed' ? RecordKind.acceptedCompleted : RecordKind.acceptedDeadLettered;
  put(out, encodeAccept, signal, hops, kind, at, shapes.numberOf(signal), payload);
}

/**
 * Appends the line that records the end of `signal` (accepted in an earlier record); with
 * `deadLetter` (the JSON of a dead letter's detail, see `record-dead-letter.ts`), a kind-5 record.
 */
export function writeSettle(out: RecordBuffer, signal: Signal, outcome: SettleOutcome, at: number, deadLetter?: Uint8Array): void {
  const kind = deadLetter !== undefined ? RecordKind.deadLetter : outcome === 'completed' ? RecordKind.settledCompleted : RecordKind.settledDeadLettered;
  put(out, encodeSettle, signal, signal.hops, kind, at, -1, undefined, deadLetter);
}

/** Appends the line of `shape` (once per shape and file: not worth a hand-written encoder). */
export function writeShape(out: RecordBuffer, shape: Shape): void {
  const line = Buffer.from(JSON.stringify([SHAPE_TAG, shape.n, shape.type, shape.version, shape.target, shape.urgency, shape.source ?? 0]) + '\n');
  const to = out.reserve(line.length);
  line.copy(to, out.pos);
  out.pos += line.length;
}

/**
 * Throws the TypeError {@link writeAccept} would throw for a malformed envelope (a field of the
 * wrong type), without encoding it: for a journal that encodes later. The payload is not
 * checked: a signal built by the network has passed `validatePayload`.
 */
export function checkEnvelope(s: Signal): void {
  const strings = typeof s.id === 'string' && typeof s.type === 'string' && typeof s.version === 'string' && typeof s.target === 'string';
  const keys = typeof s.partitionKey === 'string' && typeof s.idempotencyKey === 'string' && typeof s.correlationId === 'string';
  const optional = (s.causationId === undefined || typeof s.causationId === 'string') && (s.source === undefined || typeof s.source === 'string');
  if (!strings || !keys || !optional || typeof s.headers !== 'object' || s.headers === null) throw new TypeError(`signal ${String(s.id)} has a field of the wrong type`);
  if (typeof s.createdAt !== 'number') throw new TypeError(`signal ${s.id} has no createdAt time`);
  finite(s.urgency);
}

/** `shape`: the shape's number, or -1 to write it inline (accept records only). */
type Encoder = (
  buf: Uint8Array,
  view: DataView,
  pos: number,
  end: number,
  signal: Signal,
  hops: readonly Hop[],
  kind: number,
  at: number,
  shape: number,
  payload: PreparedPayload | undefined,
  tail: Uint8Array | undefined,
) => number;

/** Room made for a record before trying to write it; a larger one is written aside first. */
const RECORD_ROOM = 4096;

/** Writes one record with `encode`; only a whole record moves `out.pos`. */
function put(out: RecordBuffer, encode: Encoder, signal: Signal, hops: readonly Hop[], kind: number, at: number, shape: number, payload?: PreparedPayload, tail?: Uint8Array): void {
  const buf = out.reserve(RECORD_ROOM);
  const end = encode(buf, out.view, out.pos, buf.length, signal, hops, kind, at, shape, payload, tail);
  if (end !== OVERFLOW) {
    out.pos = end;
    return;
  }
  // Larger than the rest of the chunk: encode into a buffer grown until it fits, then copy.
  for (let size = 4 * RECORD_ROOM; ; size *= 2) {
    const aside = Buffer.allocUnsafe(size);
    const n = encode(aside, new DataView(aside.buffer, aside.byteOffset, size), 0, size, signal, hops, kind, at, shape, payload, tail);
    if (n === OVERFLOW) continue;
    const to = out.reserve(n);
    aside.copy(to, out.pos, 0, n);
    out.pos += n;
    return;
  }
}

const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const ZERO = 0x30;
const NEWLINE = 0x0a;
/** Bytes of a record besides its variable parts and hops: punctuation, two times, and margin. */
const RECORD_FIXED = 32 + 2 * TIME_CHARS;
/** Bytes per hop besides its node and outcome: punctuation, two small numbers' worth of margin, two times. */
const HOP_FIXED = 16 + 2 * TIME_CHARS;

// Each encoder checks once that the fixed parts fit before `end`, then writes the variable parts
// (which check themselves) up to `room`, so that what follows them always fits. After a variable
// part it returns OVERFLOW at once: nothing may be written at a negative position.

function encodeAccept(
  buf: Uint8Array,
  view: DataView,
  pos: number,
  end: number,
  s: Signal,
  hops: readonly Hop[],
  kind: number,
  at: number,
  shape: number,
  payload: PreparedPayload | undefined,
): number {
  const room = end - RECORD_FIXED - hops.length * HOP_FIXED;
  if (pos > room) return OVERFLOW;
  const id = s.id;
  buf[pos++] = OPEN;
  buf[pos++] = ZERO + kind;
  buf[pos++] = COMMA;
  pos = shape >= 0 ? writeNumber(buf, pos, room, shape) : writeInlineShape(buf, pos, room, s);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeString(buf, pos, room, id);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeKey(buf, pos, room, s.partitionKey, id);
  if (pos >= 0) pos = writeKey(buf, pos, room, s.idempotencyKey, id);
  if (pos >= 0) pos = writeKey(buf, pos, room, s.correlationId, id);
  if (pos >= 0) pos = writeKey(buf, pos, room, s.causationId, undefined);
  if (pos < 0) return OVERFLOW;
  if (isEmpty(s.headers)) buf[pos++] = ZERO;
  else if ((pos = writeJson(buf, pos, room, s.headers)) < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeHops(buf, pos, room, hops, s.target);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  buf[pos++] = QUOTE;
  TIME[0] = s.createdAt;
  pos = writeTimes(buf, view, writeTime(buf, view, pos), hops, kind === RecordKind.accepted ? undefined : at);
  buf[pos++] = QUOTE;
  if (payload !== undefined) {
    if (payload.end > payload.start && (pos = copyBytes(buf, pos, room, payload.bytes, payload.start, payload.end)) < 0) return OVERFLOW;
  } else if (s.payload !== undefined) {
    buf[pos++] = COMMA;
    if ((pos = writeJson(buf, pos, room, s.payload)) < 0) return OVERFLOW;
  }
  buf[pos] = CLOSE;
  buf[pos + 1] = NEWLINE;
  return pos + 2;
}

/** A comma and bytes `start` to `end` of `from` (a payload's JSON, a dead letter's detail). */
function copyBytes(buf: Uint8Array, pos: number, room: number, from: Uint8Array, start: number, end: number): number {
  if (pos + 1 + end - start > room) return OVERFLOW;
  buf[pos++] = COMMA;
  // A loop for the usual small payload: a `set` needs a subarray view, an allocation.
  if (end - start > 256) buf.set(from.subarray(start, end), pos);
  else for (let i = start; i < end; i++) buf[pos + i - start] = from[i]!;
  return pos + end - start;
}

function encodeSettle(
  buf: Uint8Array,
  view: DataView,
  pos: number,
  end: number,
  s: Signal,
  hops: readonly Hop[],
  kind: number,
  at: number,
  _shape: number,
  _payload: PreparedPayload | undefined,
  tail: Uint8Array | undefined,
): number {
  const room = end - RECORD_FIXED - hops.length * HOP_FIXED;
  if (pos > room) return OVERFLOW;
  buf[pos++] = OPEN;
  buf[pos++] = ZERO + kind;
  buf[pos++] = COMMA;
  pos = writeString(buf, pos, room, s.id);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeHops(buf, pos, room, hops, undefined);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  buf[pos++] = QUOTE;
  pos = writeTimes(buf, view, pos, hops, at);
  buf[pos++] = QUOTE;
  if (tail !== undefined && (pos = copyBytes(buf, pos, room, tail, 0, tail.length)) < 0) return OVERFLOW;
  buf[pos] = CLOSE;
  buf[pos + 1] = NEWLINE;
  return pos + 2;
}

/** A key and a comma; the key is 0 when it is `same` (the id it defaults to; `undefined` for an absent causation id). */
function writeKey(buf: Uint8Array, pos: number, room: number, key: string | undefined, same: string | undefined): number {
  if (key === same) buf[pos++] = ZERO;
  else if ((pos = writeString(buf, pos, room, key!)) < 0) return OVERFLOW;
  buf[pos] = COMMA;
  return pos + 1;
}

/** `["type","version","target",urgency,"source"|0]`. */
function writeInlineShape(buf: Uint8Array, pos: number, room: number, s: Signal): number {
  buf[pos++] = OPEN;
  pos = writeString(buf, pos, room, s.type);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeString(buf, pos, room, s.version);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeString(buf, pos, room, s.target);
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeNumber(buf, pos, room, finite(s.urgency));
  if (pos < 0) return OVERFLOW;
  buf[pos++] = COMMA;
  pos = writeKey(buf, pos, room, s.source, undefined);
  if (pos < 0) return OVERFLOW;
  buf[pos - 1] = CLOSE; // in place of writeKey's comma
  return pos;
}

/** `[[node,partition,attempt,outcome],…]`; `target`: the node written as 0 (none in a settle record). */
function writeHops(buf: Uint8Array, pos: number, room: number, hops: readonly Hop[], target: string | undefined): number {
  buf[pos++] = OPEN;
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    if (i > 0) buf[pos++] = COMMA;
    buf[pos++] = OPEN;
    if (h.node === target) buf[pos++] = ZERO;
    else if ((pos = writeString(buf, pos, room, h.node)) < 0) return OVERFLOW;
    buf[pos++] = COMMA;
    if ((pos = writeNumber(buf, pos, room, finite(h.partition))) < 0) return OVERFLOW;
    buf[pos++] = COMMA;
    if ((pos = writeNumber(buf, pos, room, finite(h.attempt))) < 0) return OVERFLOW;
    buf[pos++] = COMMA;
    if (h.outcome === 'completed') buf[pos++] = ZERO;
    else if ((pos = writeString(buf, pos, room, h.outcome)) < 0) return OVERFLOW;
    buf[pos++] = CLOSE;
  }
  buf[pos] = CLOSE;
  return pos + 1;
}

/** Each hop's start and finish, then `at` when given and not the last hop's finish. */
function writeTimes(buf: Uint8Array, view: DataView, pos: number, hops: readonly Hop[], at: number | undefined): number {
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    TIME[0] = h.startedAt;
    pos = writeTime(buf, view, pos);
    TIME[0] = h.finishedAt;
    pos = writeTime(buf, view, pos);
  }
  const last = hops[hops.length - 1];
  if (at === undefined || (last !== undefined && last.finishedAt === at)) return pos;
  TIME[0] = at;
  return writeTime(buf, view, pos);
}

/** A number of the envelope: JSON would write anything else as `null`, which the decoder refuses (the record would be lost). */
function finite(v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`expected a finite number, got ${String(v)}`);
  return v;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * The journal's record format: one JSON object per line, so a record is valid exactly when its
 * line is complete. Two kinds:
 *
 * - `{"op":"accept","signal":{…},"times":"…"}`: the whole envelope (history included), enough
 *   to rebuild the signal after a restart.
 * - `{"op":"settle","id":"…","outcome":"completed","hops":[…],"times":"…"}`: the end of a
 *   signal, with its final history (so a completed signal can be rebuilt for `query` without
 *   writing the payload twice).
 * - `{"op":"accept","signal":{…},"outcome":"completed","times":"…"}`: both at once, for a signal
 *   that ended before its accept record was written (most of them, under load: the journal
 *   encodes a batch when it writes it). The history in the envelope is the final one. Half the
 *   bytes and about half the encoding of the two records apart.
 *
 * Times (`createdAt`, or the settle's `at`, then each hop's `startedAt` and `finishedAt`) are not
 * JSON numbers but one string at the end of the line: 16 hex digits per time, the IEEE-754 bits
 * (big-endian). Printing a fractional double in decimal (shortest round trip) costs more than
 * the rest of the record; the bits are exact and take a table look-up per byte (four digits per store). A settle's `at`
 * is left out when it equals its last hop's `finishedAt` (as it does whenever the runtime records
 * hops): the number of times tells which. The envelope omits `partitionKey`, `idempotencyKey` and
 * `correlationId` when they equal the id (their default).
 *
 * Records are written straight into the journal's {@link RecordBuffer} with `json-writer.ts`: no
 * string is built per record, and the parts that repeat (constants, a target's type, version and
 * urgency, a hop's node) are copied as pre-encoded bytes. `record-decode.ts` reads records back,
 * the older form too (times as JSON numbers in place, every key present).
 */
import type { Hop, Signal } from '../signal/signal.ts';
import { asciiConstant, constant, OVERFLOW, writeConstant, writeJson, writeNumber, writeString, type Constant } from './json-writer.ts';
import type { SettleOutcome } from './journal.ts';
import type { RecordBuffer } from './record-buffer.ts';

/** Hex digits per time in the `times` string. */
export const TIME_HEX_DIGITS = 16;

/**
 * Appends the line (newline included) that records `signal` as accepted. Throws (writing
 * nothing) when the payload cannot be written as JSON.
 */
export function writeAccept(out: RecordBuffer, signal: Signal): void {
  put(out, encodeAccept, signal, signal.hops, undefined, 0);
}

/**
 * Appends the line that records `signal` as accepted and ended with `outcome` at `at`, with
 * `hops` as its final history. Throws (writing nothing) like {@link writeAccept}.
 */
export function writeAcceptSettled(out: RecordBuffer, signal: Signal, hops: readonly Hop[], outcome: SettleOutcome, at: number): void {
  put(out, encodeAccept, signal, hops, outcome, at);
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

/** Appends the line (newline included) that records the end of `signal`. */
export function writeSettle(out: RecordBuffer, signal: Signal, outcome: SettleOutcome, at: number): void {
  put(out, encodeSettle, signal, signal.hops, outcome, at);
}

/** `outcome` undefined: an accept record alone. */
type Encoder = (buf: Uint8Array, view: DataView, pos: number, end: number, signal: Signal, hops: readonly Hop[], outcome: SettleOutcome | undefined, at: number) => number;

/** Room made for a record before trying to write it; a larger one is written aside first. */
const RECORD_ROOM = 4096;

/** Writes one record with `encode`; only a whole record moves `out.pos`. */
function put(out: RecordBuffer, encode: Encoder, signal: Signal, hops: readonly Hop[], outcome: SettleOutcome | undefined, at: number): void {
  const buf = out.reserve(RECORD_ROOM);
  const end = encode(buf, out.view, out.pos, buf.length, signal, hops, outcome, at);
  if (end !== OVERFLOW) {
    out.pos = end;
    return;
  }
  // Larger than the rest of the chunk: encode into a buffer grown until it fits, then copy.
  for (let size = 4 * RECORD_ROOM; ; size *= 2) {
    const aside = Buffer.allocUnsafe(size);
    const n = encode(aside, new DataView(aside.buffer, aside.byteOffset, size), 0, size, signal, hops, outcome, at);
    if (n === OVERFLOW) continue;
    const to = out.reserve(n);
    aside.copy(to, out.pos, 0, n);
    out.pos += n;
    return;
  }
}

const ACCEPT = asciiConstant('{"op":"accept","signal":{"id":');
const PARTITION_KEY = asciiConstant(',"partitionKey":');
const IDEMPOTENCY_KEY = asciiConstant(',"idempotencyKey":');
const CORRELATION_ID = asciiConstant(',"correlationId":');
const CAUSATION_ID = asciiConstant(',"causationId":');
// Constants that usually follow one another are written as one (each write costs ~30 ns here).
const ACCEPT_HOPS = asciiConstant(',"hops":[');
const ACCEPT_NO_HOPS = asciiConstant(',"hops":[]},"times":"');
const ACCEPT_END = asciiConstant(']},"times":"');
const ACCEPT_COMPLETED_END = asciiConstant(',"outcome":"completed"}]},"times":"');
const DONE_NO_HOPS = asciiConstant(',"hops":[]},"outcome":"completed","times":"');
const DONE_END = asciiConstant(']},"outcome":"completed","times":"');
const DONE_COMPLETED_END = asciiConstant(',"outcome":"completed"}]},"outcome":"completed","times":"');
const DEAD_NO_HOPS = asciiConstant(',"hops":[]},"outcome":"dead-lettered","times":"');
const DEAD_END = asciiConstant(']},"outcome":"dead-lettered","times":"');
const DEAD_COMPLETED_END = asciiConstant(',"outcome":"completed"}]},"outcome":"dead-lettered","times":"');
const SETTLE = asciiConstant('{"op":"settle","id":');
const SETTLE_HOPS = asciiConstant(',"outcome":"completed","hops":[');
const DEAD_LETTER_HOPS = asciiConstant(',"outcome":"dead-lettered","hops":[');
const SETTLE_END = asciiConstant('],"times":"');
const SETTLE_COMPLETED_END = asciiConstant(',"outcome":"completed"}],"times":"');
const HOP_NODE = asciiConstant('{"node":');
const HOP_PARTITION = asciiConstant(',"partition":');
const HOP_ATTEMPT = asciiConstant(',"attempt":');
const HOP_OUTCOME = asciiConstant(',"outcome":');
const HOP_COMPLETED = asciiConstant(',"outcome":"completed"}');
/** Constant bytes and times of a record besides those of its hops, and 3 bytes a constant may write past its end. */
const RECORD_FIXED = 160;
/** Constant bytes and times per hop (its head, with the node's name, is checked on its own). */
const HOP_FIXED = HOP_ATTEMPT.length + ACCEPT_COMPLETED_END.length + 4 + 2 * TIME_HEX_DIGITS;

// Each encoder checks once that the constant parts fit before `end`, then writes the variable
// parts (which check themselves) up to `room`, so that what follows them always fits.

function encodeAccept(buf: Uint8Array, view: DataView, pos: number, end: number, s: Signal, hops: readonly Hop[], outcome: SettleOutcome | undefined, at: number): number {
  const room = end - RECORD_FIXED - hops.length * HOP_FIXED;
  if (pos > room) return OVERFLOW;
  const id = s.id;
  pos = writeString(buf, writeConstant(view, pos, ACCEPT), room, id);
  if (pos >= 0 && s.partitionKey !== id) pos = writeString(buf, writeConstant(view, pos, PARTITION_KEY), room, s.partitionKey);
  if (pos >= 0 && s.idempotencyKey !== id) pos = writeString(buf, writeConstant(view, pos, IDEMPOTENCY_KEY), room, s.idempotencyKey);
  if (pos >= 0 && s.correlationId !== id) pos = writeString(buf, writeConstant(view, pos, CORRELATION_ID), room, s.correlationId);
  if (pos >= 0 && s.causationId !== undefined) pos = writeString(buf, writeConstant(view, pos, CAUSATION_ID), room, s.causationId);
  if (pos >= 0) pos = writeFixedFields(buf, view, pos, room, s);
  if (pos >= 0 && s.payload !== undefined) pos = writeJson(buf, pos, room, s.payload);
  if (pos < 0) return OVERFLOW;
  const ends = outcome === undefined ? ACCEPT_ENDS : outcome === 'completed' ? DONE_ENDS : DEAD_ENDS;
  pos = hops.length === 0 ? writeConstant(view, pos, ends.noHops) : writeHops(buf, view, writeConstant(view, pos, ACCEPT_HOPS), room, hops, ends.close, ends.completedClose);
  if (pos < 0) return OVERFLOW;
  TIME[0] = s.createdAt;
  pos = writeTime(view, pos);
  // As in a settle record, the end is left out when it is the last hop's finish; else it comes last.
  const last = hops[hops.length - 1];
  if (outcome === undefined || (last !== undefined && last.finishedAt === at)) return writeTimes(buf, view, pos, hops);
  return writeTimes(buf, view, pos, hops, at);
}

/** How an accept record's history ends: the record alone, or settled (completed, dead-lettered). */
interface RecordEnds {
  readonly noHops: Constant;
  readonly close: Constant;
  readonly completedClose: Constant;
}
const ACCEPT_ENDS: RecordEnds = { noHops: ACCEPT_NO_HOPS, close: ACCEPT_END, completedClose: ACCEPT_COMPLETED_END };
const DONE_ENDS: RecordEnds = { noHops: DONE_NO_HOPS, close: DONE_END, completedClose: DONE_COMPLETED_END };
const DEAD_ENDS: RecordEnds = { noHops: DEAD_NO_HOPS, close: DEAD_END, completedClose: DEAD_COMPLETED_END };

function encodeSettle(buf: Uint8Array, view: DataView, pos: number, end: number, s: Signal, hops: readonly Hop[], outcome: SettleOutcome | undefined, at: number): number {
  const room = end - RECORD_FIXED - hops.length * HOP_FIXED;
  if (pos > room) return OVERFLOW;
  pos = writeString(buf, writeConstant(view, pos, SETTLE), room, s.id);
  if (pos >= 0) pos = writeHops(buf, view, writeConstant(view, pos, outcome === 'completed' ? SETTLE_HOPS : DEAD_LETTER_HOPS), room, hops, SETTLE_END, SETTLE_COMPLETED_END);
  if (pos < 0) return OVERFLOW;
  // `at` is mostly the last hop's finish: then it is left out (the decoder counts the times).
  const last = hops[hops.length - 1];
  if (last !== undefined && last.finishedAt === at) return writeTimes(buf, view, pos, hops);
  TIME[0] = at;
  return writeTimes(buf, view, writeTime(view, pos), hops);
}

/**
 * The hops without their times (those go to the `times` string), then `close` (which ends the
 * list and opens the times), merged into the last hop's end when it completed.
 */
function writeHops(buf: Uint8Array, view: DataView, pos: number, room: number, hops: readonly Hop[], close: Constant, completedClose: Constant): number {
  if (hops.length === 0) return writeConstant(view, pos, close);
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    const last = i === hops.length - 1;
    if (i > 0) buf[pos++] = 0x2c;
    const head = hopHead(h.node);
    if (pos + head.length + 3 > room) return OVERFLOW;
    pos = writeNumber(buf, writeConstant(view, pos, head), room, finite(h.partition));
    if (pos >= 0) pos = writeNumber(buf, writeConstant(view, pos, HOP_ATTEMPT), room, finite(h.attempt));
    if (pos < 0) return OVERFLOW;
    if (h.outcome === 'completed') pos = writeConstant(view, pos, last ? completedClose : HOP_COMPLETED);
    else {
      pos = writeString(buf, writeConstant(view, pos, HOP_OUTCOME), room, h.outcome);
      if (pos < 0) return OVERFLOW;
      buf[pos++] = 0x7d;
      if (last) pos = writeConstant(view, pos, close);
    }
  }
  return pos;
}

/** Where cached parts are encoded before they become Constants (grown when a field needs it). */
let scratch = Buffer.allocUnsafe(RECORD_ROOM);
const scratchView = (): DataView => new DataView(scratch.buffer, scratch.byteOffset, scratch.length);

let lastNode: string | undefined;
let lastHead = HOP_NODE;

/** `{"node":"…","partition":` for `node`: consecutive hops mostly name the same node. */
function hopHead(node: string): Constant {
  if (node === lastNode) return lastHead;
  let n: number;
  while ((n = writeString(scratch, writeConstant(scratchView(), 0, HOP_NODE), scratch.length - HOP_PARTITION.length - 3, node)) === OVERFLOW) scratch = Buffer.allocUnsafe(2 * scratch.length);
  n = writeConstant(scratchView(), n, HOP_PARTITION);
  lastNode = node;
  lastHead = constant(scratch.subarray(0, n));
  return lastHead;
}

/** Each hop's start and finish, then `after` if given, then the end of the line (`"}` and the newline). */
function writeTimes(buf: Uint8Array, view: DataView, pos: number, hops: readonly Hop[], after?: number): number {
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i]!;
    TIME[0] = h.startedAt;
    pos = writeTime(view, pos);
    TIME[0] = h.finishedAt;
    pos = writeTime(view, pos);
  }
  if (after !== undefined) {
    TIME[0] = after;
    pos = writeTime(view, pos);
  }
  buf[pos] = 0x22;
  buf[pos + 1] = 0x7d;
  buf[pos + 2] = 0x0a;
  return pos + 3;
}

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const TIME = new Float64Array(1);
/** TIME as two 32-bit words; which one holds the top half depends on the platform's byte order. */
const TIME_WORDS = new Uint32Array(TIME.buffer);
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
const TOP = BIG_ENDIAN ? 0 : 1;
const BOTTOM = 1 - TOP;
/** The two hex digits of each byte value as a 16-bit word whose low byte is the first digit (stored little-endian). */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, b) => HEX[b >> 4]! | (HEX[b & 15]! << 8));

/**
 * The time in `TIME[0]` (set by the caller: a double passed to a call that is not inlined is boxed, an allocation per time),
 * as 16 hex digits, most significant first: four 32-bit stores of four digits each rather than sixteen byte stores.
 */
function writeTime(view: DataView, pos: number): number {
  writeWordHex(view, pos, TIME_WORDS[TOP]!);
  writeWordHex(view, pos + 8, TIME_WORDS[BOTTOM]!);
  return pos + 16;
}

function writeWordHex(view: DataView, pos: number, w: number): void {
  view.setUint32(pos, HEX_PAIRS[w >>> 24]! | (HEX_PAIRS[(w >>> 16) & 0xff]! << 16), true);
  view.setUint32(pos + 4, HEX_PAIRS[(w >>> 8) & 0xff]! | (HEX_PAIRS[w & 0xff]! << 16), true);
}

/** Fields most signals to one target share (type, version, source, urgency), encoded once (see {@link writeFixedFields}). */
interface Fixed {
  readonly type: string;
  readonly version: string;
  readonly source: string | undefined;
  readonly bytes: Constant;
}

/** The combinations seen for one target, replaced round robin. */
interface FixedList {
  readonly fixed: Fixed[];
  // Urgencies apart, in a typed array: a double read from an object field is boxed (an allocation per signal).
  readonly urgency: Float64Array;
  next: number;
}

/** Combinations kept per target, and targets kept (past that, the cache starts over). */
const PER_TARGET = 8;
const TARGETS = 4096;
const fixedByTarget = new Map<string, FixedList>();
const TYPE = asciiConstant(',"type":');
const VERSION = asciiConstant(',"version":');
const SOURCE = asciiConstant(',"source":');
const TARGET = asciiConstant(',"target":');
const URGENCY = asciiConstant(',"urgency":');
const HEADERS = asciiConstant(',"headers":');
const EMPTY_OBJECT = asciiConstant('{}');
const PAYLOAD = asciiConstant(',"payload":');
const EMPTY_HEADERS_PAYLOAD = asciiConstant('{},"payload":');

/**
 * `,"type":…,"version":…,"source":…,"target":…,"urgency":…,"headers":{…}`, and `,"payload":`
 * when there is one (saving a write of its own). All but the headers repeat from one signal to
 * the next of a target, so their bytes come from a cache: a look-up by target (a node's name,
 * whose hash is computed already) and four comparisons instead of encoding four strings. The
 * headers are mostly empty (`{}`); others are written each time.
 */
function writeFixedFields(buf: Uint8Array, view: DataView, pos: number, room: number, s: Signal): number {
  let list = fixedByTarget.get(s.target);
  if (list === undefined) {
    if (fixedByTarget.size >= TARGETS) fixedByTarget.clear();
    list = { fixed: [], urgency: new Float64Array(PER_TARGET), next: 0 };
    fixedByTarget.set(s.target, list);
  }
  let bytes: Constant | undefined;
  for (let i = 0; i < list.fixed.length; i++) {
    const f = list.fixed[i]!;
    if (f.type === s.type && f.version === s.version && f.source === s.source && list.urgency[i] === s.urgency) {
      bytes = f.bytes;
      break;
    }
  }
  bytes ??= cacheFixed(list, s);
  // The last word may reach 3 bytes further.
  if (pos + bytes.length + 3 > room) return OVERFLOW;
  pos = writeConstant(view, pos, bytes);
  const hasPayload = s.payload !== undefined;
  if (isEmpty(s.headers)) return writeConstant(view, pos, hasPayload ? EMPTY_HEADERS_PAYLOAD : EMPTY_OBJECT);
  pos = writeJson(buf, pos, room, s.headers);
  return pos < 0 || !hasPayload ? pos : writeConstant(view, pos, PAYLOAD);
}

function cacheFixed(list: FixedList, s: Signal): Constant {
  let n: number;
  while ((n = encodeFixedFields(scratch, scratchView(), scratch.length, s)) === OVERFLOW) scratch = Buffer.allocUnsafe(2 * scratch.length);
  const bytes = constant(scratch.subarray(0, n));
  const i = list.next;
  list.fixed[i] = { type: s.type, version: s.version, source: s.source, bytes };
  list.urgency[i] = s.urgency;
  list.next = (i + 1) % PER_TARGET;
  return bytes;
}

/** Everything {@link writeFixedFields} caches, from position 0, up to `,"headers":`. */
function encodeFixedFields(buf: Uint8Array, view: DataView, room: number, s: Signal): number {
  // Each constant is at most 11 bytes, and may write 3 past its end: room for both before each field.
  const r = room - 14;
  let pos = writeString(buf, writeConstant(view, 0, TYPE), r, s.type);
  if (pos >= 0) pos = writeString(buf, writeConstant(view, pos, VERSION), r, s.version);
  if (pos >= 0 && s.source !== undefined) pos = writeString(buf, writeConstant(view, pos, SOURCE), r, s.source);
  if (pos >= 0) pos = writeString(buf, writeConstant(view, pos, TARGET), r, s.target);
  if (pos >= 0) pos = writeNumber(buf, writeConstant(view, pos, URGENCY), r, finite(s.urgency));
  return pos < 0 ? OVERFLOW : writeConstant(view, pos, HEADERS);
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

/**
 * The journal's records of what is not a signal's life: a dead letter's queue entry, its removal
 * from the queue, and an idempotency key kept for the dedup window (see `signal-codec.ts` for the
 * lines). Dead letters and removals are rare, so they are plain `JSON.stringify`; key records
 * come by the thousand from a compaction, so they are written byte by byte.
 */
import type { DeadLetter } from './dead-letter-queue.ts';
import type { DeadLetterReason } from '../observe/events.ts';
import type { ErrorInfo } from '../util/errors.ts';
import type { RecordBuffer } from './record-buffer.ts';
import { RecordKind } from './signal-codec.ts';
import { writeString } from './json-writer.ts';
import { TIME, TIME_CHARS, writeTime } from './record-times.ts';

/** What a dead letter record says besides the signal's own history and its end (`at`). */
export interface DeadLetterDetail {
  /** The node that gave up; `undefined` when it is the signal's target. */
  readonly node: string | undefined;
  readonly partition: number;
  readonly reason: DeadLetterReason;
  readonly attempts: number;
  readonly firstFailureAt: number;
  readonly lastFailureAt: number;
  readonly error: ErrorInfo;
}

const REASONS: ReadonlySet<string> = new Set<DeadLetterReason>([
  'handler-failed',
  'unsupported-version',
  'invalid-payload',
  'max-deliveries',
  'transport-failed',
  'breaker-open',
  'timeout',
  'shutdown-forced',
]);

/** The detail of `entry` as the JSON a kind-5 record ends with: `[node|0,partition,reason,attempts,first,last,error]`. */
export function encodeDeadLetterDetail(entry: DeadLetter): Uint8Array {
  const e = entry.error;
  // Only the fields of an ErrorInfo: whatever else an entry's error carries stays out of the file.
  const error = { name: e.name, message: e.message, code: e.code, ...(e.stack === undefined ? {} : { stack: e.stack }), ...(e.category === undefined ? {} : { category: e.category }) };
  const node = entry.node === entry.signal.target ? 0 : entry.node;
  return Buffer.from(JSON.stringify([node, entry.partition, entry.reason, entry.attempts, entry.firstFailureAt, entry.lastFailureAt, error]));
}

/** Reads the detail of a kind-5 record; `undefined` when it is malformed. */
export function decodeDeadLetterDetail(raw: unknown): DeadLetterDetail | undefined {
  if (!Array.isArray(raw) || raw.length !== 7) return undefined;
  const [node, partition, reason, attempts, firstFailureAt, lastFailureAt, error] = raw as unknown[];
  if (node !== 0 && typeof node !== 'string') return undefined;
  if (typeof partition !== 'number' || typeof attempts !== 'number' || typeof firstFailureAt !== 'number' || typeof lastFailureAt !== 'number') return undefined;
  if (typeof reason !== 'string' || !REASONS.has(reason)) return undefined;
  const info = readErrorInfo(error);
  if (info === undefined) return undefined;
  return { node: node === 0 ? undefined : node, partition, reason: reason as DeadLetterReason, attempts, firstFailureAt, lastFailureAt, error: info };
}

function readErrorInfo(raw: unknown): ErrorInfo | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { name, message, code, stack, category } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || typeof message !== 'string' || typeof code !== 'string') return undefined;
  if ((stack !== undefined && typeof stack !== 'string') || (category !== undefined && typeof category !== 'string')) return undefined;
  return { name, message, code, ...(stack === undefined ? {} : { stack }), ...(category === undefined ? {} : { category }) };
}

/** Appends `[6,"id"]`: the dead letter of `id` left the queue. */
export function writeDeadLetterRemoved(out: RecordBuffer, id: string): void {
  writeLine(out, JSON.stringify([RecordKind.deadLetterRemoved, id]));
}

/**
 * Appends `[7,"node","key","time"]`: idempotency key `key` was seen at `node` at time `at` (see
 * `record-times.ts`). A compaction writes up to `maxKeys` of these at once, so they are encoded
 * byte by byte like the signal records, not with `JSON.stringify`. The key is a string, or (as
 * `RecentKeys` holds it) `length` Latin-1 bytes of `bytes` from `start`.
 */
export function writeKeyRecord(out: RecordBuffer, node: string, key: string | Uint8Array, start: number, length: number, at: number): void {
  const size = 24 + 6 * node.length + 6 * length + TIME_CHARS;
  const buf = out.reserve(size);
  const end = out.pos + size;
  let pos = out.pos;
  buf[pos++] = 0x5b; // [
  buf[pos++] = 0x30 + RecordKind.key;
  buf[pos++] = 0x2c;
  pos = writeString(buf, pos, end, node);
  buf[pos++] = 0x2c;
  pos = typeof key === 'string' ? writeString(buf, pos, end, key) : writeLatin1(buf, pos, key, start, length);
  buf[pos++] = 0x2c;
  buf[pos++] = 0x22;
  TIME[0] = at;
  pos = writeTime(buf, out.view, pos);
  buf[pos++] = 0x22;
  buf[pos++] = 0x5d; // ]
  buf[pos++] = 0x0a;
  out.pos = pos;
}

const HEX = '0123456789abcdef';

/** Latin-1 bytes as a JSON string literal in UTF-8 (what `writeString` writes for the same characters). */
function writeLatin1(buf: Uint8Array, pos: number, from: Uint8Array, start: number, length: number): number {
  buf[pos++] = 0x22;
  for (let i = start; i < start + length; i++) {
    const b = from[i]!;
    if (b >= 0x20 && b < 0x80 && b !== 0x22 && b !== 0x5c) buf[pos++] = b;
    else if (b === 0x22 || b === 0x5c) {
      buf[pos++] = 0x5c;
      buf[pos++] = b;
    } else if (b < 0x20) {
      // \u00XX: exact JSON for a control character (JSON.parse reads it back the same).
      buf[pos++] = 0x5c;
      buf[pos++] = 0x75;
      buf[pos++] = 0x30;
      buf[pos++] = 0x30;
      buf[pos++] = HEX.charCodeAt(b >> 4);
      buf[pos++] = HEX.charCodeAt(b & 15);
    } else {
      buf[pos++] = 0xc0 | (b >> 6);
      buf[pos++] = 0x80 | (b & 0x3f);
    }
  }
  buf[pos++] = 0x22;
  return pos;
}

function writeLine(out: RecordBuffer, text: string): void {
  const line = Buffer.from(text + '\n');
  const to = out.reserve(line.length);
  line.copy(to, out.pos);
  out.pos += line.length;
}

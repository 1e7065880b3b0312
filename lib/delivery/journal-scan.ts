/**
 * Reads a journal file back: what was accepted and never settled, and the last completed
 * signals. Streams the file in chunks (memory stays bounded by the records still open, not the
 * file size) and splits on the newline byte, which never occurs inside a multi-byte UTF-8
 * character, so a chunk boundary cannot cut a character in a way that matters.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Hop, Signal } from '../signal/signal.ts';
import { reviseSignal } from '../signal/envelope.ts';
import { decodeRecord, type SettleRecord } from './record-decode.ts';
import type { Shapes } from './record-decode.ts';
import type { DeadLetter } from './dead-letter-queue.ts';
import { RecentKeys } from './recent-keys.ts';

/** Bytes read per `read` call. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** What {@link scanJournal} found. */
export interface JournalScan {
  /** Accepted and never settled, in order of (latest) acceptance, oldest first. */
  readonly pending: Map<string, Signal>;
  /** The last `keepCompleted` completed signals, with their final history, oldest first. */
  readonly completed: Signal[];
  /** Bytes up to and including the last newline: everything after is a torn record. */
  readonly validBytes: number;
  /** Bytes after the last newline (a record cut short by a crash); 0 normally. */
  readonly tornBytes: number;
  /** Complete lines that did not decode (skipped, never an error). */
  readonly skippedLines: number;
  /** Dead letters still in the queue (dead-lettered, not removed or accepted again since), by id, oldest first. */
  readonly deadLetters: Map<string, DeadLetter>;
  /** Idempotency keys of accepted signals and key records, the last `maxKeys` (when asked for). */
  readonly keys: RecentKeys | undefined;
  /** The last state record of each key (see `record-state.ts`). */
  readonly states: Map<string, unknown>;
}

/** Which idempotency keys a scan collects: see `RecentKeys`. */
export interface KeyWindow {
  readonly windowMs: number;
  readonly maxKeys: number;
}

/** Scans `path`; a missing file is an empty journal. Rejects only on I/O errors. */
export async function scanJournal(path: string, keepCompleted: number, keyWindow?: KeyWindow): Promise<JournalScan> {
  const pending = new Map<string, Signal>();
  const deadLetters = new Map<string, DeadLetter>();
  const states = new Map<string, unknown>();
  const keys = keyWindow === undefined ? undefined : new RecentKeys(keyWindow.windowMs, keyWindow.maxKeys);
  const accepted = (signal: Signal): void => {
    // Accepted again (a dead letter reprocessed): out of the queue.
    deadLetters.delete(signal.id);
    if (keys !== undefined && signal.idempotencyKey !== signal.id) keys.add(signal.target, signal.idempotencyKey, signal.createdAt);
  };
  let completed: { signal: Signal; hops: readonly Hop[] }[] = [];
  const complete = (signal: Signal, hops: readonly Hop[]): void => {
    completed.push({ signal, hops });
    // Trim in bulk (amortised O(1)) rather than shifting per record.
    if (completed.length >= 2 * keepCompleted) completed = completed.slice(completed.length - keepCompleted);
  };
  let totalBytes = 0;
  let skippedLines = 0;
  let carry: Buffer | undefined;
  const shapes: Shapes = new Map();
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { pending, completed: [], validBytes: 0, tornBytes: 0, skippedLines: 0, deadLetters, keys, states };
    throw e;
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      totalBytes += bytesRead;
      const chunk = carry === undefined ? buf.subarray(0, bytesRead) : Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        if (nl > start) {
          const record = decodeRecord(chunk.toString('utf8', start, nl), shapes);
          if (record === undefined) skippedLines++;
          else if (record.op === 'accept') {
            pending.set(record.signal.id, record.signal);
            accepted(record.signal);
          } else if (record.op === 'accept-settled') {
            pending.delete(record.signal.id);
            accepted(record.signal);
            if (record.outcome === 'completed') complete(record.signal, record.signal.hops);
          } else if (record.op === 'settle') {
            const signal = pending.get(record.id);
            pending.delete(record.id);
            if (record.outcome === 'completed' && signal !== undefined) complete(signal, record.hops);
            if (record.deadLetter !== undefined && signal !== undefined) {
              deadLetters.delete(record.id); // re-inserted: the queue's order is the order of dead-lettering
              deadLetters.set(record.id, deadLetterOf(signal, record));
            }
          } else if (record.op === 'dead-letter-removed') deadLetters.delete(record.id);
          else if (record.op === 'key') keys?.add(record.node, record.key, record.at);
          else if (record.op === 'state') states.set(record.key, record.value);
        }
        start = nl + 1;
      }
      // `buf` is reused for the next read, so the unfinished tail is copied out.
      carry = start < chunk.length ? Buffer.from(chunk.subarray(start)) : undefined;
    }
  } finally {
    await fh.close();
  }
  const last = completed.length > keepCompleted ? completed.slice(completed.length - keepCompleted) : completed;
  return {
    pending,
    // The settle record carries the final history; the rest of the envelope comes from the accept.
    // (An accept record that carried its end has its final history already.)
    completed: last.map((c) => (c.hops === c.signal.hops ? c.signal : reviseSignal(c.signal, { hops: c.hops }))),
    validBytes: totalBytes - (carry?.length ?? 0),
    tornBytes: carry?.length ?? 0,
    skippedLines,
    deadLetters,
    keys,
    states,
  };
}

/** The queue entry a kind-5 record describes, for `signal` as its accept record had it. */
function deadLetterOf(signal: Signal, r: SettleRecord): DeadLetter {
  const d = r.deadLetter!;
  return {
    id: signal.id,
    node: d.node ?? signal.target,
    partition: d.partition,
    reason: d.reason,
    error: d.error,
    attempts: d.attempts,
    firstFailureAt: d.firstFailureAt,
    lastFailureAt: d.lastFailureAt,
    deadLetteredAt: r.at,
    signal: reviseSignal(signal, { hops: r.hops }),
  };
}

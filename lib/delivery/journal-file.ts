/**
 * The journal file's two whole-file operations: opening it (read it back, cut a torn tail, open
 * for appending) and rewriting it with only the pending records (compaction).
 */
import { mkdir, open, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Signal } from '../signal/signal.ts';
import { JournalError } from './journal-error.ts';
import { replaceFile } from './journal-fs.ts';
import { scanJournal, type JournalScan, type KeyWindow } from './journal-scan.ts';
import { RecordBuffer, type TakenRecords } from './record-buffer.ts';
import type { ShapeTable } from './shape-table.ts';
import { writeAccept, writeSettle, writeShape } from './signal-codec.ts';
import type { DeadLetter } from './dead-letter-queue.ts';
import { encodeDeadLetterDetail } from './record-dead-letter.ts';
import type { RecentKeys } from './recent-keys.ts';
import { writeStateRecord, type KeptState } from './record-state.ts';

/**
 * Reads `path` back (see {@link scanJournal}; a missing file is created) and opens it for
 * appending. Rejects with a JournalError: `read` when it cannot be read, `open` when it cannot
 * be opened for writing.
 */
export async function openJournal(path: string, keepCompleted: number, keyWindow: KeyWindow | undefined): Promise<{ scan: JournalScan; fh: FileHandle }> {
  let scan: JournalScan;
  try {
    await mkdir(dirname(path), { recursive: true });
    scan = await scanJournal(path, keepCompleted, keyWindow);
  } catch (e) {
    throw new JournalError('read', path, 'reading the journal failed', e);
  }
  try {
    // A record torn by a crash is cut off, or the next record would be glued to it.
    if (scan.tornBytes > 0) await truncate(path, scan.validBytes);
    return { scan, fh: await open(path, 'a') };
  } catch (e) {
    throw new JournalError('open', path, 'opening the journal for writing failed', e);
  }
}

/** What a compaction keeps besides the pending signals. */
export interface KeptRecords {
  /** Dead letters still in the queue: each an accept record and its dead letter record. */
  readonly deadLetters: readonly DeadLetter[];
  /** Idempotency keys still inside the dedup window, whose signals' records are dropped (written by `writeInWindow`). */
  readonly keys: RecentKeys | undefined;
  /** The states parts of the network keep (the last of each key). */
  readonly states?: readonly KeptState[];
}

/**
 * Replaces `path` with the accept records of `pending` and the records of `kept` (see
 * `replaceFile`: a crash leaves the old file or the new one); returns the new file's size.
 * Rejects with the old file untouched.
 * The new file starts with every shape of `shapes`, not only those `pending` uses: records
 * queued meanwhile, bound for the new file, may use any of them. (A shape first numbered here is
 * announced to the live queue as always, so the old file gets it too if this fails.)
 */
export async function rewritePending(path: string, pending: readonly Signal[], fsync: boolean, shapes: ShapeTable, kept: KeptRecords = { deadLetters: [], keys: undefined }): Promise<number> {
  const records = new RecordBuffer();
  kept.keys?.writeInWindow(records);
  for (const state of kept.states ?? []) writeStateRecord(records, state.key, state.value);
  for (const d of kept.deadLetters) {
    writeAccept(records, shapes, d.signal);
    writeSettle(records, d.signal, 'dead-lettered', d.deadLetteredAt, encodeDeadLetterDetail(d));
  }
  for (const s of pending) writeAccept(records, shapes, s);
  const a = shapeLines(shapes);
  const b = records.take();
  await replaceFile(path, [...a.slices, ...b.slices], fsync);
  return a.bytes + b.bytes;
}

/**
 * Every shape of `shapes` as shape lines: what the file needs ahead of the records that use them
 * (a compacted file's head; the next batch after one that did not reach the file, which may
 * have carried the only line of a shape).
 */
export function shapeLines(shapes: ShapeTable): TakenRecords {
  const head = new RecordBuffer();
  for (const shape of shapes.shapes) writeShape(head, shape);
  return head.take();
}

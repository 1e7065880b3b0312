import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Signal } from '../signal/signal.ts';
import { resolveFileJournalOptions, type FileJournalOptions, type FileJournalStats } from './file-journal-options.ts';
import type { Journal, JournalHealth, JournalQuery, JournalRecovery, SettleOutcome } from './journal.ts';
import type { DeadLetter } from './dead-letter-queue.ts';
import { JournalKeep } from './journal-keep.ts';
import { encodeDeadLetterDetail } from './record-dead-letter.ts';
import { JournalError } from './journal-error.ts';
import { syncDirectory, writeAll } from './journal-fs.ts';
import { openJournal, rewritePending, shapeLines } from './journal-file.ts';
import type { JournalScan } from './journal-scan.ts';
import { MemoryJournal } from './memory-journal.ts';
import { PendingSet } from './pending-set.ts';
import { RecordBuffer } from './record-buffer.ts';
import { checkEnvelope, writeAccept, writeAcceptSettled, writeSettle, writeShape } from './signal-codec.ts';
import { ShapeTable } from './shape-table.ts';
import { DeferredAccepts } from './deferred-accepts.ts';
import { handled, newBatch, noop, type Batch } from './journal-batch.ts';
import { SignalEnvelope } from '../signal/envelope.ts';

/**
 * A durable journal in one append-only JSON-lines file (see `signal-codec.ts` for the records).
 * One file rather than segments: compaction rewrites only the pending records, which are
 * bounded by the mailboxes' capacity, so a temp file plus an atomic rename is all it takes, and
 * there is a single write position to order records by.
 *
 * Group commit: every record issued in one turn of the event loop (and everything that arrives
 * while a write is under way) goes out in one `writev` and one `fdatasync`; each `append` of the
 * batch resolves when that is done. Settle records ride along without being waited for (losing
 * one to a crash only means that signal is delivered again: at-least-once).
 *
 * Accept records are not encoded at `append` (see DeferredAccepts): a signal that ends within
 * the turn is encoded at its end, as one record with its outcome instead of two; the others are
 * encoded at the turn's end. Their payload is the exception: its JSON is taken at `append`, so
 * the record says what was accepted whatever the sender does to the object afterwards, and a
 * payload that cannot be written fails its own `append`. Until the file has been read, and for
 * a signal that is not the runtime's envelope (a hand-built one, whose payload nobody checked),
 * the record is encoded at once. Besides signals, it keeps what a restarted network must know
 * again (see JournalKeep and `recover`).
 *
 * A promise returned by `append` is marked handled (a caller may drop it: the interface allows
 * a fire-and-forget journal); await it to hear a {@link JournalError}. A failed `fdatasync` leaves the journal failed for good (the
 * kernel may have dropped the dirty pages: nothing after it can be trusted); a failed `write` is
 * cut off the file and only its own batch fails. A file that cannot be opened or read fails the
 * calls that needed it (and the appends waiting for it); the next call tries to open it again.
 */
export class FileJournal implements Journal {
  readonly durable = true;
  /** The journal file, absolute. */
  readonly path: string;
  /** Whether an append waits for `fdatasync` (survives power loss) or only for `write`. */
  readonly fsync: boolean;
  /** File size at which the journal is rewritten with only its pending records. */
  readonly maxBytes: number;
  /** Completed signals kept indexed in memory for `query`. */
  readonly completedInMemory: number;
  #completed: MemoryJournal;
  #pending = new PendingSet();
  /** Ids settled before the file was read: they must not come back as pending from the file. */
  #settledEarly: Set<string> | undefined = new Set();
  /** Records, encoded straight into chunks never grown or copied (see RecordBuffer); appends go on into it while a batch is written. */
  readonly #out = new RecordBuffer();
  /** Shapes are announced into the queue, ahead of the first record that uses them. */
  readonly #shapes = new ShapeTable((shape) => writeShape(this.#out, shape));
  /** Records queued with shape lines did not reach the file: the next batch starts with every shape. */
  #shapesLost = false;
  readonly #deferred = new DeferredAccepts();
  /** Dead letters, idempotency keys and kept states, for a restarted network. */
  readonly #keep = new JournalKeep();
  /** A record of the gathering batch failed to encode after its `append` was answered (not expected): the batch rejects with it. */
  #batchFailure: JournalError | undefined;
  /** The file has been read: acceptance numbers are final, so records may be deferred. */
  #loaded = false;
  #batch: Batch | undefined;
  #fh: FileHandle | undefined;
  #opened: Promise<void> | undefined;
  #loop: Promise<void> = Promise.resolve();
  #scheduled = false;
  #running = false;
  #closing: Promise<void> | undefined;
  #failure: JournalError | undefined;
  #size = 0;
  #compactAt: number;
  readonly #counts = { batches: 0, fsyncs: 0, compactions: 0, skippedLines: 0, tornBytes: 0, encodeFailures: 0 };

  /** Throws InvalidOptionsError on bad options; touches no file until first used. */
  constructor(options: FileJournalOptions) {
    const o = resolveFileJournalOptions(options);
    this.path = resolve(o.path);
    this.fsync = o.fsync;
    this.maxBytes = o.maxBytes;
    this.completedInMemory = o.completedInMemory;
    this.#completed = new MemoryJournal(this.completedInMemory);
    this.#compactAt = this.maxBytes;
  }

  /** Counters (see {@link FileJournalStats}). */
  stats(): FileJournalStats {
    return { ...this.#counts, fileBytes: this.#size, pending: this.#pending.size, completedIndexed: this.#completed.size };
  }

  /** For the network's `journal` health check: unhealthy once the journal failed for good (every append rejects). */
  health(): JournalHealth {
    const details = { pending: this.#pending.size, fileBytes: this.#size };
    return this.#failure === undefined ? { status: 'healthy', details } : { status: 'unhealthy', details: { ...details, failure: this.#failure.failure, error: this.#failure.message } };
  }

  /** Records `signal` as accepted; resolves once the record is written (and fsynced when `fsync`). */
  append(signal: Signal): Promise<void> {
    const refused = this.#closing !== undefined ? new JournalError('closed', this.path, 'the journal is closed') : this.#failure;
    if (refused !== undefined) return handled(Promise.reject(refused));
    // Deferred (see DeferredAccepts) once the file is read, for the runtime's own envelopes. A
    // hand-built signal is encoded at once, and so is one whose id is pending already (it keeps
    // its first record's place; this one is a duplicate accept).
    const deferred = this.#loaded && signal instanceof SignalEnvelope;
    const accepted = this.#pending.next;
    let fresh = false;
    try {
      if (deferred) checkEnvelope(signal);
      fresh = this.#pending.add(signal);
      if (deferred && fresh) this.#deferred.push(signal, accepted);
      else writeAccept(this.#out, this.#shapes, signal);
    } catch (e) {
      if (fresh) this.#pending.delete(signal);
      return handled(Promise.reject(new JournalError('encode', this.path, `signal ${String(signal?.id)} cannot be written as JSON`, e)));
    }
    // Accepted again (a dead letter reprocessed): its record takes it out of the queue.
    this.#keep.accepted(signal.id);
    const batch = (this.#batch ??= newBatch(accepted));
    this.#schedule();
    return batch.promise;
  }

  /**
   * Records the end of `signal` with the next batch (not awaited); a dead letter with its queue
   * entry, which `recover` gives back until `forgetDeadLetter` or an `append` of the same id
   * takes it out. Ignored once closed: the signal stays pending.
   */
  settle(signal: Signal, outcome: SettleOutcome, at: number, deadLetter?: DeadLetter): void {
    if (this.#closing !== undefined) return;
    if (outcome === 'completed') this.#completed.settle(signal, outcome);
    this.#keep.ended(signal, deadLetter);
    const accepted = this.#pending.take(signal);
    this.#settledEarly?.add(signal.id);
    if (this.#failure !== undefined) return;
    // Its accept record not written yet: one record says both, with the envelope as accepted and
    // the history as it ended (what settles may be a revised copy: a schema upcast).
    const unwritten = accepted >= 0 ? this.#deferred.take(accepted) : undefined;
    try {
      if (deadLetter !== undefined) {
        // Rare: an accept record (when not written yet) and a dead letter record with the entry.
        if (unwritten !== undefined) writeAccept(this.#out, this.#shapes, unwritten, this.#deferred.prepared);
        writeSettle(this.#out, signal, outcome, at, encodeDeadLetterDetail(deadLetter));
      } else if (unwritten !== undefined) writeAcceptSettled(this.#out, this.#shapes, unwritten, signal.hops, outcome, at, this.#deferred.prepared);
      else writeSettle(this.#out, signal, outcome, at);
    } catch (e) {
      // A malformed envelope: without its settle record it is only delivered again after a
      // restart. Without its accept record, its sender must not hear `accepted`.
      if (unwritten !== undefined) this.#unencodable(unwritten, e);
      return;
    }
    this.#schedule();
  }

  /**
   * The network's dedup window: from now on the journal keeps the idempotency keys of the last
   * `windowMs` (at most `maxKeys`) across restarts and compactions (see `RecentKeys`). Call it
   * before the journal is first used, or the keys already in the file are not read.
   */
  rememberKeys(windowMs: number, maxKeys: number): void {
    this.#keep.rememberKeys(windowMs, maxKeys);
  }

  /** The dead letter of `id` left the network's queue (purged, pushed out): it does not come back at the next start. */
  forgetDeadLetter(id: string): void {
    if (this.#closing !== undefined || this.#failure !== undefined) return;
    this.#keep.forget(id, this.#out);
    this.#schedule();
  }

  /** See {@link Journal.keepState}: `recover` gives back the last state of `key`; compactions keep it. Throws when `value` is not JSON. */
  keepState(key: string, value: unknown): void {
    if (this.#closing !== undefined || this.#failure !== undefined) return;
    this.#keep.keepState(key, value, this.#out);
    this.#schedule();
  }

  /**
   * What a restarted network restores, read from the file on first use: the pending signals
   * (as `pending`), the dead letters still in the queue, and the idempotency keys inside the
   * dedup window (with `rememberKeys`).
   */
  async recover(): Promise<JournalRecovery> {
    await this.#open();
    return { pending: this.#pending.values(), ...this.#keep.recovered() };
  }

  /**
   * Completed signals of a range, oldest first: the last `completedInMemory` of them, including
   * those read from the file at open (so a replay works across a restart, up to the last compaction).
   */
  async query(q: JournalQuery): Promise<Signal[]> {
    await this.#open();
    return this.#completed.query(q);
  }

  /** Accepted and never settled, oldest first: read from the file on first use, then kept up to date. */
  async pending(): Promise<Signal[]> {
    await this.#open();
    return this.#pending.values();
  }

  /** Writes what is queued, then closes the file. Safe to call twice. */
  close(): Promise<void> {
    return (this.#closing ??= this.#close());
  }

  async #close(): Promise<void> {
    await this.#opened?.catch(noop);
    // A scheduled kick runs before this (setImmediate is FIFO); then the loop drains the queue.
    if (this.#scheduled) await new Promise<void>((r) => setImmediate(r));
    await this.#loop;
    const fh = this.#fh;
    this.#fh = undefined;
    try {
      await fh?.close();
    } catch (e) {
      throw new JournalError('write', this.path, 'closing the file failed', e);
    }
  }

  #open(): Promise<void> {
    // Reading a journal closed before first use would open a handle nobody closes.
    if (this.#opened === undefined && this.#closing !== undefined) return Promise.reject(new JournalError('closed', this.path, 'the journal is closed'));
    return (this.#opened ??= this.#load());
  }

  async #load(): Promise<void> {
    let scan: JournalScan;
    try {
      ({ scan, fh: this.#fh } = await openJournal(this.path, this.completedInMemory, this.#keep.keyWindow));
    } catch (e) {
      // Nothing was read or written, so nothing is lost: the next use opens again (the path may be fixed by then).
      this.#opened = undefined;
      throw e;
    }
    this.#size = scan.validBytes;
    this.#counts.skippedLines = scan.skippedLines;
    this.#counts.tornBytes = scan.tornBytes;
    // The file comes first; whatever this process did before the file was read goes on top.
    const pending = new PendingSet();
    const settledEarly = this.#settledEarly ?? new Set();
    for (const [id, s] of scan.pending) if (!settledEarly.has(id)) pending.add(s);
    // The batch queued before the file was read (there is at most one) can still be lost.
    if (this.#batch !== undefined) this.#batch.firstAccepted = pending.next;
    for (const s of this.#pending.values()) pending.add(s);
    this.#pending = pending;
    this.#settledEarly = undefined;
    this.#loaded = true;
    const ring = new MemoryJournal(this.completedInMemory);
    for (const s of [...scan.completed, ...this.#completed.query({})]) ring.settle(s, 'completed');
    this.#completed = ring;
    this.#keep.load(scan, scan.deadLetters.size > 0 ? pending.values() : []);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: everything issued in this turn (microtask chains included) joins the batch.
    setImmediate(this.#kick);
  }

  readonly #kick = (): void => {
    this.#scheduled = false;
    // Encoded once a turn, even while a batch is being written: signals that have not ended by
    // now get an accept record alone (their end will get a settle record).
    this.#deferred.flush(this.#out, this.#shapes, this.#unencodable);
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  };

  /** Writes batches until the queue is empty. Never rejects: failures go to the batches' appends. */
  async #run(): Promise<void> {
    try {
      try {
        await this.#open();
      } catch (e) {
        // Its appends fail (the file is opened again at the next use).
        this.#dropQueued(e as JournalError);
        return;
      }
      // A batch with nothing left to write (its records could not be encoded) still settles.
      while ((this.#out.length > 0 || this.#deferred.length > 0 || this.#batch !== undefined) && this.#failure === undefined) {
        await this.#writeBatch();
        if (this.#size >= this.#compactAt && this.#failure === undefined) await this.#compact();
      }
    } finally {
      if (this.#failure !== undefined) this.#dropQueued(this.#failure);
      this.#running = false;
    }
  }

  async #writeBatch(): Promise<void> {
    this.#deferred.flush(this.#out, this.#shapes, this.#unencodable);
    const taken = this.#out.take();
    const batch = this.#batch;
    const batchFailure = this.#batchFailure;
    this.#batch = undefined;
    this.#batchFailure = undefined;
    if (batch !== undefined) batch.endAccepted = this.#pending.next;
    const fh = this.#fh!;
    // Shapes are announced once, so those whose lines were lost are written again first.
    const head = this.#shapesLost ? shapeLines(this.#shapes) : undefined;
    try {
      await writeAll(fh, head === undefined ? taken.slices : [...head.slices, ...taken.slices]);
    } catch (e) {
      const error = new JournalError('write', this.path, `writing ${taken.bytes} bytes failed`, e);
      this.#shapesLost = true;
      this.#lost(batch, error);
      // Cut a partly written batch off, so that the next record starts on a line of its own.
      await fh.truncate(this.#size).catch(() => (this.#failure = error));
      return;
    } finally {
      this.#out.recycle(taken);
    }
    this.#size += taken.bytes + (head?.bytes ?? 0);
    this.#shapesLost = false;
    this.#counts.batches++;
    // Settle records alone are not worth an fsync: losing one only means a redelivery.
    if (this.fsync && batch !== undefined) {
      try {
        await fh.datasync();
        this.#counts.fsyncs++;
      } catch (e) {
        this.#failure = new JournalError('fsync', this.path, 'fdatasync failed; the journal is unusable until reopened', e);
        this.#lost(batch, this.#failure);
        return;
      }
    }
    if (batchFailure !== undefined) batch?.reject(batchFailure);
    else batch?.resolve();
  }

  /** Rewrites the file with only the pending records (see `replaceFile`), then writes on in the new file. */
  async #compact(): Promise<void> {
    let bytes: number;
    try {
      bytes = await rewritePending(this.path, this.#pending.values(), this.fsync, this.#shapes, this.#keep.kept());
    } catch {
      // Keep the old file; try again only once it has doubled (the disk may be full).
      this.#compactAt = this.#size * 2;
      return;
    }
    const old = this.#fh!;
    try {
      // Before any later batch is acknowledged, or a crash could bring the old file back without it.
      if (this.fsync) await syncDirectory(this.path);
      // The old handle now points at the replaced file: writes must go to the new one.
      this.#fh = await open(this.path, 'a');
    } catch (e) {
      this.#failure = new JournalError('write', this.path, 'finishing a compaction failed; the journal is unusable until reopened', e);
    }
    await old.close().catch(noop);
    if (this.#fh === old) this.#fh = undefined;
    this.#size = bytes;
    // Pending records alone may be near maxBytes: wait for real growth before compacting again.
    this.#compactAt = Math.max(this.maxBytes, 2 * bytes);
    this.#counts.compactions++;
  }

  /**
   * A deferred record that cannot be encoded (not expected: its envelope was checked and its
   * payload taken at `append`). Its append was answered with its batch's promise, so it is
   * counted, forgotten, and its batch rejects: its sender must not hear `accepted`.
   */
  readonly #unencodable = (signal: Signal, cause?: unknown): void => {
    this.#counts.encodeFailures++;
    this.#pending.delete(signal);
    this.#batchFailure ??= new JournalError('encode', this.path, `signal ${signal.id} cannot be written as JSON; its batch is failed`, cause);
  };

  #dropQueued(error: JournalError): void {
    const batch = this.#batch;
    this.#out.clear();
    this.#shapesLost = true;
    this.#deferred.clear();
    this.#batch = undefined;
    this.#batchFailure = undefined;
    this.#lost(batch, error);
  }

  /** A batch that did not reach the disk: its appends reject and its signals are not pending. */
  #lost(batch: Batch | undefined, error: JournalError): void {
    if (batch === undefined) return;
    this.#pending.deleteAccepted(batch.firstAccepted, batch.endAccepted);
    batch.reject(error);
  }
}

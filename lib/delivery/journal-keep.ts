/**
 * What a FileJournal keeps besides signals, for a restarted network to know again: the dead
 * letters still in the network's queue (with their entries), and the idempotency keys of the
 * dedup window (see `RecentKeys`), and the last state of each part that keeps one (a failover
 * group; see `record-state.ts`). All are read back from the file at open, kept up to date in
 * memory, and written again by each compaction (see `rewritePending`).
 */
import type { Signal } from '../signal/signal.ts';
import type { DeadLetter } from './dead-letter-queue.ts';
import type { KeptRecords } from './journal-file.ts';
import type { JournalScan, KeyWindow } from './journal-scan.ts';
import type { RecentKey } from './journal.ts';
import { RecentKeys } from './recent-keys.ts';
import { writeStateRecord, type KeptState } from './record-state.ts';
import { writeDeadLetterRemoved } from './record-dead-letter.ts';
import type { RecordBuffer } from './record-buffer.ts';

/** See the file comment. */
export class JournalKeep {
  /** Dead letters journaled and still in the network's queue, by id, oldest first. */
  #deadLetters = new Map<string, DeadLetter>();
  /** The network's dedup window, when it deduplicates (the scan collects keys only then). */
  keyWindow: KeyWindow | undefined;
  #keys: RecentKeys | undefined;
  /** The states parts of the network keep, by key (see `FileJournal.keepState`). */
  #states = new Map<string, unknown>();

  /** See `FileJournal.rememberKeys`. */
  rememberKeys(windowMs: number, maxKeys: number): void {
    this.keyWindow = { windowMs, maxKeys };
    this.#keys ??= new RecentKeys(windowMs, maxKeys);
  }

  /** `signal` ended (a dead letter with its entry). Per signal: one comparison and, with keys, a copy of the key (see `RecentKeys`). */
  ended(signal: Signal, deadLetter: DeadLetter | undefined): void {
    const key = signal.idempotencyKey;
    // A key that defaulted to the id never reaches the dedup window: nothing to remember.
    if (this.#keys !== undefined && key !== signal.id) this.#keys.add(signal.target, key, signal.createdAt);
    if (deadLetter !== undefined) {
      this.#deadLetters.delete(signal.id);
      this.#deadLetters.set(signal.id, deadLetter);
    }
  }

  /** `id` was accepted again (a dead letter reprocessed): out of the queue. */
  accepted(id: string): void {
    if (this.#deadLetters.size > 0) this.#deadLetters.delete(id);
  }

  /** The dead letter of `id` left the queue: forgotten, and its removal record queued in `out`. */
  forget(id: string, out: RecordBuffer): void {
    this.#deadLetters.delete(id);
    writeDeadLetterRemoved(out, id);
  }

  /** The state of `key` is `value` now: kept, and its record queued in `out` (throws, keeping nothing, when `value` is not JSON). */
  keepState(key: string, value: unknown, out: RecordBuffer): void {
    writeStateRecord(out, key, value);
    this.#states.set(key, value);
  }

  /** Takes in what the file said (first) under what this process did before it was read; `pending`: signals pending now. */
  load(scan: JournalScan, pending: readonly Signal[]): void {
    const deadLetters = scan.deadLetters;
    for (const [id, entry] of this.#deadLetters) {
      deadLetters.delete(id);
      deadLetters.set(id, entry);
    }
    if (deadLetters.size > 0) for (const s of pending) deadLetters.delete(s.id);
    this.#deadLetters = deadLetters;
    for (const [key, value] of this.#states) scan.states.set(key, value);
    this.#states = scan.states;
    if (scan.keys !== undefined) {
      for (const k of this.#keys?.inWindow() ?? []) scan.keys.add(k.node, k.key, k.at);
      this.#keys = scan.keys;
    }
  }

  /** What a compaction must write again. */
  kept(): KeptRecords {
    return { deadLetters: [...this.#deadLetters.values()], keys: this.#keys, states: this.#keptStates() };
  }

  /** What `recover` gives back besides the pending signals. */
  recovered(): { deadLetters: DeadLetter[]; keys: RecentKey[]; states: KeptState[] } {
    return { deadLetters: [...this.#deadLetters.values()], keys: this.#keys?.inWindow() ?? [], states: this.#keptStates() };
  }

  #keptStates(): KeptState[] {
    return [...this.#states].map(([key, value]) => ({ key, value }));
  }
}

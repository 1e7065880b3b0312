/**
 * What a FileJournal keeps besides signals, for a restarted network to know again: the dead
 * letters still in the network's queue (with their entries), and the idempotency keys of the
 * dedup window (see `RecentKeys`). Both are read back from the file at open, kept up to date in
 * memory, and written again by each compaction (see `rewritePending`).
 */
import type { Signal } from '../signal/signal.ts';
import type { DeadLetter } from './dead-letter-queue.ts';
import type { KeptRecords } from './journal-file.ts';
import type { JournalScan, KeyWindow } from './journal-scan.ts';
import type { RecentKey } from './journal.ts';
import { RecentKeys } from './recent-keys.ts';

/** See the file comment. */
export class JournalKeep {
  /** Dead letters journaled and still in the network's queue, by id, oldest first. */
  #deadLetters = new Map<string, DeadLetter>();
  /** The network's dedup window, when it deduplicates (the scan collects keys only then). */
  keyWindow: KeyWindow | undefined;
  #keys: RecentKeys | undefined;

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

  /** The dead letter of `id` left the queue. */
  forget(id: string): void {
    this.#deadLetters.delete(id);
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
    if (scan.keys !== undefined) {
      for (const k of this.#keys?.inWindow() ?? []) scan.keys.add(k.node, k.key, k.at);
      this.#keys = scan.keys;
    }
  }

  /** What a compaction must write again. */
  kept(): KeptRecords {
    return { deadLetters: [...this.#deadLetters.values()], keys: this.#keys };
  }

  /** What `recover` gives back besides the pending signals. */
  recovered(): { deadLetters: DeadLetter[]; keys: RecentKey[] } {
    return { deadLetters: [...this.#deadLetters.values()], keys: this.#keys?.inWindow() ?? [] };
  }
}

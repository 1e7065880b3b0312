import type { Signal } from '../signal/signal.ts';
import { RingBuffer } from '../util/ring-buffer.ts';
import type { Journal, JournalQuery, SettleOutcome } from './journal.ts';

/**
 * Completed signals kept in memory for replay.
 * @defaultValue 10 000
 */
export const DEFAULT_JOURNAL_CAPACITY = 10_000;

/**
 * The default journal: the last `capacity` completed signals in a ring (no allocation per
 * signal once full). Not durable: accepted signals live in the mailboxes until they settle.
 */
export class MemoryJournal implements Journal {
  readonly durable = false;
  /** Completed signals kept; the oldest go first. */
  readonly capacity: number;
  readonly #ring: RingBuffer<Signal>;

  constructor(capacity: number = DEFAULT_JOURNAL_CAPACITY) {
    this.capacity = capacity;
    this.#ring = new RingBuffer<Signal>(Math.min(capacity, 1024));
  }

  /** Completed signals held now. */
  get size(): number {
    return this.#ring.size;
  }

  append(): void {}

  settle(signal: Signal, outcome: SettleOutcome): void {
    if (outcome !== 'completed') return;
    if (this.#ring.size === this.capacity) this.#ring.replaceOldest(signal);
    else this.#ring.push(signal);
  }

  query(q: JournalQuery): Signal[] {
    const out: Signal[] = [];
    for (const s of this.#ring) {
      if (q.from !== undefined && s.createdAt < q.from) continue;
      if (q.to !== undefined && s.createdAt > q.to) continue;
      if (q.node !== undefined && s.target !== q.node) continue;
      if (q.type !== undefined && s.type !== q.type) continue;
      out.push(s);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  pending(): Signal[] {
    return [];
  }

  close(): void {}
}

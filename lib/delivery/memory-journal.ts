import type { Signal } from '../signal/signal.ts';
import type { Journal, JournalQuery, SettleOutcome } from './journal.ts';

/**
 * Completed signals kept in memory for replay.
 * @defaultValue 10 000
 */
export const DEFAULT_JOURNAL_CAPACITY = 10_000;

/**
 * The default journal: the last `capacity` completed signals in a circular array (no allocation
 * per signal). Not durable: accepted signals live in the mailboxes until they settle.
 */
export class MemoryJournal implements Journal {
  readonly durable = false;
  readonly capacity: number;
  readonly #ring: (Signal | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number = DEFAULT_JOURNAL_CAPACITY) {
    this.capacity = capacity;
    this.#ring = new Array<Signal | undefined>(capacity);
  }

  /** Completed signals held now. */
  get size(): number {
    return this.#size;
  }

  append(): void {}

  settle(signal: Signal, outcome: SettleOutcome): void {
    if (outcome !== 'completed') return;
    this.#ring[this.#next] = signal;
    this.#next = this.#next + 1 === this.capacity ? 0 : this.#next + 1;
    if (this.#size < this.capacity) this.#size++;
  }

  query(q: JournalQuery): Signal[] {
    const out: Signal[] = [];
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const s = this.#ring[(start + i) % this.capacity]!;
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

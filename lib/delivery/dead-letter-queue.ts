import type { DeadLetterReason } from '../observe/events.ts';
import type { Signal } from '../signal/signal.ts';
import { checkKnownKeys } from '../resilience/validate.ts';
import type { ErrorInfo } from '../util/errors.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * Dead letters kept per network before the oldest are pushed out (each one reported).
 * @defaultValue 1000
 */
export const DEFAULT_DLQ_CAPACITY = 1000;

/** One signal that could not be processed, with why. */
export interface DeadLetter {
  /** The signal's id (also the key of this entry). */
  readonly id: string;
  /** The node that gave it up. */
  readonly node: string;
  /** The partition it was handled in. */
  readonly partition: number;
  /** Why it was given up. */
  readonly reason: DeadLetterReason;
  /** The last error. */
  readonly error: ErrorInfo;
  /** Attempts made. */
  readonly attempts: number;
  /** Clock time of the first failure (ms). */
  readonly firstFailureAt: number;
  /** Clock time of the last failure (ms). */
  readonly lastFailureAt: number;
  /** Clock time it was dead-lettered (ms). */
  readonly deadLetteredAt: number;
  /** The signal, as it was. */
  readonly signal: Signal;
}

/** Which dead letters to list or purge; every given field must match. */
export interface DeadLetterFilter {
  /** Of this node. */
  node?: string;
  /** With this reason. */
  reason?: DeadLetterReason;
  /** Of this signal type. */
  type?: string;
  /** Dead-lettered at or after (ms). */
  from?: number;
  /** Dead-lettered at or before (ms). */
  to?: number;
  /** At most this many, oldest first. */
  limit?: number;
}

/** The keys of {@link DeadLetterFilter} (a compile error until a new field is listed). */
export const DEAD_LETTER_FILTER_KEYS = optionKeys<DeadLetterFilter>()(['node', 'reason', 'type', 'from', 'to', 'limit']);

/**
 * The dead letter store: bounded, oldest out first, every eviction handed to `onOverflow`
 * (the network turns it into an event and a counter). Insertion-ordered `Map` gives O(1) add,
 * look-up by id and eviction of the oldest.
 */
export class DeadLetterStore {
  /** Most entries held. */
  readonly capacity: number;
  readonly #entries = new Map<string, DeadLetter>();
  readonly #onOverflow: (evicted: DeadLetter) => void;
  /** Entries pushed out because the store was full. */
  overflowed = 0;

  constructor(capacity: number, onOverflow: (evicted: DeadLetter) => void) {
    this.capacity = capacity;
    this.#onOverflow = onOverflow;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Holds an entry (replacing one of the same id); a full store pushes out its oldest first. */
  add(entry: DeadLetter): void {
    this.#entries.delete(entry.id);
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.values().next().value as DeadLetter;
      this.#entries.delete(oldest.id);
      this.overflowed++;
      this.#onOverflow(oldest);
    }
    this.#entries.set(entry.id, entry);
  }

  /** The entry of a dead signal id, if held. */
  get(id: string): DeadLetter | undefined {
    return this.#entries.get(id);
  }

  /** Drops an entry; false when there was none. */
  delete(id: string): boolean {
    return this.#entries.delete(id);
  }

  /** Matching entries, oldest first. */
  list(filter: DeadLetterFilter = {}): DeadLetter[] {
    // A misspelt field would match everything: `purge({ nod: 'a' })` would empty the queue.
    checkKnownKeys('filter', filter, DEAD_LETTER_FILTER_KEYS);
    const out: DeadLetter[] = [];
    const limit = filter.limit ?? Infinity;
    for (const e of this.#entries.values()) {
      if (out.length >= limit) break;
      if (matches(e, filter)) out.push(e);
    }
    return out;
  }

  /** Removes the matching entries; returns how many. */
  purge(filter: DeadLetterFilter = {}): number {
    let n = 0;
    for (const e of this.list(filter)) if (this.#entries.delete(e.id)) n++;
    return n;
  }
}

function matches(e: DeadLetter, f: DeadLetterFilter): boolean {
  return (
    (f.node === undefined || e.node === f.node) &&
    (f.reason === undefined || e.reason === f.reason) &&
    (f.type === undefined || e.signal.type === f.type) &&
    (f.from === undefined || e.deadLetteredAt >= f.from) &&
    (f.to === undefined || e.deadLetteredAt <= f.to)
  );
}

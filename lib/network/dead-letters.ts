import type { DeadLetterStore, DeadLetter, DeadLetterFilter } from '../delivery/dead-letter-queue.ts';
import { DeadLetterNotFoundError } from './errors.ts';
import type { Receipt } from '../node/receipt.ts';

/**
 * The dead letter queue as users see it (`network.dlq`): list, inspect, reprocess, purge.
 * Reprocessing sends the same signal (same id, same history) back to its node; its partition
 * key puts it in the same partition, and deduplication lets it through.
 */
export class DeadLetters {
  readonly #store: DeadLetterStore;
  readonly #redeliver: (entry: DeadLetter) => Receipt;
  readonly #forget: (id: string) => void;

  /**
   * Made by the network; not for users.
   * `forget`: an entry was purged (a durable journal must not bring it back at the next start).
   * @internal
   */
  constructor(store: DeadLetterStore, redeliver: (entry: DeadLetter) => Receipt, forget: (id: string) => void = () => {}) {
    this.#store = store;
    this.#redeliver = redeliver;
    this.#forget = forget;
  }

  /** Entries held now. */
  get size(): number {
    return this.#store.size;
  }

  /** Most entries held; beyond it the oldest leave with a `dlq-overflow` event. */
  get capacity(): number {
    return this.#store.capacity;
  }

  /** Entries pushed out because the queue was full. */
  get overflowed(): number {
    return this.#store.overflowed;
  }

  /** Matching entries, oldest first. */
  list(filter?: DeadLetterFilter): DeadLetter[] {
    return this.#store.list(filter);
  }

  /** The entry of a dead signal id, if held. */
  get(id: string): DeadLetter | undefined {
    return this.#store.get(id);
  }

  /**
   * Sends the signal of entry `id` back to its node. The entry leaves the queue when the node
   * accepts it (a signal that fails again comes back as a new entry). Returns the receipt; a
   * refusal (backpressure, shutting down) is a rejected receipt and the entry stays. Counted in
   * `counts().redelivered` when accepted. Throws DeadLetterNotFoundError when there is no such
   * entry (a typo, or one already reprocessed, purged or pushed out).
   */
  reprocess(id: string): Receipt {
    const entry = this.#store.get(id);
    if (entry === undefined) throw new DeadLetterNotFoundError(id);
    const receipt = this.#redeliver(entry);
    if (receipt.status === 'accepted') this.#store.delete(id);
    return receipt;
  }

  /** Reprocesses every matching entry; returns the receipts. */
  reprocessAll(filter?: DeadLetterFilter): Receipt[] {
    return this.#store.list(filter).map((e) => this.reprocess(e.id));
  }

  /** Removes entry `id` (as {@link DeadLetters.purge} does); false when there is no such entry. */
  remove(id: string): boolean {
    if (this.#store.get(id) === undefined) return false;
    this.#store.delete(id);
    this.#forget(id);
    return true;
  }

  /** Removes matching entries (all when no filter); returns how many. */
  purge(filter?: DeadLetterFilter): number {
    const purged = this.#store.list(filter);
    for (const e of purged) {
      this.#store.delete(e.id);
      this.#forget(e.id);
    }
    return purged.length;
  }
}

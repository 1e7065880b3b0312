/**
 * The FileJournal's accept records that are not encoded yet. Records are encoded once a turn of
 * the event loop rather than at each `append`, so a signal that ends within the turn (most of
 * them under load) is encoded once, at its end, as one record with its outcome
 * (`writeAcceptSettled`) instead of an accept record and a settle record: about half the bytes
 * and half the encoding. Encoding at the end rather than at the turn's end also lets the signal
 * die young: held until the turn ended, a window of signals outlived each scavenge, which
 * doubled the GC's work.
 *
 * Entries are kept in acceptance order and found by acceptance number (see `PendingSet`), so
 * taking one back is an index, not a look-up. A number may be missing (a signal journaled the
 * eager way, see `FileJournal.append`): its slot stays empty.
 */
import type { Signal } from '../signal/signal.ts';
import type { RecordBuffer } from './record-buffer.ts';
import type { ShapeTable } from './shape-table.ts';
import { writeAccept } from './signal-codec.ts';

/** See the file comment. */
export class DeferredAccepts {
  readonly #signals: (Signal | undefined)[] = [];
  /** Acceptance number of slot 0. */
  #first = 0;
  #length = 0;

  /** Slots queued (empty ones included). */
  get length(): number {
    return this.#length;
  }

  /** Queues the accept record of `signal`, whose acceptance number is `accepted` (higher than any queued). */
  push(signal: Signal, accepted: number): void {
    if (this.#length === 0) this.#first = accepted;
    const i = accepted - this.#first;
    for (let hole = this.#length; hole < i; hole++) this.#signals[hole] = undefined;
    this.#signals[i] = signal;
    this.#length = i + 1;
  }

  /**
   * Takes back the record of the signal accepted as number `accepted` when it is still queued
   * (the caller writes it with its end instead); `undefined` when it is not (written already).
   */
  take(accepted: number): Signal | undefined {
    const i = accepted - this.#first;
    if (i < 0 || i >= this.#length) return undefined;
    const s = this.#signals[i];
    this.#signals[i] = undefined;
    return s;
  }

  /**
   * Encodes every queued record into `out`, in order, and empties the queue. A record that
   * cannot be encoded is left out and passed to `failed`.
   */
  flush(out: RecordBuffer, shapes: ShapeTable, failed: (signal: Signal) => void): void {
    const signals = this.#signals;
    for (let i = 0; i < this.#length; i++) {
      const s = signals[i];
      if (s === undefined) continue;
      try {
        writeAccept(out, shapes, s);
      } catch {
        failed(s);
      }
    }
    this.clear();
  }

  /** Drops every queued record (a failed journal). */
  clear(): void {
    // Overwritten rather than truncated: the array keeps its size for the next turn.
    this.#signals.fill(undefined, 0, this.#length);
    this.#first += this.#length;
    this.#length = 0;
  }
}

/**
 * The FileJournal's accept records that are not encoded yet. The journal encodes a batch when it
 * writes it rather than when each signal arrives, so a signal that ends before its batch goes
 * out (most of them under load: a batch waits for the previous write and fdatasync, tens of
 * milliseconds) gets one record with its end (`writeAcceptSettled`) instead of an accept record
 * and a settle record: about half the bytes and half the encoding.
 *
 * Entries are kept in acceptance order and found by acceptance number (see `PendingSet`), so
 * recording an end is an index, not a look-up. A number may be missing (a signal journaled
 * the eager way, see `FileJournal.append`): its slot stays empty.
 */
import type { Signal } from '../signal/signal.ts';
import type { SettleOutcome } from './journal.ts';
import type { RecordBuffer } from './record-buffer.ts';
import { writeAccept, writeAcceptSettled } from './signal-codec.ts';

const OPEN = 0;
const COMPLETED = 1;
const DEAD_LETTERED = 2;
const INITIAL_SLOTS = 1024;

/** See the file comment. */
export class DeferredAccepts {
  #signals: (Signal | undefined)[] = [];
  /** Acceptance number of slot 0. */
  #first = 0;
  #length = 0;
  // Per slot, in typed arrays: a number read from or written to an object field may be boxed.
  #outcome = new Uint8Array(INITIAL_SLOTS);
  #at = new Float64Array(INITIAL_SLOTS);
  #hopCount = new Uint32Array(INITIAL_SLOTS);

  /** Slots queued (empty ones included). */
  get length(): number {
    return this.#length;
  }

  /** Queues the accept record of `signal`, whose acceptance number is `accepted` (higher than any queued). */
  push(signal: Signal, accepted: number): void {
    if (this.#length === 0) this.#first = accepted;
    const i = accepted - this.#first;
    if (i >= this.#outcome.length) this.#grow(i + 1);
    for (let hole = this.#length; hole < i; hole++) this.#signals[hole] = undefined;
    this.#signals[i] = signal;
    this.#outcome[i] = OPEN;
    this.#length = i + 1;
  }

  /**
   * Records the end of the signal accepted as number `accepted`, if its record is still queued
   * here (then no settle record is needed); false when it is not (written already, or never here).
   * `hopCount`: the length of its history now, its final one.
   */
  settle(accepted: number, outcome: SettleOutcome, at: number, hopCount: number): boolean {
    const i = accepted - this.#first;
    if (i < 0 || i >= this.#length || this.#signals[i] === undefined) return false;
    this.#outcome[i] = outcome === 'completed' ? COMPLETED : DEAD_LETTERED;
    this.#at[i] = at;
    this.#hopCount[i] = hopCount;
    return true;
  }

  /**
   * Encodes every queued record into `out`, in order, and empties the queue. A record that
   * cannot be encoded is left out and passed to `failed` with whether its signal had ended.
   */
  flush(out: RecordBuffer, failed: (signal: Signal, ended: boolean) => void): void {
    const signals = this.#signals;
    for (let i = 0; i < this.#length; i++) {
      const s = signals[i];
      if (s === undefined) continue;
      const outcome = this.#outcome[i];
      try {
        if (outcome === OPEN) writeAccept(out, s);
        else writeAcceptSettled(out, s, outcome === COMPLETED ? 'completed' : 'dead-lettered', this.#at[i]!, this.#hopCount[i]!);
      } catch {
        failed(s, outcome !== OPEN);
      }
    }
    this.clear();
  }

  /** Drops every queued record (a failed journal). */
  clear(): void {
    // Overwritten rather than truncated: the array keeps its size for the next batch.
    this.#signals.fill(undefined, 0, this.#length);
    this.#first += this.#length;
    this.#length = 0;
  }

  #grow(slots: number): void {
    const n = Math.max(slots, 2 * this.#outcome.length);
    const outcome = new Uint8Array(n);
    const at = new Float64Array(n);
    const hopCount = new Uint32Array(n);
    outcome.set(this.#outcome);
    at.set(this.#at);
    hopCount.set(this.#hopCount);
    this.#outcome = outcome;
    this.#at = at;
    this.#hopCount = hopCount;
  }
}

/**
 * The FileJournal's accept records that are not encoded yet. Records are encoded once a turn of
 * the event loop rather than at each `append`, so a signal that ends within the turn (most of
 * them under load) is encoded once, at its end, as one record with its outcome
 * (`writeAcceptSettled`) instead of an accept record and a settle record: about half the bytes
 * and half the encoding. Encoding at the end rather than at the turn's end also lets the signal
 * die young: held until the turn ended, a window of signals outlived each scavenge, which
 * doubled the GC's work.
 *
 * The payload is the exception: its JSON is taken at `push`, into an arena of this queue, and
 * the record copies those bytes. An envelope is frozen but its payload is the sender's object:
 * encoded at the end of the turn, a payload changed after `send` (or a getter that answers
 * differently, or throws, on a second read) would be journaled as it is then, or not at all,
 * while the sender already heard `accepted`. Taken at `push`, a payload that cannot be written
 * fails its own `append`. The cost is a copy of the payload's bytes; the encoding itself only
 * moves.
 *
 * Entries are kept in acceptance order and found by acceptance number (see `PendingSet`), so
 * taking one back is an index, not a look-up. A number may be missing (a signal journaled the
 * eager way, see `FileJournal.append`): its slot stays empty.
 */
import type { Signal } from '../signal/signal.ts';
import { OVERFLOW, writeJson } from './json-writer.ts';
import type { RecordBuffer } from './record-buffer.ts';
import type { ShapeTable } from './shape-table.ts';
import { writeAccept, type PreparedPayload } from './signal-codec.ts';

/** Bytes the payload arena starts with (and goes back to after a burst of large payloads). */
const ARENA_BYTES = 64 * 1024;

/** See the file comment. */
export class DeferredAccepts {
  readonly #signals: (Signal | undefined)[] = [];
  /** Per slot: where the payload's JSON starts and ends in the arena (equal: no payload). */
  readonly #payloadStart: number[] = [];
  readonly #payloadEnd: number[] = [];
  #arena: Buffer = Buffer.allocUnsafeSlow(ARENA_BYTES);
  #arenaUsed = 0;
  /** A payload is being written into the arena (a getter in it may send, and so push, again). */
  #writing = false;
  /** Acceptance number of slot 0. */
  #first = 0;
  #length = 0;
  /** The payload of the record last taken back by {@link take} (reused: no object per record). */
  readonly prepared: PreparedPayload = { bytes: this.#arena, start: 0, end: 0 };

  /** Slots queued (empty ones included). */
  get length(): number {
    return this.#length;
  }

  /**
   * Queues the accept record of `signal`, whose acceptance number is `accepted` (higher than any
   * queued), with its payload's JSON as it is now. Throws (queuing nothing) when the payload
   * cannot be written as JSON.
   */
  push(signal: Signal, accepted: number): void {
    const start = this.#arenaUsed;
    const end = signal.payload === undefined ? start : this.#writePayload(signal.payload);
    if (this.#length === 0) this.#first = accepted;
    const i = accepted - this.#first;
    for (let hole = this.#length; hole < i; hole++) this.#signals[hole] = undefined;
    this.#signals[i] = signal;
    this.#payloadStart[i] = start;
    this.#payloadEnd[i] = end;
    this.#length = i + 1;
  }

  /**
   * Takes back the record of the signal accepted as number `accepted` when it is still queued
   * (the caller writes it with its end instead, its payload from {@link prepared});
   * `undefined` when it is not (written already).
   */
  take(accepted: number): Signal | undefined {
    const i = accepted - this.#first;
    if (i < 0 || i >= this.#length) return undefined;
    const s = this.#signals[i];
    if (s === undefined) return undefined;
    this.#signals[i] = undefined;
    this.#prepare(i);
    return s;
  }

  /**
   * Encodes every queued record into `out`, in order, and empties the queue. A record that
   * cannot be encoded (which a checked envelope with its payload already taken cannot be) is
   * left out and passed to `failed`.
   */
  flush(out: RecordBuffer, shapes: ShapeTable, failed: (signal: Signal) => void): void {
    const signals = this.#signals;
    for (let i = 0; i < this.#length; i++) {
      const s = signals[i];
      if (s === undefined) continue;
      this.#prepare(i);
      try {
        writeAccept(out, shapes, s, this.prepared);
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
    this.#arenaUsed = 0;
    if (this.#arena.length > 64 * ARENA_BYTES) this.#arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
  }

  #prepare(i: number): void {
    const p = this.prepared;
    p.bytes = this.#arena;
    p.start = this.#payloadStart[i]!;
    p.end = this.#payloadEnd[i]!;
  }

  /** Writes `payload` as JSON at the end of the arena (grown as needed); returns where it ends. */
  #writePayload(payload: unknown): number {
    // A send from inside a payload's getter would write over the payload being written.
    if (this.#writing) throw new TypeError('a payload sent a signal while it was being journaled');
    this.#writing = true;
    try {
      for (;;) {
        const arena = this.#arena;
        const end = writeJson(arena, this.#arenaUsed, arena.length, payload);
        if (end !== OVERFLOW) return (this.#arenaUsed = end);
        const grown = Buffer.allocUnsafeSlow(2 * arena.length);
        arena.copy(grown, 0, 0, this.#arenaUsed);
        this.#arena = grown;
      }
    } finally {
      this.#writing = false;
    }
  }
}

/**
 * The idempotency keys a durable journal keeps for the network's dedup window, so that a
 * restart knows them again: a signal sent again after a crash must still be a duplicate.
 * Records of accepted signals carry their keys, but compaction drops the records of ended
 * signals, so the journal keeps the keys of the signals that ended here (node, key and time,
 * the time the key was first seen: the signal's `createdAt`), and compaction writes those still
 * inside the window as key records.
 *
 * A ring of at most `maxKeys` (the dedup window's own cap: more could not be remembered
 * anyway), oldest out first, that starts small and doubles up to the cap. Keys are copied into
 * typed arrays, one byte a character, rather than kept as strings: every signal of a busy
 * producer with keys of its own ends here, and holding its key string for the window made each
 * one survive into the old generation (see docs/benchmarks.md). A key longer than {@link SLOT_BYTES}, or with a character past Latin-1, is kept as
 * a string aside.
 */

import type { RecentKey } from './journal.ts';
import type { RecordBuffer } from './record-buffer.ts';
import { writeKeyRecord } from './record-dead-letter.ts';

const INITIAL_SLOTS = 1024;
/** Bytes per key slot: a UUID (36 characters) fits. */
const SLOT_BYTES = 40;
/** `#lengths` value of a key kept as a string in `#long`. */
const LONG = -1;

/** See the file comment. */
export class RecentKeys {
  readonly windowMs: number;
  readonly maxKeys: number;
  #slots = 0;
  #bytes = new Uint8Array(0);
  #lengths = new Int32Array(0);
  #nodeIds = new Int32Array(0);
  #times = new Float64Array(0);
  /** Keys that do not fit a slot, by slot. */
  readonly #long = new Map<number, string>();
  readonly #nodes: string[] = [];
  readonly #nodeIdOf = new Map<string, number>();
  /** The node of the last key (most keys in a row come from one node): no look-up for it. */
  #lastNode = '';
  #lastNodeId = -1;
  /** Next slot to write; the ring is full once it wrapped. */
  #next = 0;
  #size = 0;
  /** Latest time added: "now" for the window, as the journal has no clock of its own. */
  latest = -Infinity;

  constructor(windowMs: number, maxKeys: number) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  /** Keys held (inside the window or not). */
  get size(): number {
    return this.#size;
  }

  /** Keeps `key`, seen at `node` at time `at` (the oldest goes once `maxKeys` are held). */
  add(node: string, key: string, at: number): void {
    let i = this.#next;
    if (i === this.#slots) {
      if (this.#size < this.maxKeys) this.#grow();
      else i = 0;
    }
    if (this.#lengths[i] === LONG) this.#long.delete(i);
    const n = key.length;
    let length = n <= SLOT_BYTES ? n : LONG;
    const bytes = this.#bytes;
    for (let c = 0, base = i * SLOT_BYTES; c < n && length !== LONG; c++) {
      const code = key.charCodeAt(c);
      if (code > 0xff) length = LONG;
      else bytes[base + c] = code;
    }
    if (length === LONG) this.#long.set(i, key);
    this.#lengths[i] = length;
    this.#nodeIds[i] = node === this.#lastNode ? this.#lastNodeId : this.#nodeId(node);
    this.#times[i] = at;
    this.#next = i + 1;
    if (this.#size < this.maxKeys) this.#size++;
    if (at > this.latest) this.latest = at;
  }

  /** The keys seen within `windowMs` of the latest one, oldest first. */
  inWindow(): RecentKey[] {
    const out: RecentKey[] = [];
    this.#eachInWindow((slot, node) => {
      const length = this.#lengths[slot]!;
      const key = length === LONG ? this.#long.get(slot)! : Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + slot * SLOT_BYTES, length).toString('latin1');
      out.push({ node, key, at: this.#times[slot]! });
    });
    return out;
  }

  /** Writes a key record (see `writeKeyRecord`) for each key within `windowMs` of the latest, oldest first. */
  writeInWindow(out: RecordBuffer): void {
    this.#eachInWindow((slot, node) => {
      const length = this.#lengths[slot]!;
      const long = length === LONG ? this.#long.get(slot)! : undefined;
      if (long !== undefined) writeKeyRecord(out, node, long, 0, long.length, this.#times[slot]!);
      else writeKeyRecord(out, node, this.#bytes, slot * SLOT_BYTES, length, this.#times[slot]!);
    });
  }

  /** Calls `visit` with the slot and node of each key within `windowMs` of the latest, oldest first. */
  #eachInWindow(visit: (slot: number, node: string) => void): void {
    const from = this.latest - this.windowMs;
    const slots = this.#slots;
    // Oldest first: from the slot after the last written, when the ring wrapped.
    const first = this.#size === slots ? this.#next % slots : 0;
    for (let k = 0; k < this.#size; k++) {
      const slot = (first + k) % slots;
      if (this.#times[slot]! >= from) visit(slot, this.#nodes[this.#nodeIds[slot]!]!);
    }
  }

  #nodeId(node: string): number {
    let id = this.#nodeIdOf.get(node);
    if (id === undefined) {
      id = this.#nodes.length;
      this.#nodes.push(node);
      this.#nodeIdOf.set(node, id);
    }
    this.#lastNode = node;
    this.#lastNodeId = id;
    return id;
  }

  #grow(): void {
    const slots = Math.min(this.maxKeys, Math.max(INITIAL_SLOTS, 2 * this.#slots));
    this.#bytes = grown(this.#bytes, new Uint8Array(slots * SLOT_BYTES));
    this.#lengths = grown(this.#lengths, new Int32Array(slots));
    this.#nodeIds = grown(this.#nodeIds, new Int32Array(slots));
    this.#times = grown(this.#times, new Float64Array(slots));
    this.#slots = slots;
  }
}

function grown<T extends Uint8Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

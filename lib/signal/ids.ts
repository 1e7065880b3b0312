import { randomFillSync } from 'node:crypto';

/*
 * UUID v7 (RFC 9562) for every id the framework makes (signals, error records), built for the
 * hot path:
 *
 * - 48-bit Unix milliseconds, version 7, a 12-bit per-millisecond counter (rand_a, method 1 of
 *   the RFC: it starts at a random value each millisecond and carries into the timestamp when
 *   it overflows, so ids from one process sort strictly in creation order), variant 10 and 62
 *   random bits drawn from a pool refilled 4,096 ids at a time.
 * - Written as ASCII into a scratch buffer, up to 64 ids of one millisecond at a time, and read
 *   out as one latin1 string; each id is a `substring` of it (a flat slice, no copy).
 *   Concatenating hex pieces would build a rope that every hash look-up must flatten again, and
 *   reading each id out of the buffer on its own costs a call into C++ per id (figures in
 *   docs/benchmarks.md, "Signal ids").
 * - A block holds ids of its millisecond only: when the caller's clock has moved on, the rest of
 *   the block is dropped, and the next block is sized to what was used, so a slow sender does
 *   not pay for 64 ids per id.
 */

const POOL_IDS = 4096;
const pool = new Uint8Array(8 * POOL_IDS);
let offset = pool.length;
/** Most ids formatted at once. */
const MAX_BLOCK = 64;
const out = Buffer.alloc(36 * MAX_BLOCK);
/** Two ASCII hex digits of each byte, the first in the low byte: one little-endian 16-bit store writes both. */
const PAIRS = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  const digits = i.toString(16).padStart(2, '0');
  PAIRS[i] = digits.charCodeAt(0) | (digits.charCodeAt(1) << 8);
}
const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
// The dashes never move: written once for every slot of the block.
for (let j = 0; j < MAX_BLOCK; j++) out[j * 36 + 8] = out[j * 36 + 13] = out[j * 36 + 18] = out[j * 36 + 23] = 0x2d;
/** Timestamp and counter of the last id made. */
let lastMs = -1;
let counter = 0;
/** The current block of formatted ids, how many it holds, how many were taken, and its last millisecond. */
let block = '';
let made = 0;
let taken = 0;
let blockMs = -1;
/** Ids the next block formats: doubles while blocks are used up, shrinks to what was used when time moves on first. */
let blockSize = 1;

/** Writes the hex digits of bytes `a` and `b` at `at` (four characters, one store). */
function quad(at: number, a: number, b: number): void {
  view.setUint32(at, PAIRS[a]! | (PAIRS[b]! << 16), true);
}

/** Formats id `j` of the block: timestamp `ms`, counter `count`, random tail from the pool. */
function format(j: number, ms: number, count: number): void {
  const at = j * 36;
  const high = Math.floor(ms / 0x10000); // the top 32 of the 48 timestamp bits
  quad(at, high >>> 24, (high >>> 16) & 0xff);
  quad(at + 4, (high >>> 8) & 0xff, high & 0xff);
  quad(at + 9, (ms >>> 8) & 0xff, ms & 0xff);
  quad(at + 14, 0x70 | (count >>> 8), count & 0xff);
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = offset;
  offset += 8;
  quad(at + 19, (pool[random]! & 0x3f) | 0x80, pool[random + 1]!);
  quad(at + 24, pool[random + 2]!, pool[random + 3]!);
  quad(at + 28, pool[random + 4]!, pool[random + 5]!);
  quad(at + 32, pool[random + 6]!, pool[random + 7]!);
}

/** Formats the next block of ids, from millisecond `ms` on. */
function refill(ms: number): void {
  blockSize = taken === made ? Math.min(MAX_BLOCK, blockSize * 2) : Math.max(1, taken);
  if (ms > lastMs) {
    lastMs = ms;
    counter = (Math.random() * 2048) | 0; // leaves room to count up within the millisecond
  }
  for (let j = 0; j < blockSize; j++) {
    if (counter > 0xfff) {
      lastMs++; // borrow the next millisecond rather than repeat or go back
      counter = 0;
    }
    format(j, lastMs, counter++);
  }
  block = out.toString('latin1', 0, 36 * blockSize);
  made = blockSize;
  taken = 0;
  blockMs = lastMs;
}

/**
 * A new UUID v7: time-ordered, monotonic within this process. `now` (ms since the epoch) is the
 * caller's reading of its clock, so a signal's id carries its `createdAt` without a second clock
 * read; ids stay monotonic whatever clocks their callers use.
 */
export function newId(now: number = Date.now()): string {
  if (taken === made || Math.floor(now) > blockMs) refill(Math.floor(now));
  const at = 36 * taken++;
  return block.substring(at, at + 36);
}

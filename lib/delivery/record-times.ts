/**
 * Times in journal records: not JSON numbers (printing a fractional double in decimal, shortest
 * round trip, costs more than the rest of a record) but the IEEE-754 bits, exact, all of a
 * record's times in one string, each time as 11 base64url characters (64 bits, most significant
 * first: bytes are what a journal pays for).
 */

/** Characters per time. */
export const TIME_CHARS = 11;

/**
 * The time {@link writeTime} writes. Set by the caller: a double passed to a call that is not
 * inlined is boxed, an allocation per time.
 */
export const TIME = new Float64Array(1);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64 = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** TIME as two 32-bit words; which one holds the top half depends on the platform's byte order. */
const TIME_WORDS = new Uint32Array(TIME.buffer);
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
const TOP = BIG_ENDIAN ? 0 : 1;
const BOTTOM = 1 - TOP;

/**
 * Writes `TIME[0]` at `pos` as 11 base64url characters (six bits each, the last one four bits
 * and two zeros); returns the position after them. Eight go out as two 32-bit stores.
 */
export function writeTime(buf: Uint8Array, view: DataView, pos: number): number {
  const hi = TIME_WORDS[TOP]!;
  const lo = TIME_WORDS[BOTTOM]!;
  view.setUint32(pos, B64[hi >>> 26]! | (B64[(hi >>> 20) & 63]! << 8) | (B64[(hi >>> 14) & 63]! << 16) | (B64[(hi >>> 8) & 63]! << 24), true);
  view.setUint32(pos + 4, B64[(hi >>> 2) & 63]! | (B64[((hi & 3) << 4) | (lo >>> 28)]! << 8) | (B64[(lo >>> 22) & 63]! << 16) | (B64[(lo >>> 16) & 63]! << 24), true);
  buf[pos + 8] = B64[(lo >>> 10) & 63]!;
  buf[pos + 9] = B64[(lo >>> 4) & 63]!;
  buf[pos + 10] = B64[(lo & 15) << 2]!;
  return pos + TIME_CHARS;
}

const BITS = new DataView(new ArrayBuffer(8));
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** The times of a times string (see {@link writeTime}); `undefined` when it is not one. */
export function readTimes(raw: unknown): number[] | undefined {
  if (typeof raw !== 'string' || raw.length % TIME_CHARS !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < raw.length; i += TIME_CHARS) {
    const v: number[] = [];
    for (let j = 0; j < TIME_CHARS; j++) {
      const c = raw.charCodeAt(i + j);
      const x = c < 128 ? VALUE[c]! : -1;
      if (x < 0) return undefined;
      v.push(x);
    }
    if ((v[10]! & 3) !== 0) return undefined; // not what writeTime writes
    const hi = ((v[0]! << 26) | (v[1]! << 20) | (v[2]! << 14) | (v[3]! << 8) | (v[4]! << 2) | (v[5]! >>> 4)) >>> 0;
    const lo = (((v[5]! & 15) << 28) | (v[6]! << 22) | (v[7]! << 16) | (v[8]! << 10) | (v[9]! << 4) | (v[10]! >>> 2)) >>> 0;
    BITS.setUint32(0, hi);
    BITS.setUint32(4, lo);
    times.push(BITS.getFloat64(0));
  }
  return times;
}

/**
 * The end (`at`) of a record that ends a signal, and the times before it. Such a record has
 * `first` times (1, the `createdAt` of an accept record; 0 for a settle record), two per hop,
 * then the end unless it is the last hop's finish; without hops the end must be there.
 * `undefined` when the count fits neither.
 */
export function splitEnd(times: readonly number[], first: number, hops: number): { times: readonly number[]; at: number } | undefined {
  const apart = first + 2 * hops + 1;
  if (times.length === apart) return { times: times.slice(0, -1), at: times[apart - 1]! };
  if (hops > 0 && times.length === apart - 1) return { times, at: times[apart - 2]! };
  return undefined;
}

/**
 * Times in journal records: not JSON numbers but 16 hex digits each, the IEEE-754 bits
 * (big-endian), all of a record's times in one string. Printing a fractional double in decimal
 * (shortest round trip) costs more than the rest of a record; the bits are exact and take a
 * table look-up per byte, four digits per store.
 */

/** Hex digits per time. */
export const TIME_HEX_DIGITS = 16;

/**
 * The time {@link writeTime} writes. Set by the caller: a double passed to a call that is not
 * inlined is boxed, an allocation per time.
 */
export const TIME = new Float64Array(1);

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** TIME as two 32-bit words; which one holds the top half depends on the platform's byte order. */
const TIME_WORDS = new Uint32Array(TIME.buffer);
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
const TOP = BIG_ENDIAN ? 0 : 1;
const BOTTOM = 1 - TOP;
/** The two hex digits of each byte value as a 16-bit word whose low byte is the first digit (stored little-endian). */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, b) => HEX[b >> 4]! | (HEX[b & 15]! << 8));

/** Writes `TIME[0]` at `pos` as 16 hex digits, most significant first; returns the position after them. */
export function writeTime(view: DataView, pos: number): number {
  writeWordHex(view, pos, TIME_WORDS[TOP]!);
  writeWordHex(view, pos + 8, TIME_WORDS[BOTTOM]!);
  return pos + TIME_HEX_DIGITS;
}

function writeWordHex(view: DataView, pos: number, w: number): void {
  view.setUint32(pos, HEX_PAIRS[w >>> 24]! | (HEX_PAIRS[(w >>> 16) & 0xff]! << 16), true);
  view.setUint32(pos + 4, HEX_PAIRS[(w >>> 8) & 0xff]! | (HEX_PAIRS[w & 0xff]! << 16), true);
}

const TIMES = /^(?:[0-9a-f]{16})+$/;
const BITS = new DataView(new ArrayBuffer(8));

/** The times of a times string; `undefined` when it is not one. */
export function readTimes(raw: unknown): number[] | undefined {
  if (typeof raw !== 'string' || !TIMES.test(raw)) return undefined;
  const times: number[] = [];
  for (let i = 0; i < raw.length; i += TIME_HEX_DIGITS) {
    BITS.setUint32(0, parseInt(raw.slice(i, i + 8), 16));
    BITS.setUint32(4, parseInt(raw.slice(i + 8, i + 16), 16));
    times.push(BITS.getFloat64(0));
  }
  return times;
}

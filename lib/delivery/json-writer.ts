/**
 * JSON written byte by byte into a Buffer, for the journal's records. Why not `JSON.stringify`
 * and `Buffer#write`: for the small values a record is made of, each of those native calls costs
 * more than the bytes it produces (a `JSON.stringify` of a two-field payload costs about as much
 * as creating the signal), and every string it returns is garbage. The durable journal does
 * about half again as many signals per CPU-second this way (docs/benchmarks.md, "JSON writer"). Here a string is copied with
 * one pass over its characters, and plain data (what `validatePayload` lets through) is walked
 * in place; anything else goes to `JSON.stringify` whole, so the output is always exactly what
 * `JSON.stringify` would have written.
 *
 * Every writer takes the position to write at and the end of the room it may use, and returns
 * the position after what it wrote, or {@link OVERFLOW} when the value may not fit (the caller
 * retries with more room: nothing is committed until a whole record is written).
 */

/** Returned instead of a position when the room before `end` may be too small. */
export const OVERFLOW = -1;
/** Internal: a value `JSON.stringify` must handle (a class instance, `toJSON`, a BigInt, deep nesting). */
const NOT_PLAIN = -2;
/** Nesting walked in place; deeper values (or cycles) go to `JSON.stringify`. */
const MAX_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The one-letter escapes of JSON, by character code (0: none). */
const SHORT_ESCAPE = new Uint8Array(0x60);
for (const [c, e] of [
  [0x08, 'b'],
  [0x09, 't'],
  [0x0a, 'n'],
  [0x0c, 'f'],
  [0x0d, 'r'],
  [QUOTE, '"'],
  [BACKSLASH, '\\'],
] as const)
  SHORT_ESCAPE[c] = e.charCodeAt(0);

/** `s` as a JSON string literal, quotes included, in UTF-8. Throws a TypeError for a non-string (a malformed envelope). */
export function writeString(buf: Uint8Array, pos: number, end: number, s: string): number {
  if (typeof s !== 'string') throw new TypeError(`expected a string, got ${typeof s}`);
  const n = s.length;
  // At most 6 bytes per UTF-16 unit (`\u001f`).
  if (pos + 6 * n + 2 > end) return OVERFLOW;
  buf[pos++] = QUOTE;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH) buf[pos++] = c;
    else if (c < 0x80) pos = writeEscape(buf, pos, c);
    else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) pos = writeThreeBytes(buf, pos, c);
    else {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        buf[pos++] = 0xf0 | (cp >> 18);
        buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[pos++] = 0x80 | (cp & 0x3f);
        i++;
      } else pos = writeUnicodeEscape(buf, pos, c); // a lone surrogate, as JSON.stringify writes it
    }
  }
  buf[pos++] = QUOTE;
  return pos;
}

/** A number as JSON writes it (`null` when not finite). */
export function writeNumber(buf: Uint8Array, pos: number, end: number, v: number): number {
  if (pos + 24 > end) return OVERFLOW;
  // Small integers (counters, partitions, attempts) without a number-to-string conversion.
  if (Number.isInteger(v) && v < 0x80000000 && v > -0x80000000) {
    if (v < 0) {
      buf[pos++] = 0x2d;
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    for (let i = pos + digits - 1; i >= pos; i--) {
      const q = Math.floor(v / 10);
      buf[i] = 0x30 + v - q * 10;
      v = q;
    }
    return pos + digits;
  }
  return writeAscii(buf, pos, Number.isFinite(v) ? `${v}` : 'null');
}

/**
 * Any value that can be a payload, as `JSON.stringify(value)` writes it. Throws what
 * `JSON.stringify` throws (a BigInt, a cycle), and a TypeError when it would write nothing.
 */
export function writeJson(buf: Uint8Array, pos: number, end: number, value: unknown): number {
  const at = writeValue(buf, pos, end, value, 0);
  if (at !== NOT_PLAIN) return at;
  const text: string | undefined = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`a ${typeof value} cannot be written as JSON`);
  return writeJsonText(buf, pos, end, text);
}

function writeValue(buf: Uint8Array, pos: number, end: number, v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return writeString(buf, pos, end, v);
    case 'number':
      return writeNumber(buf, pos, end, v);
    case 'boolean':
      return pos + 5 > end ? OVERFLOW : writeAscii(buf, pos, v ? 'true' : 'false');
    case 'object':
      if (v === null) return pos + 4 > end ? OVERFLOW : writeAscii(buf, pos, 'null');
      if (depth >= MAX_DEPTH || typeof (v as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
      if (Array.isArray(v)) return Object.getPrototypeOf(v) === Array.prototype ? writeArray(buf, pos, end, v, depth) : NOT_PLAIN;
      {
        const proto: unknown = Object.getPrototypeOf(v);
        return proto === Object.prototype || proto === null ? writeObject(buf, pos, end, v as Record<string, unknown>, depth) : NOT_PLAIN;
      }
    default:
      // A BigInt (JSON.stringify throws), or undefined, a function or a symbol (skipped by the caller).
      return NOT_PLAIN;
  }
}

function writeObject(buf: Uint8Array, pos: number, end: number, o: Record<string, unknown>, depth: number): number {
  if (pos + 2 > end) return OVERFLOW;
  buf[pos++] = 0x7b;
  let first = true;
  // for-in with an own-property check: the keys of Object.keys, in its order, without its array.
  for (const key in o) {
    if (!hasOwn(o, key)) continue;
    const v = o[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // JSON leaves the key out
    if (!first) buf[pos++] = 0x2c;
    first = false;
    pos = writeString(buf, pos, end - 2, key);
    if (pos < 0) return pos;
    buf[pos++] = 0x3a;
    pos = writeValue(buf, pos, end - 2, v, depth + 1);
    if (pos < 0) return pos;
  }
  buf[pos++] = 0x7d;
  return pos;
}

const hasOwn = (o: object, key: string): boolean => Object.hasOwn(o, key);

function writeArray(buf: Uint8Array, pos: number, end: number, a: readonly unknown[], depth: number): number {
  if (pos + 2 > end) return OVERFLOW;
  buf[pos++] = 0x5b;
  for (let i = 0; i < a.length; i++) {
    if (i > 0) buf[pos++] = 0x2c;
    const v = a[i];
    // JSON writes null for what it cannot carry in an array (and for holes).
    pos = writeValue(buf, pos, end - 2, v === undefined || typeof v === 'function' || typeof v === 'symbol' ? null : v, depth + 1);
    if (pos < 0) return pos;
  }
  buf[pos++] = 0x5d;
  return pos;
}

/** Text that is already JSON (from `JSON.stringify`: well-formed, nothing to escape), in UTF-8. */
function writeJsonText(buf: Uint8Array, pos: number, end: number, text: string): number {
  const n = text.length;
  if (pos + 3 * n > end) return OVERFLOW;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) buf[pos++] = c;
    else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdbff) pos = writeThreeBytes(buf, pos, c);
    else {
      // A pair (JSON.stringify escapes lone surrogates): 4 bytes for 2 units.
      const cp = ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00) + 0x10000;
      buf[pos++] = 0xf0 | (cp >> 18);
      buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[pos++] = 0x80 | (cp & 0x3f);
    }
  }
  return pos;
}

function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

function writeThreeBytes(buf: Uint8Array, pos: number, c: number): number {
  buf[pos] = 0xe0 | (c >> 12);
  buf[pos + 1] = 0x80 | ((c >> 6) & 0x3f);
  buf[pos + 2] = 0x80 | (c & 0x3f);
  return pos + 3;
}

function writeEscape(buf: Uint8Array, pos: number, c: number): number {
  const e = SHORT_ESCAPE[c]!;
  if (e === 0) return writeUnicodeEscape(buf, pos, c);
  buf[pos] = BACKSLASH;
  buf[pos + 1] = e;
  return pos + 2;
}

function writeUnicodeEscape(buf: Uint8Array, pos: number, c: number): number {
  buf[pos] = BACKSLASH;
  buf[pos + 1] = 0x75;
  buf[pos + 2] = HEX[c >> 12]!;
  buf[pos + 3] = HEX[(c >> 8) & 15]!;
  buf[pos + 4] = HEX[(c >> 4) & 15]!;
  buf[pos + 5] = HEX[c & 15]!;
  return pos + 6;
}

import { ValidationError } from './errors.ts';

/**
 * Default largest payload, as JSON in UTF-8.
 * @defaultValue 1 MiB
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Default deepest nesting of objects and arrays in a payload.
 * @defaultValue 64
 */
export const DEFAULT_MAX_PAYLOAD_DEPTH = 64;

const sharedPath: (string | number)[] = [];
const sharedSeen: object[] = [];
let stacksInUse = false;
const EMPTY_PATH: (string | number)[] = [];
const NO_SEEN: object[] = [];

/** Keys that can reach `Object.prototype` when a payload is merged or assigned somewhere. */
function isForbiddenKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}

/** Limits for {@link validatePayload}. */
export interface PayloadLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

/**
 * Checks that a payload survives a trip through JSON unchanged and is safe to merge: plain
 * objects, arrays, strings (well-formed UTF-16), finite numbers, booleans and null only; no
 * cycles, no prototype-polluting keys, within the size and depth limits. Throws a
 * {@link ValidationError} naming the rule and the path.
 *
 * A payload is what JSON sees of it: like `JSON.stringify`, the check looks at own enumerable
 * string keys only. Symbol keys and non-enumerable properties are not refused, and not carried
 * either: a handler in the same process gets the very object sent, but a durable journal or a
 * transport carries its JSON. (Refusing symbol keys would cost a `getOwnPropertySymbols` array
 * per object: more than the rest of the check of a small payload.)
 *
 * An own `__proto__` key (JSON.parse makes one) is found by the key loop: V8's for..in lists
 * it like any own enumerable key (spec/signal/validate-payload pins this), so no
 * `hasOwnProperty` call per object is needed.
 *
 * One walk does everything. Size is estimated on the way (exact for ASCII); only when the
 * estimate comes near the limit is the exact UTF-8 length of the JSON measured.
 */
export function validatePayload(payload: unknown, limits: PayloadLimits): void {
  // Primitives need no walk (and no stacks).
  const estimate = typeof payload !== 'object' || payload === null ? walk(payload, EMPTY_PATH, NO_SEEN, limits) : walkObject(payload, limits);
  if (estimate * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
    if (bytes > limits.maxBytes) {
      throw new ValidationError('too-large', `payload is ${bytes} bytes as JSON, over the limit of ${limits.maxBytes}`);
    }
  }
}

// The stacks are reused between calls; a getter that validates another payload while this one
// is being walked gets fresh ones.
function walkObject(payload: object, limits: PayloadLimits): number {
  const flat = flatSize(payload);
  if (flat >= 0) return flat;
  const reuse = !stacksInUse;
  const at = reuse ? sharedPath : [];
  const seen = reuse ? sharedSeen : [];
  stacksInUse = true;
  try {
    return walk(payload, at, seen, limits);
  } finally {
    at.length = 0;
    seen.length = 0;
    if (reuse) stacksInUse = false;
  }
}

/**
 * The common payload, a plain object of primitives, checked without the walk's stacks. Returns
 * its estimated size, or -1 when it needs the full walk (nesting, or anything to report: the
 * walk finds it again and builds the error with its path).
 */
function flatSize(v: object): number {
  if (Array.isArray(v) || !hasPlainPrototype(v)) return -1;
  let size = 2;
  for (const key in v) {
    if (isForbiddenKey(key) || !key.isWellFormed()) return -1;
    const x: unknown = (v as Record<string, unknown>)[key];
    switch (typeof x) {
      case 'string':
        if (!x.isWellFormed()) return -1;
        size += x.length + key.length + 6;
        break;
      case 'number':
        if (!Number.isFinite(x)) return -1;
        size += key.length + 12;
        break;
      case 'boolean':
      case 'undefined':
        size += key.length + 9;
        break;
      default:
        if (x !== null) return -1;
        size += key.length + 8;
    }
  }
  return size;
}

/** True when `v`'s prototype is `Object.prototype` or null (a plain object, for JSON). */
function hasPlainPrototype(v: object): boolean {
  // The load first gives the compiler the object's maps, so that getPrototypeOf is folded into
  // a map check; without a load before it, every call goes into the runtime.
  void (v as { constructor?: unknown }).constructor;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

// The path is kept as a stack of keys and only turned into text when an error needs it, so a
// valid payload costs no string building.
function walk(v: unknown, at: (string | number)[], seen: object[], limits: PayloadLimits): number {
  const depth = at.length;
  switch (typeof v) {
    case 'string':
      if (!v.isWellFormed()) throw new ValidationError('invalid-utf16', `string at ${pathOf(at)} has a lone surrogate (invalid UTF-16)`, { path: pathOf(at) });
      return v.length + 2;
    case 'number':
      if (!Number.isFinite(v)) throw new ValidationError('not-serialisable', `number at ${pathOf(at)} is ${v}, which JSON cannot carry`, { path: pathOf(at) });
      return 8;
    case 'boolean':
      return 5;
    case 'undefined':
      // Allowed as an object property (JSON drops it, as the sender expects); refused in arrays below.
      return 0;
    case 'object':
      break;
    default:
      throw new ValidationError('not-serialisable', `value at ${pathOf(at)} is a ${typeof v}, which JSON cannot carry`, { path: pathOf(at) });
  }
  if (v === null) return 4;
  if (depth >= limits.maxDepth) throw new ValidationError('too-deep', `payload nests deeper than ${limits.maxDepth} levels at ${pathOf(at)}`, { path: pathOf(at) });
  if (seen.includes(v)) throw new ValidationError('cyclic', `payload refers back to itself at ${pathOf(at)}`, { path: pathOf(at) });
  seen.push(v);
  let size = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (item === undefined) throw new ValidationError('not-serialisable', `array item at ${pathOf(at, i)} is undefined (JSON turns it into null)`, { path: `${pathOf(at, i)}` });
      at.push(i);
      size += walk(item, at, seen, limits) + 1;
      at.pop();
      if (size > limits.maxBytes) throw tooLarge(limits);
    }
  } else {
    if (!hasPlainPrototype(v)) {
      const kind = (v as object).constructor?.name ?? 'object';
      throw new ValidationError('not-serialisable', `value at ${pathOf(at)} is a ${kind}; only plain objects and arrays travel as JSON`, { path: pathOf(at) });
    }
    for (const key in v) {
      if (isForbiddenKey(key)) throw new ValidationError('forbidden-key', `key ${JSON.stringify(key)} at ${pathOf(at)} is not allowed (prototype pollution)`, { path: pathOf(at) });
      if (!key.isWellFormed()) throw new ValidationError('invalid-utf16', `a key at ${pathOf(at)} has a lone surrogate (invalid UTF-16)`, { path: pathOf(at) });
      at.push(key);
      size += walk((v as Record<string, unknown>)[key], at, seen, limits) + key.length + 4;
      at.pop();
      if (size > limits.maxBytes) throw tooLarge(limits);
    }
  }
  seen.pop();
  return size;
}

function tooLarge(limits: PayloadLimits): ValidationError {
  return new ValidationError('too-large', `payload is over the limit of ${limits.maxBytes} bytes as JSON`);
}

function pathOf(at: readonly (string | number)[], last?: string | number): string {
  let out = '$';
  for (const k of last === undefined ? at : [...at, last]) out += typeof k === 'number' ? `[${k}]` : `.${k}`;
  return out;
}

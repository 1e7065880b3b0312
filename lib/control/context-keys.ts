/**
 * The rules of the context mirror's keys, and the freezing of its values. Leaf file: the mirror
 * checks what is published here and what arrives from a shared store with the same rules.
 */
import { ContextError } from './context-errors.ts';

/** Keys are dotted names of letters, digits and `_:/=-` (no empty part), at most this long. */
export const CONTEXT_KEY_MAX_LENGTH = 256;
const KEY = /^[A-Za-z0-9_:/=-]+(\.[A-Za-z0-9_:/=-]+)*$/;
/** A prefix is a key, optionally ending with a dot, or empty (everything). */
const PREFIX = /^([A-Za-z0-9_:/=-]+(\.[A-Za-z0-9_:/=-]+)*\.?)?$/;

/** Throws ContextError `invalid-key` unless `key` is a dotted name. */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length > CONTEXT_KEY_MAX_LENGTH || !KEY.test(key)) {
    throw new ContextError('invalid-key', String(key), `context key ${JSON.stringify(key)} must be dotted parts of letters, digits and _:/=- (at most ${CONTEXT_KEY_MAX_LENGTH} characters)`);
  }
}

/** Throws ContextError `invalid-key` unless `prefix` is a key, a key and a dot, or empty. */
export function checkPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.length > CONTEXT_KEY_MAX_LENGTH)
    throw new ContextError('invalid-key', String(prefix), `context prefix ${JSON.stringify(prefix)} is no dotted name`);
}

/** Freezes a parsed JSON value all the way down, so readers cannot change what others read. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

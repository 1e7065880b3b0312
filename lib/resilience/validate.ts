/**
 * Small option checks shared by every factory in this folder, so that each failure names the
 * option and the reason in the same words. Leaf file.
 */
import { firstUnknownKey, suggestKey, unknownKeyReason } from '../util/known-keys.ts';
import { InvalidOptionsError, UnknownOptionError } from './errors.ts';

/** Bounds for {@link checkNumber}. */
export interface NumberRule {
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Exclusive lower bound (for "must be positive"). */
  readonly above?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Must be an integer (Infinity is allowed only with `allowInfinity`). */
  readonly integer?: boolean;
  /** Accept `Infinity` (e.g. "no timeout"). */
  readonly allowInfinity?: boolean;
}

/** Returns `value` when it is a number within `rule`, else throws {@link InvalidOptionsError} naming `option`. */
export function checkNumber(option: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new InvalidOptionsError(option, 'must be a number', value);
  if (value === Infinity) {
    if (rule.allowInfinity === true) return value;
    throw new InvalidOptionsError(option, 'must be finite', value);
  }
  if (!Number.isFinite(value)) throw new InvalidOptionsError(option, 'must be finite', value);
  if (rule.integer === true && !Number.isInteger(value)) throw new InvalidOptionsError(option, 'must be an integer', value);
  if (rule.min !== undefined && value < rule.min) throw new InvalidOptionsError(option, `must be >= ${rule.min}`, value);
  if (rule.above !== undefined && value <= rule.above) throw new InvalidOptionsError(option, `must be > ${rule.above}`, value);
  if (rule.max !== undefined && value > rule.max) throw new InvalidOptionsError(option, `must be <= ${rule.max}`, value);
  return value;
}

/** Returns `value` when it is a function (or undefined when optional), else throws. */
export function checkFunction<F>(option: string, value: unknown): F {
  if (typeof value !== 'function') throw new InvalidOptionsError(option, 'must be a function', value);
  return value as F;
}

/** Returns `value` when it is one of `allowed`, else throws. */
export function checkOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidOptionsError(option, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** Throws unless `value` is a plain object (or undefined). */
export function checkObject(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InvalidOptionsError(option, 'must be an object', value);
  }
}

/**
 * Throws {@link UnknownOptionError} when the object `value` has a key not in `known` (a
 * misspelt option), naming its path under `option` (`''` for top-level options) and the known
 * key most likely meant. Anything but an object passes: the other checks word that.
 */
export function checkKnownKeys(option: string, value: unknown, known: readonly string[]): void {
  const error = unknownKeyError(option, value, known);
  if (error !== undefined) throw error;
}

/** The {@link UnknownOptionError} {@link checkKnownKeys} throws, for callers that reject rather than throw; else undefined. */
export function unknownKeyError(option: string, value: unknown, known: readonly string[]): UnknownOptionError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = firstUnknownKey(value, known);
  if (key === undefined) return undefined;
  return new UnknownOptionError(option === '' ? key : `${option}.${key}`, unknownKeyReason(key, known), suggestKey(key, known));
}

import { isThenable } from '../util/thenable.ts';
import { firstUnknownKey, optionKeys, unknownKeyReason } from '../util/known-keys.ts';
import { ValidationError } from './errors.ts';
import { isStandardSchema, type StandardResult, type StandardSchemaV1 } from './standard-schema.ts';

/**
 * A payload check: return `true` or nothing when valid, `false` or a reason string when not (or
 * throw). Any Standard Schema object (a zod schema, for one) works too.
 */
// biome-ignore lint/suspicious/noExplicitAny: a validator may declare the payload type it checks
// biome-ignore lint/suspicious/noConfusingVoidType: returning nothing means valid
export type PayloadValidator = ((payload: any) => boolean | string | void) | StandardSchemaV1;

/** Turns a payload of one version into the payload of the next supported version. */
// biome-ignore lint/suspicious/noExplicitAny: an upcaster may declare the payload type it reads
export type Upcaster = (payload: any) => unknown;

/** How one signal type is versioned. */
export interface SchemaDefinition {
  /** Every supported version and its validator (`null` when any payload is fine). */
  versions: Record<string, PayloadValidator | null>;
  /** Upcasters keyed by the version they upgrade from; each goes to the next version in order. */
  upcast?: Record<string, Upcaster>;
}

/** The keys of {@link SchemaDefinition} (a compile error until a new field is listed). */
export const SCHEMA_DEFINITION_KEYS = optionKeys<SchemaDefinition>()(['versions', 'upcast']);

/** A payload checked and upgraded to the current version of its type. */
export interface SchemaOutcome {
  /** The version the payload is at now (the current one). */
  readonly version: string;
  /** The checked (and upgraded) payload. */
  readonly payload: unknown;
}

interface Entry {
  readonly ordered: readonly string[];
  readonly current: string;
  readonly validators: ReadonlyMap<string, PayloadValidator | null>;
  readonly upcast: Readonly<Record<string, Upcaster>>;
}

/**
 * Per signal type: the supported versions, a validator per version and the upcasters that bring
 * older payloads to the current version (the highest one). Types never registered pass as they are.
 */
export class SchemaRegistry {
  readonly #entries = new Map<string, Entry>();

  /** Registers (or replaces) the schema of `type`. Throws a ValidationError on a bad definition. */
  register(type: string, definition: SchemaDefinition): this {
    if (typeof type !== 'string' || type.length === 0) throw new ValidationError('invalid-type', 'schema type must be a non-empty string');
    const unknown = typeof definition === 'object' && definition !== null ? firstUnknownKey(definition, SCHEMA_DEFINITION_KEYS) : undefined;
    if (unknown !== undefined) throw new ValidationError('unknown-field', `schema ${type} field ${JSON.stringify(unknown)}: ${unknownKeyReason(unknown, SCHEMA_DEFINITION_KEYS)}`);
    const ordered = Object.keys(definition.versions ?? {}).sort(compareVersions);
    if (ordered.length === 0) throw new ValidationError('invalid-version', `schema ${type} lists no versions`);
    const upcast = definition.upcast ?? {};
    for (const from of Object.keys(upcast)) {
      const i = ordered.indexOf(from);
      if (i < 0 || i === ordered.length - 1) {
        throw new ValidationError('invalid-version', `schema ${type}: upcaster from ${from} has no later supported version to reach`);
      }
      if (typeof upcast[from] !== 'function') throw new ValidationError('invalid-field', `schema ${type}: upcaster from ${from} is not a function`);
    }
    for (const v of ordered) {
      const validator = definition.versions[v];
      if (validator != null && typeof validator !== 'function' && !isStandardSchema(validator)) {
        throw new ValidationError('invalid-field', `schema ${type}@${v}: validator must be a function, a Standard Schema or null`);
      }
    }
    this.#entries.set(type, {
      ordered,
      current: ordered[ordered.length - 1]!,
      validators: new Map(ordered.map((v) => [v, definition.versions[v] ?? null])),
      upcast,
    });
    return this;
  }

  /** True when `type` has a registered schema. */
  has(type: string): boolean {
    // Asked for every signal: a network without schemas skips the hash look-up.
    return this.#entries.size > 0 && this.#entries.has(type);
  }

  /** The supported versions of `type`, oldest first (`undefined` when unregistered). */
  versionsOf(type: string): readonly string[] | undefined {
    return this.#entries.get(type)?.ordered;
  }

  /**
   * Checks a payload of `type` at `version` and upgrades it to the current version. Returns
   * `undefined` when the type is unregistered (nothing to do). Throws a ValidationError with
   * issue `unsupported-version` or `invalid-payload` otherwise.
   */
  resolve(type: string, version: string, payload: unknown): SchemaOutcome | Promise<SchemaOutcome> | undefined {
    const entry = this.#entries.get(type);
    if (entry === undefined) return undefined;
    if (!entry.validators.has(version)) {
      throw new ValidationError('unsupported-version', `${type}@${version} is not supported (supported: ${entry.ordered.join(', ')})`);
    }
    const checked = check(entry, type, version, payload);
    return isThenable(checked) ? checked.then((p) => upgrade(entry, type, version, p)) : upgrade(entry, type, version, checked);
  }
}

function upgrade(entry: Entry, type: string, version: string, payload: unknown): SchemaOutcome | Promise<SchemaOutcome> {
  if (version === entry.current) return { version, payload };
  let reached = version;
  let upcastPayload = payload;
  for (let i = entry.ordered.indexOf(version); i < entry.ordered.length - 1; i++) {
    const step = entry.upcast[reached];
    if (step === undefined) {
      throw new ValidationError('unsupported-version', `${type}@${version} has no upcaster from ${reached} to ${entry.ordered[i + 1]}`);
    }
    try {
      upcastPayload = step(upcastPayload);
    } catch (cause) {
      throw new ValidationError('invalid-payload', `${type}: upcasting from ${reached} failed: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    reached = entry.ordered[i + 1]!;
  }
  const checked = check(entry, type, reached, upcastPayload);
  return isThenable(checked) ? checked.then((payload) => ({ version: reached, payload })) : { version: reached, payload: checked };
}

function check(entry: Entry, type: string, version: string, payload: unknown): unknown {
  const validator = entry.validators.get(version);
  if (validator == null) return payload;
  if (typeof validator === 'function') {
    let verdict: ReturnType<typeof validator>;
    try {
      verdict = validator(payload);
    } catch (cause) {
      throw new ValidationError('invalid-payload', `${type}@${version}: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    if (verdict === false || typeof verdict === 'string') {
      throw new ValidationError('invalid-payload', `${type}@${version}: payload is invalid${typeof verdict === 'string' ? `: ${verdict}` : ''}`);
    }
    return payload;
  }
  const result = validator['~standard'].validate(payload);
  return isThenable(result) ? result.then((r) => standardValue(type, version, r)) : standardValue(type, version, result);
}

function standardValue(type: string, version: string, result: StandardResult<unknown>): unknown {
  if (result.issues) {
    const text = result.issues.map((i) => (i.path?.length ? `${i.path.map((k) => (typeof k === 'object' ? String(k.key) : String(k))).join('.')}: ` : '') + i.message).join('; ');
    throw new ValidationError('invalid-payload', `${type}@${version}: payload is invalid: ${text}`);
  }
  return result.value;
}

/** Orders versions numerically by dot-separated parts (`1.10` after `1.9`), text as a fallback. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (d !== 0) return d;
  }
  return 0;
}

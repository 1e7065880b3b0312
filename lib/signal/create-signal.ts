import { ValidationError } from './errors.ts';
import { newId } from './ids.ts';
import { SignalEnvelope } from './envelope.ts';
import type { Signal, SignalDraft } from './signal.ts';
import { validatePayload, type PayloadLimits } from './validate-payload.ts';
import { optionKeys, unknownKeyReason } from '../util/known-keys.ts';

/**
 * Version given to a signal whose draft names none.
 * @defaultValue `'1.0'`
 */
export const DEFAULT_SIGNAL_VERSION = '1.0';

/**
 * Urgency given to a signal whose draft names none.
 * @defaultValue 0.5
 */
export const DEFAULT_URGENCY = 0.5;

/** Longest accepted type, version, key or header value, in UTF-16 units. */
export const MAX_FIELD_LENGTH = 1024;

const EMPTY_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The keys of {@link SignalDraft} (a compile error until a new field is listed). Kept here, beside
 * {@link isDraftKey}, which must name the same keys (signal.ts is a leaf of types).
 */
export const SIGNAL_DRAFT_KEYS = optionKeys<SignalDraft>()(['type', 'version', 'payload', 'partitionKey', 'idempotencyKey', 'correlationId', 'causationId', 'urgency', 'headers', 'source']);

/**
 * True for a field of {@link SIGNAL_DRAFT_KEYS}. A switch rather than a Set or a list: this runs
 * for every key of every draft, and comparing interned strings costs less than hashing them.
 */
function isDraftKey(key: string): boolean {
  switch (key) {
    case 'type':
    case 'version':
    case 'payload':
    case 'partitionKey':
    case 'idempotencyKey':
    case 'correlationId':
    case 'causationId':
    case 'urgency':
    case 'headers':
    case 'source':
      return true;
    default:
      return false;
  }
}

/**
 * Validates a draft and builds the frozen envelope for `target`, created at `now`. Throws a
 * {@link ValidationError} that says which field is wrong and why. A signal emitted by a handler
 * passes its `parent` and `source` node: its lineage comes from them, not from the draft.
 * (Plain arguments rather than an options object: this runs once per signal.)
 */
export function createSignal<P>(draft: SignalDraft<P>, target: string, now: number, limits: PayloadLimits, parent?: Signal, source?: string): Signal<P> {
  try {
    return buildSignal(draft, target, now, limits, parent, source);
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    // A getter or Proxy trap in the draft threw: that is bad input, not a crash.
    throw new ValidationError('invalid-field', `reading the signal draft threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function buildSignal<P>(draft: SignalDraft<P>, target: string, now: number, limits: PayloadLimits, parent: Signal | undefined, from: string | undefined): Signal<P> {
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft)) {
    throw new ValidationError('invalid-field', `a signal draft must be an object, got ${draft === null ? 'null' : Array.isArray(draft) ? 'an array' : typeof draft}`);
  }
  // A misspelt field (`partitonKey`) would otherwise be dropped without a word. for..in walks
  // the V8 enum cache of the draft's shape: no array, unlike Object.keys.
  for (const key in draft) {
    if (!isDraftKey(key)) throw new ValidationError('unknown-field', `signal draft field ${JSON.stringify(key)}: ${unknownKeyReason(key, SIGNAL_DRAFT_KEYS)}`);
  }
  const { type } = draft;
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_FIELD_LENGTH) {
    throw new ValidationError('invalid-type', `signal type must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters, got ${describe(type)}`);
  }
  if (!type.isWellFormed()) throw new ValidationError('invalid-utf16', 'signal type has a lone surrogate (invalid UTF-16)');
  const version = optionalString(draft.version, 'version') ?? DEFAULT_SIGNAL_VERSION;
  const partitionKey = optionalString(draft.partitionKey, 'partitionKey');
  const idempotencyKey = optionalString(draft.idempotencyKey, 'idempotencyKey');
  // A child's lineage is the parent's, whatever its draft says (so a trace cannot be forged or broken).
  const correlationId = parent !== undefined ? parent.correlationId : optionalString(draft.correlationId, 'correlationId');
  const causationId = parent !== undefined ? parent.id : optionalString(draft.causationId, 'causationId');
  const source = parent !== undefined ? from : optionalString(draft.source, 'source');
  let urgency = DEFAULT_URGENCY;
  if (draft.urgency !== undefined) {
    urgency = draft.urgency;
    if (typeof urgency !== 'number' || !(urgency >= 0 && urgency <= 1)) {
      throw new ValidationError('urgency-out-of-range', `urgency must be a number from 0 to 1, got ${describe(urgency)}`);
    }
  }
  const headers = draft.headers === undefined ? EMPTY_HEADERS : checkHeaders(draft.headers);
  if (draft.payload !== undefined) validatePayload(draft.payload, limits);
  const id = newId(now);
  return new SignalEnvelope<P>(
    id,
    type,
    version,
    draft.payload as P,
    source,
    target,
    partitionKey ?? id,
    idempotencyKey ?? id,
    correlationId ?? id,
    causationId,
    now,
    urgency,
    headers,
    undefined,
    parent !== undefined ? (parent.causationDepth ?? 0) + 1 : 0,
  );
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FIELD_LENGTH) {
    throw new ValidationError('invalid-field', `${field} must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters, got ${describe(v)}`);
  }
  if (!v.isWellFormed()) throw new ValidationError('invalid-utf16', `${field} has a lone surrogate (invalid UTF-16)`);
  return v;
}

function checkHeaders(h: unknown): Readonly<Record<string, string>> {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new ValidationError('invalid-field', `headers must be an object of strings, got ${describe(h)}`);
  const out: Record<string, string> = {};
  for (const key of Object.keys(h)) {
    if (FORBIDDEN_KEYS.has(key)) throw new ValidationError('forbidden-key', `header ${JSON.stringify(key)} is not allowed (prototype pollution)`);
    const value = (h as Record<string, unknown>)[key];
    if (typeof value !== 'string' || value.length > MAX_FIELD_LENGTH)
      throw new ValidationError('invalid-field', `header ${JSON.stringify(key)} must be a string of at most ${MAX_FIELD_LENGTH} characters, got ${describe(value)}`);
    if (!key.isWellFormed() || !value.isWellFormed()) throw new ValidationError('invalid-utf16', `header ${JSON.stringify(key)} has a lone surrogate (invalid UTF-16)`);
    out[key] = value;
  }
  return Object.freeze(out);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  return `a ${Array.isArray(v) ? 'array' : typeof v}`;
}

/**
 * Event patterns: partial descriptions of a {@link NetworkEvent} that assertions and
 * `waitFor` match against.
 */
import type { NetworkEvent, NetworkEventKind } from '../observe/events.ts';

/**
 * A deep-partial description of a payload. Objects match when every listed key matches
 * (other keys are ignored); arrays match element-wise and must have the same length;
 * primitives match with `Object.is` (so `NaN` matches `NaN`); a function is a predicate.
 */
export type PayloadPattern = unknown;

/**
 * A partial match on an event: every field given must match, fields left out match anything.
 * A field the event does not have (e.g. `reason` on a `completed` event) never matches.
 */
export interface EventPattern {
  /** The event kind, or several (any of them). */
  kind?: NetworkEventKind | readonly NetworkEventKind[];
  /** The node; for `breaker` events, the breaker name. */
  node?: string;
  /** The correlation id. */
  correlationId?: string;
  /** The signal id. */
  signalId?: string;
  /** The signal type. */
  signalType?: string;
  /** `reason` of `rejected` and `dead-lettered` events. */
  reason?: string;
  /** The mailbox partition. */
  partition?: number;
  /** The attempt number. */
  attempt?: number;
  /** Deep-partial match against `event.signal.payload`, see {@link PayloadPattern}. */
  payload?: PayloadPattern;
}

/** Either a pattern or a predicate over events. */
export type EventMatcher = EventPattern | ((event: NetworkEvent) => boolean);

const SCALAR_FIELDS = ['correlationId', 'signalId', 'signalType', 'reason', 'partition', 'attempt'] as const;

/** Reads a field that only some event kinds carry, without widening every call site. */
function field(event: NetworkEvent, name: string): unknown {
  return Object.hasOwn(event, name) ? (event as unknown as Record<string, unknown>)[name] : undefined;
}

/** The node an event is about (breaker events name a breaker instead). */
export function eventNode(event: NetworkEvent): string | undefined {
  if (event.kind === 'breaker') return event.name;
  return field(event, 'node') as string | undefined;
}

/** True when `event` matches `matcher` (a pattern or a predicate). */
export function matchesEvent(event: NetworkEvent, matcher: EventMatcher): boolean {
  if (typeof matcher === 'function') return matcher(event);
  const p = matcher;
  if (p.kind !== undefined) {
    const kinds: readonly NetworkEventKind[] = typeof p.kind === 'string' ? [p.kind] : p.kind;
    if (!kinds.includes(event.kind)) return false;
  }
  if (p.node !== undefined && eventNode(event) !== p.node) return false;
  for (const name of SCALAR_FIELDS) {
    const want = p[name];
    if (want !== undefined && !Object.is(field(event, name), want)) return false;
  }
  if (Object.hasOwn(p, 'payload')) {
    const signal = field(event, 'signal') as { payload?: unknown } | undefined;
    if (signal === undefined) return false;
    if (!matchesPartial(signal.payload, p.payload)) return false;
  }
  return true;
}

/**
 * Deep-partial match of `actual` against `pattern` (see {@link PayloadPattern}). Only own
 * keys of the pattern are read, so patterns built with `JSON.parse('{"__proto__": ...}')`
 * compare that own key rather than walking the prototype.
 */
export function matchesPartial(actual: unknown, pattern: unknown, seen = new WeakSet<object>()): boolean {
  if (typeof pattern === 'function') return Boolean((pattern as (v: unknown) => unknown)(actual));
  if (pattern === null || typeof pattern !== 'object') return Object.is(actual, pattern);
  if (actual === null || typeof actual !== 'object') return false;
  // A cyclic pattern would recurse forever; a cycle already being compared counts as matched.
  if (seen.has(pattern)) return true;
  seen.add(pattern);
  try {
    if (Array.isArray(pattern)) {
      if (!Array.isArray(actual) || actual.length !== pattern.length) return false;
      return pattern.every((p, i) => matchesPartial(actual[i], p, seen));
    }
    if (pattern instanceof Date) return actual instanceof Date && actual.getTime() === pattern.getTime();
    for (const key of Object.keys(pattern)) {
      if (!Object.hasOwn(actual, key)) return false;
      const a = (actual as Record<string, unknown>)[key];
      if (!matchesPartial(a, (pattern as Record<string, unknown>)[key], seen)) return false;
    }
    return true;
  } finally {
    seen.delete(pattern);
  }
}

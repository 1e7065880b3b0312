/**
 * Compact, one-line-per-event listings for assertion messages and timeouts: enough to see
 * what happened without dumping whole signals.
 */
import type { NetworkEvent } from '../observe/events.ts';
import { formatMs } from '../util/format-ms.ts';
import type { EventMatcher } from './pattern.ts';
import { eventNode } from './pattern.ts';

/**
 * How many events a listing shows before eliding the middle.
 * @defaultValue 40
 */
export const DEFAULT_LISTING_LIMIT = 40;

/**
 * How many characters of a payload a listing line shows.
 * @defaultValue 60
 */
export const PAYLOAD_PREVIEW_CHARS = 60;

/** Shortens an id to its last 8 characters (the random, distinguishing end of a UUID v7). */
function shortId(id: string): string {
  return id.length > 8 ? `…${id.slice(-8)}` : id;
}

/** JSON-ish preview that never throws (cycles, BigInt, symbols) and stays short. */
export function preview(value: unknown, max = PAYLOAD_PREVIEW_CHARS): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(value, (_k, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function') return `[Function]`;
        if (typeof v === 'symbol') return v.toString();
        if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
        if (v !== null && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line describing an event, e.g. `failed worker job#…a1b2c3d4 p2 a1 err="boom"`. */
export function describeEvent(event: NetworkEvent): string {
  const parts: string[] = [event.kind];
  const node = eventNode(event);
  if (node !== undefined) parts.push(node);
  const e = event as unknown as Record<string, unknown>;
  if (typeof e['signalType'] === 'string') {
    parts.push(typeof e['signalId'] === 'string' ? `${e['signalType']}#${shortId(e['signalId'])}` : e['signalType']);
  }
  if (typeof e['correlationId'] === 'string') parts.push(`cid=${shortId(e['correlationId'])}`);
  if (typeof e['partition'] === 'number') parts.push(`p${e['partition']}`);
  if (typeof e['attempt'] === 'number') parts.push(`a${e['attempt']}`);
  if (typeof e['attempts'] === 'number') parts.push(`attempts=${e['attempts']}`);
  if (typeof e['reason'] === 'string') parts.push(`reason=${e['reason']}`);
  if (event.kind === 'breaker') parts.push(`${event.from}->${event.to}`);
  if (event.kind === 'pressure') parts.push(`${event.level} fill=${event.fill.toFixed(2)}`);
  if (event.kind === 'shutdown-phase') parts.push(event.phase);
  const err = e['error'] as { message?: unknown } | undefined;
  if (err !== undefined && typeof err.message === 'string') parts.push(`err=${preview(err.message, 40)}`);
  const signal = e['signal'] as { payload?: unknown } | undefined;
  if (signal !== undefined && signal.payload !== undefined) parts.push(`payload=${preview(signal.payload)}`);
  return parts.join(' ');
}

/**
 * A numbered listing of events with times relative to the first one. Long listings keep
 * the first and last `limit / 2` lines so both the start and the end of a run are visible.
 */
export function formatEvents(events: readonly NetworkEvent[], limit = DEFAULT_LISTING_LIMIT): string {
  if (events.length === 0) return '  (no events recorded)';
  const t0 = events[0]!.at;
  const line = (e: NetworkEvent, i: number): string => `  #${i} +${formatMs(e.at - t0)}ms ${describeEvent(e)}`;
  if (events.length <= limit) return events.map(line).join('\n');
  const head = Math.ceil(limit / 2);
  const tail = limit - head;
  const lines = events.slice(0, head).map(line);
  lines.push(`  … ${events.length - limit} more …`);
  for (let i = events.length - tail; i < events.length; i++) lines.push(line(events[i]!, i));
  return lines.join('\n');
}

/** Renders a pattern (or names a predicate) for a message. */
export function describeMatcher(matcher: EventMatcher): string {
  if (typeof matcher === 'function') return matcher.name ? `<predicate ${matcher.name}>` : '<predicate>';
  return preview(matcher, 200);
}

/**
 * The W3C Trace Context headers a signal carries (https://www.w3.org/TR/trace-context/):
 * `traceparent` names the span that sent it, `tracestate` carries vendors' entries along. Read
 * and written here by hand, not through OpenTelemetry's global propagator: that one is a no-op
 * until an SDK installs one, and the header must mean the same whichever the application set up.
 */
import { MAX_FIELD_LENGTH } from '../signal/create-signal.ts';
import type { SignalDraft } from '../signal/signal.ts';

/** The header that carries the sender's span: `00-<trace id>-<span id>-<flags>`. */
export const TRACEPARENT_HEADER = 'traceparent';

/** The header that carries vendors' trace state along with {@link TRACEPARENT_HEADER}. */
export const TRACESTATE_HEADER = 'tracestate';

/** The fields of a `traceparent` header. */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: the sender's span. */
  readonly spanId: string;
  /** The trace flags (bit 0: sampled). */
  readonly traceFlags: number;
}

// Version 00 is exactly these four fields; a later version may append `-…` after them.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * The fields of a `traceparent` value, or `undefined` when it is not one (the W3C rules: lowercase
 * hex, version `ff` invalid, version 00 with nothing after the flags, trace and span ids not all
 * zero). A signal's headers may come from another process: a bad value starts a new trace rather
 * than fail the handling.
 */
export function parseTraceparent(value: string | undefined): TraceParent | undefined {
  if (value === undefined) return undefined;
  const m = TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}

/** The `traceparent` value (version 00) of a span. */
export function formatTraceparent(p: TraceParent): string {
  return `00-${p.traceId}-${p.spanId}-${(p.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The trace headers of a span, for a signal it sends: `traceparent`, and `tracestate` when there
 * is one that fits a header value (at most MAX_FIELD_LENGTH characters; W3C asks carriers to
 * keep at least 512: a longer one is left out rather than have the signal refused).
 */
export function traceHeaders(p: TraceParent, traceState: string | undefined): Readonly<Record<string, string>> {
  const traceparent = formatTraceparent(p);
  return traceState !== undefined && traceState.length > 0 && traceState.length <= MAX_FIELD_LENGTH
    ? { [TRACEPARENT_HEADER]: traceparent, [TRACESTATE_HEADER]: traceState }
    : { [TRACEPARENT_HEADER]: traceparent };
}

/**
 * True when a draft's headers name a `traceparent`: a sender that propagates by hand (from an
 * incoming request of its own, say) keeps it. Never throws (a draft's getter may).
 */
export function namesTraceparent(draft: SignalDraft): boolean {
  try {
    const headers: unknown = isPlainObject(draft) ? draft.headers : undefined;
    return isPlainObject(headers) && Object.hasOwn(headers, TRACEPARENT_HEADER);
  } catch {
    return false;
  }
}

/**
 * A copy of `draft` with the trace headers `trace` added (the draft stays the caller's), in
 * place of any the draft names: a `tracestate` of the draft's goes too, since it belongs to the
 * traceparent it came with. A draft that is not an object, or whose headers are not, goes on as
 * it is: validation refuses it as it would have, with the same error.
 */
export function draftWithTraceHeaders<P>(draft: SignalDraft<P>, trace: Readonly<Record<string, string>>): SignalDraft<P> {
  try {
    if (!isPlainObject(draft)) return draft;
    const headers: unknown = draft.headers;
    if (headers === undefined) return { ...draft, headers: { ...trace } };
    if (!isPlainObject(headers)) return draft;
    const { [TRACESTATE_HEADER]: _dropped, ...kept } = headers as Record<string, unknown>;
    return { ...draft, headers: { ...(kept as Record<string, string>), ...trace } };
  } catch {
    // A getter of the draft threw: createSignal reads it again and says so as it always does.
    return draft;
  }
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * OpenTelemetry, when the application has it. `@opentelemetry/api` is an optional peer
 * dependency: it is loaded here by a dynamic `import()` that may fail (never a static import, so
 * that without the package nothing is required), once per process, from the moment Plexus is
 * loaded, so that it has settled before the first network starts. Its types are not imported
 * either: the few parts used are described below, and none reaches a public type of Plexus.
 */
import { parseTraceparent, traceHeaders, TRACEPARENT_HEADER, TRACESTATE_HEADER } from './traceparent.ts';

/** The name of the tracer Plexus asks the application's provider for. */
export const TRACER_NAME = 'plexus';

/** Opaque: an OpenTelemetry context. */
type OtelContext = object;

interface OtelSpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean;
  readonly traceState?: { serialize(): string };
}

type AttributeValue = string | number | boolean;

interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: AttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): void;
  end(): void;
}

interface OtelTracer {
  startSpan(name: string, options: { kind: number; attributes: Record<string, AttributeValue> }, context: OtelContext): OtelSpan;
}

interface OtelTracerProvider {
  getTracer(name: string): OtelTracer;
  /** On the API's proxy provider: the registered provider's tracer, `undefined` while none is registered. */
  getDelegateTracer?(name: string): OtelTracer | undefined;
}

/** The parts of `@opentelemetry/api` used here. */
interface OtelApi {
  readonly trace: {
    getTracerProvider(): OtelTracerProvider;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
    setSpanContext(context: OtelContext, spanContext: OtelSpanContext): OtelContext;
    getSpanContext(context: OtelContext): OtelSpanContext | undefined;
    isSpanContextValid(spanContext: OtelSpanContext): boolean;
  };
  readonly context: {
    active(): OtelContext;
    with<A extends unknown[], R>(context: OtelContext, fn: (...args: A) => R, thisArg: undefined, ...args: A): R;
  };
  readonly ROOT_CONTEXT: OtelContext;
  readonly SpanKind: { readonly CONSUMER: number; readonly PRODUCER: number };
  readonly SpanStatusCode: { readonly ERROR: number };
  readonly createTraceState?: (raw: string) => { serialize(): string };
}

// A variable, not a literal: neither TypeScript nor a bundler should try to resolve it.
const API_MODULE = '@opentelemetry/api';
/** The loaded API; `null` when the import failed (not installed); `undefined` while loading. */
let api: OtelApi | null | undefined;
const loading: Promise<void> = import(API_MODULE).then(
  (m: OtelApi) => void (api = m),
  () => void (api = null),
);

/** Resolves once the API's import has settled; `undefined` when it already has (nothing to wait for). */
export function openTelemetryLoading(): Promise<void> | undefined {
  return api === undefined ? loading : undefined;
}

/**
 * A tracer of handlings when the API is loaded and the application registered a tracer provider
 * (`trace.setGlobalTracerProvider`, which an SDK's `register()` or `NodeSDK.start()` calls);
 * otherwise `undefined`, and nothing is traced. The API's proxy provider tells whether one is
 * registered without making a span: asked before, the API alone hands out no-op tracers.
 */
export function handlingTracer(): HandlingTracer | undefined {
  if (api === undefined || api === null) return undefined;
  const provider = api.trace.getTracerProvider();
  const tracer = typeof provider.getDelegateTracer === 'function' ? provider.getDelegateTracer(TRACER_NAME) : provider.getTracer(TRACER_NAME);
  return tracer === undefined ? undefined : new HandlingTracer(api, tracer);
}

/** What a handling span records about its attempt (the span's attributes, see docs/operations.md). */
export interface HandlingFacts {
  readonly node: string;
  readonly partition: number;
  readonly signalId: string;
  readonly signalType: string;
  readonly signalVersion: string;
  readonly correlationId: string;
  readonly attempt: number;
  /** Which of the node's handlers runs: `handle`, `degrade` or `fallback`. */
  readonly handler: string;
}

/** How a handling ended, as the `plexus.outcome` attribute says it. */
export type HandlingOutcome = 'completed' | 'failed' | 'timeout' | 'stopped';

/** Starts the span of each handling, and reads the span a sender has open. */
export class HandlingTracer {
  readonly #api: OtelApi;
  readonly #tracer: OtelTracer;

  constructor(api: OtelApi, tracer: OtelTracer) {
    this.#api = api;
    this.#tracer = tracer;
  }

  /**
   * Starts the span of one attempt, a child of the span the signal's `traceparent` names (a root
   * span when it names none, or none valid). Based on the root context, not the active one: the
   * drain that runs a handler may have been scheduled from another trace's work.
   */
  start(facts: HandlingFacts, headers: Readonly<Record<string, string>>): Handling {
    const api = this.#api;
    const parent = parseTraceparent(headers[TRACEPARENT_HEADER]);
    let base = api.ROOT_CONTEXT;
    if (parent !== undefined) {
      const state = headers[TRACESTATE_HEADER];
      const traceState = state !== undefined && api.createTraceState !== undefined ? api.createTraceState(state) : undefined;
      base = api.trace.setSpanContext(base, { ...parent, isRemote: true, ...(traceState === undefined ? {} : { traceState }) });
    }
    const span = this.#tracer.startSpan(
      `process ${facts.node}`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'plexus',
          'messaging.operation.type': 'process',
          'messaging.destination.name': facts.node,
          'messaging.message.id': facts.signalId,
          'messaging.message.conversation_id': facts.correlationId,
          'plexus.node': facts.node,
          'plexus.partition': facts.partition,
          'plexus.signal.type': facts.signalType,
          'plexus.signal.version': facts.signalVersion,
          'plexus.attempt': facts.attempt,
          'plexus.handler': facts.handler,
        },
      },
      base,
    );
    return new Handling(api, span, api.trace.setSpan(base, span));
  }

  /**
   * The trace headers for a signal sent to `target` from outside a handler: those of the span
   * active where it is sent (an HTTP request's, say), or else of a `send` span made for it (a
   * producer span, ended at once), so that every attempt of the signal, and all that follows
   * from it, is one trace under one sampling decision.
   */
  senderHeaders(target: string): Readonly<Record<string, string>> {
    const api = this.#api;
    const active = api.trace.getSpanContext(api.context.active());
    if (active !== undefined && api.trace.isSpanContextValid(active)) return traceHeaders(active, active.traceState?.serialize());
    const span = this.#tracer.startSpan(
      `send ${target}`,
      { kind: api.SpanKind.PRODUCER, attributes: { 'messaging.system': 'plexus', 'messaging.operation.type': 'send', 'messaging.destination.name': target } },
      api.ROOT_CONTEXT,
    );
    span.end();
    const sc = span.spanContext();
    return traceHeaders(sc, sc.traceState?.serialize());
  }
}

/** One attempt's span: runs the handler in its context, and ends once, with the outcome. */
export class Handling {
  readonly #api: OtelApi;
  readonly #span: OtelSpan;
  readonly #context: OtelContext;
  #ended = false;
  /** The trace headers of this span, for the signals the handler emits. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(api: OtelApi, span: OtelSpan, context: OtelContext) {
    this.#api = api;
    this.#span = span;
    this.#context = context;
    const sc = span.spanContext();
    this.headers = traceHeaders(sc, sc.traceState?.serialize());
  }

  /** Calls `fn(a, b)` with this span active, so that the handler's own instrumentation nests under it. */
  run<A, B, R>(fn: (a: A, b: B) => R, a: A, b: B): R {
    return this.#api.context.with(this.#context, fn, undefined, a, b);
  }

  /** Ends the span (once: a later call is ignored); `failed` and `timeout` set the error status. */
  end(outcome: HandlingOutcome, error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    const span = this.#span;
    span.setAttribute('plexus.outcome', outcome);
    if (outcome === 'failed' || outcome === 'timeout') {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: this.#api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }
}

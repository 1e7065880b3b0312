/**
 * OpenTelemetry as an application sets it up, for the specs: a tracer provider with the SDK's
 * in-memory exporter, registered globally, and the async-hooks context manager (what the SDK's
 * `register()` installs), so that `startActiveSpan` makes a span active for the code it runs.
 * Registered before each test and removed after it, so no other spec of the suite traces.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** The spans of the current test. */
export interface RecordedSpans {
  /** Every ended span so far. */
  all(): ReadableSpan[];
  /** The ended handling spans (Plexus's consumer spans), in the order they ended. */
  handlings(): ReadableSpan[];
  /** The one ended span named `name`; fails unless there is exactly one. */
  one(name: string): ReadableSpan;
}

/** Registers a tracer provider with an in-memory exporter around each test of the suite. */
export function recordSpans(): RecordedSpans {
  // One per test: a provider's shutdown stops its exporter for good.
  let exporter = new InMemorySpanExporter();
  let provider: BasicTracerProvider | undefined;
  let manager: AsyncLocalStorageContextManager | undefined;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    if (!trace.setGlobalTracerProvider(provider)) throw new Error('a tracer provider was already registered');
    manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
  });
  afterEach(async () => {
    trace.disable();
    context.disable();
    manager?.disable();
    await provider?.shutdown();
  });
  return {
    all: () => exporter.getFinishedSpans(),
    handlings: () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'plexus' && s.kind === SpanKind.CONSUMER),
    one(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1)
        throw new Error(
          `expected one span named ${JSON.stringify(name)}, found ${found.length}: ${exporter
            .getFinishedSpans()
            .map((s) => s.name)
            .join(', ')}`,
        );
      return found[0]!;
    },
  };
}

/** The parent span id of a span (`undefined` for a root span). */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

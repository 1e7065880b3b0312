/**
 * `plexus/testing`: helpers for testing networks on virtual time. Record the event stream,
 * assert on it, and inject failures, latency and hangs deterministically.
 */
export { VirtualClock, DEFAULT_VIRTUAL_START, flushMicrotasks } from './virtual-clock.ts';
export type { VirtualClockOptions } from './virtual-clock.ts';

export { EventRecorder, recordEvents, DEFAULT_MAX_EVENTS, DEFAULT_WAIT_TIMEOUT_MS } from './recorder.ts';
export type { RecordOptions, WaitForOptions } from './recorder.ts';
export { traceOf, formatTrace, TRACE_KINDS, DEFAULT_TRACE_RELATIVE_TIMES, type FormatTraceOptions } from './trace.ts';
export type { TraceStep } from './trace.ts';

export { expectEvents } from './expect-events.ts';
export type { EventExpectation, NegatedEventExpectation, EventSource } from './expect-events.ts';
export { matchesEvent, matchesPartial, eventNode } from './pattern.ts';
export type { EventPattern, EventMatcher, PayloadPattern } from './pattern.ts';
export { describeEvent, formatEvents, DEFAULT_LISTING_LIMIT } from './format.ts';

export { createFailingHandler } from './failing-handler.ts';
export type { FailingHandlerOptions } from './failing-handler.ts';
export { createSlowHandler, createHangingHandler } from './slow-handlers.ts';
export type { FakeHandler, HandlerStats, HandlerContextLike, InnerHandler } from './handler-types.ts';
export { createFlaky } from './flaky.ts';
export type { Flaky, FlakyOptions, FlakyStats } from './flaky.ts';
export { createSeededRandom, DEFAULT_SEED } from './random.ts';
export type { RandomSource } from './random.ts';

export { TestingOptionError, InjectedFailure, WaitForTimeoutError, RecorderClosedError } from './errors.ts';

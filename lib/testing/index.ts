/**
 * `plexus/testing`: helpers for testing networks on virtual time. Record the event stream,
 * assert on it, and inject failures, latency and hangs deterministically.
 * @packageDocumentation
 * @module plexus/testing
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
export type { Flaky, FlakyOptions, FlakyStats, AsyncFn } from './flaky.ts';
export { createSeededRandom, DEFAULT_SEED } from './random.ts';
export type { RandomSource } from './random.ts';

export { TestingOptionError, InjectedFailure, WaitForTimeoutError, RecorderClosedError } from './errors.ts';

// Types from `plexus` that the helpers' signatures use, so this door stands on its own.
export type { PlexusError, ErrorInfo } from '../util/errors.ts';
export type { Clock, TimerHandle } from '../util/clock.ts';
export type { Signal, SignalDraft, Hop, HopOutcome } from '../signal/signal.ts';
export type { HandlerContext } from '../node/handler-context.ts';
export type * from '../observe/events.ts';
export type * from '../resilience/events.ts';
export type { Receipt, AcceptedReceipt, DuplicateReceipt, RejectedReceipt } from '../node/receipt.ts';
export type { BreakerState, ClassifiedError, RecoveryStrategy, ErrorCategory, ErrorSeverity, ErrorContext } from '../resilience/index.ts';

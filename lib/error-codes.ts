/**
 * Every stable error code Plexus uses, in one enum-like object: compare `error.code` with these
 * rather than with string literals. A code never changes once published.
 */
import {
  BREAKER_DISPOSED_CODE,
  BREAKER_OPEN_CODE,
  BULKHEAD_FULL_CODE,
  INVALID_OPTIONS_CODE,
  RATE_LIMITED_CODE,
  RESOURCE_EXHAUSTED_CODE,
  SHUTTING_DOWN_CODE,
  TIMEOUT_CODE,
} from './resilience/errors.ts';
import { JOURNAL_CODE } from './delivery/journal-error.ts';
import { CONTEXT_CODE } from './control/context-errors.ts';
import { FAILOVER_EXHAUSTED_CODE } from './control/failover-errors.ts';
import { FORECAST_CODE } from './control/forecast-errors.ts';
import { KEY_VALUE_CONFLICT_CODE } from './control/key-value-errors.ts';
import { TRANSPORT_CODE } from './transport/nats/errors.ts';

/** The `code` of each Plexus error class. */
export const ErrorCode = Object.freeze({
  /** {@link ValidationError}: a signal or payload is malformed. */
  Validation: 'PLEXUS_VALIDATION',
  /** {@link UnknownTargetError}: no node of that name. */
  UnknownTarget: 'PLEXUS_UNKNOWN_TARGET',
  /** {@link BackpressureError}: the target is too full to take more. */
  Backpressure: 'PLEXUS_BACKPRESSURE',
  /** {@link LifecycleError}: the call does not fit the network's state. */
  Lifecycle: 'PLEXUS_LIFECYCLE',
  /** {@link EmitRefusedError}: a handler's `ctx.emit` was refused. */
  EmitRefused: 'PLEXUS_EMIT_REFUSED',
  /** {@link CausationDepthError}: a chain of emits went past `maxCausationDepth`. */
  CausationDepth: 'PLEXUS_CAUSATION_DEPTH',
  /** {@link DeadLetterNotFoundError}: `dlq.reprocess(id)` named no dead letter. */
  DeadLetterNotFound: 'PLEXUS_DEAD_LETTER_NOT_FOUND',
  /** {@link ShuttingDownError}: the network is shutting down. */
  ShuttingDown: SHUTTING_DOWN_CODE,
  /** {@link InvalidOptionsError}: an option is wrong or unknown. */
  InvalidOptions: INVALID_OPTIONS_CODE,
  /** {@link BreakerOpenError}: a circuit breaker refused the call. */
  BreakerOpen: BREAKER_OPEN_CODE,
  /** {@link BreakerDisposedError}: the breaker was disposed and lets no call through. */
  BreakerDisposed: BREAKER_DISPOSED_CODE,
  /** {@link RateLimitedError}: over a rate limit. */
  RateLimited: RATE_LIMITED_CODE,
  /** {@link BulkheadFullError}: no permit and no room in the queue. */
  BulkheadFull: BULKHEAD_FULL_CODE,
  /** {@link ResourceExhaustedError}: the heap guard refuses work. */
  ResourceExhausted: RESOURCE_EXHAUSTED_CODE,
  /** {@link TimeoutError}: a time limit passed. */
  Timeout: TIMEOUT_CODE,
  /** {@link JournalError}: the journal could not open, read or write. */
  Journal: JOURNAL_CODE,
  /** {@link ContextError}: the context mirror refused a key, a value, or a publish after shutdown. */
  Context: CONTEXT_CODE,
  /** {@link NoHealthyMemberError}: a failover group has no healthy member to take a call. */
  FailoverExhausted: FAILOVER_EXHAUSTED_CODE,
  /** {@link ForecastError}: `network.forecast.normalize` refused a forecast from elsewhere. */
  Forecast: FORECAST_CODE,
  /** {@link KeyValueConflictError}: a compare-and-set on a shared key-value store lost to another writer. */
  KeyValueConflict: KEY_VALUE_CONFLICT_CODE,
  /** {@link TransportError}: the transport failed. */
  Transport: TRANSPORT_CODE,
} as const);

/** One of the `ErrorCode` values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

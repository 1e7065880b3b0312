/**
 * A node's handlers when the application traces with OpenTelemetry: each is wrapped, once, when
 * the network starts (or when the node is added to a running network), so that each attempt is
 * a span. Wrapping the handlers rather than testing a flag in the runtime keeps the signal path
 * as it is when nothing traces: the runtime calls `config.handle` either way.
 */
import type { Handling, HandlingTracer } from '../observe/open-telemetry.ts';
import { draftWithTraceHeaders } from '../observe/traceparent.ts';
import { isTimeoutError } from '../resilience/errors.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import { isThenable } from '../util/thenable.ts';
import type { HandlerContext } from './handler-context.ts';
import type { NodeConfig } from './node-host.ts';
import type { SignalHandler } from './node-options.ts';
import type { Receipt } from './receipt.ts';

/** Wraps the node's handlers (handle, degrade, fallback) so that each attempt is a span of `tracer`. */
export function traceHandlers(config: NodeConfig, tracer: HandlingTracer): void {
  config.handle = traced(config.handle, tracer, 'handle');
  if (config.degrade !== undefined) config.degrade = traced(config.degrade, tracer, 'degrade');
  if (config.fallback !== undefined) config.fallback = traced(config.fallback, tracer, 'fallback');
}

/**
 * `handler` run inside a span: started with the attempt, a child of the signal's `traceparent`;
 * active while the handler runs (its own instrumentation nests under it, given a context
 * manager); ended when the handler settles (`completed` or `failed`) or when the attempt's abort
 * signal fires first (`timeout` at the time limit, `stopped` by a shutdown). The handler gets a
 * context whose `emit` puts the span's `traceparent` on each child.
 */
function traced(handler: SignalHandler, tracer: HandlingTracer, role: string): SignalHandler {
  return (signal: Signal, ctx: HandlerContext): void | Promise<void> => {
    const handling = tracer.start(
      {
        node: ctx.node,
        partition: ctx.partition,
        signalId: signal.id,
        signalType: signal.type,
        signalVersion: signal.version,
        correlationId: signal.correlationId,
        attempt: ctx.attempt,
        handler: role,
      },
      signal.headers,
    );
    const abort = ctx.abortSignal;
    const aborted = (): void => handling.end(isTimeoutError(abort.reason) ? 'timeout' : 'stopped', abort.reason);
    abort.addEventListener('abort', aborted, { once: true });
    const settle = (error: unknown, failed: boolean): void => {
      abort.removeEventListener('abort', aborted);
      handling.end(failed ? 'failed' : 'completed', error);
    };
    let result: void | Promise<void>;
    try {
      result = handling.run(handler, signal, new TracedContext(ctx, handling));
    } catch (e) {
      settle(e, true);
      throw e;
    }
    if (!isThenable<void>(result)) {
      settle(undefined, false);
      return result;
    }
    return result.then(
      () => settle(undefined, false),
      (e: unknown) => {
        settle(e, true);
        throw e;
      },
    );
  };
}

/** The handler's context, with `emit` putting the handling span's trace headers on each child. */
class TracedContext implements HandlerContext {
  readonly #inner: HandlerContext;
  readonly #handling: Handling;

  constructor(inner: HandlerContext, handling: Handling) {
    this.#inner = inner;
    this.#handling = handling;
  }

  get node(): string {
    return this.#inner.node;
  }

  get signal(): Signal {
    return this.#inner.signal;
  }

  get partition(): number {
    return this.#inner.partition;
  }

  get attempt(): number {
    return this.#inner.attempt;
  }

  get abortSignal(): AbortSignal {
    return this.#inner.abortSignal;
  }

  emit<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#inner.emit(target, draftWithTraceHeaders(draft, this.#handling.headers));
  }
}

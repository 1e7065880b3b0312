import { TimeoutError } from '../resilience/errors.ts';
import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import { isThenable } from '../util/thenable.ts';
import { NodeContext, type ContextHost } from './handler-context.ts';
import type { SignalHandler } from './node-options.ts';
import type { Worker } from './worker.ts';

/** How a timed attempt ends, for the node runtime to carry on from. */
export interface AttemptOutcome {
  succeeded(w: Worker): void;
  failed(w: Worker, error: unknown, outcome: 'failed' | 'timeout'): void;
}

/**
 * Runs one attempt of a handler with a time limit. A timed-out attempt may still be running when
 * the next one starts, so each gets its own context and AbortController (aborted at the limit,
 * and by a shutdown that stops the node through `w.controller`), and whatever settles after
 * `w.seq` moved on is ignored.
 */
export function runTimedAttempt(host: ContextHost, clock: Clock, w: Worker, handler: SignalHandler, signal: Signal, timeoutMs: number, outcome: AttemptOutcome): void {
  const seq = ++w.seq;
  const controller = new AbortController();
  w.controller = controller;
  const timer = (w.timeoutTimer = clock.setTimeout(() => {
    if (w.seq !== seq) return;
    const error = new TimeoutError(timeoutMs, `handler of ${host.name}`);
    controller.abort(error);
    outcome.failed(w, error, 'timeout');
  }, timeoutMs));
  const settle = (error: unknown, failed: boolean): void => {
    if (w.seq !== seq) return;
    clock.clearTimeout(timer);
    if (failed) outcome.failed(w, error, 'failed');
    else outcome.succeeded(w);
  };
  try {
    const result = handler(signal, new NodeContext(host, controller.signal, w.partition, signal, w.attempt));
    if (isThenable<void>(result)) {
      result.then(() => settle(undefined, false), (e: unknown) => settle(e, true));
    } else settle(undefined, false);
  } catch (e) {
    settle(e, true);
  }
}

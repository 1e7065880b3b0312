import { TimeoutError } from '../resilience/errors.ts';
import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import { isThenable } from '../util/thenable.ts';
import { NodeContext, type ContextHost } from './handler-context.ts';
import type { SignalHandler } from './node-options.ts';
import type { Worker } from './worker.ts';

/** How a timed attempt ends, for the node runtime to carry on from. */
export interface AttemptOutcome {
  succeeded(worker: Worker): void;
  failed(worker: Worker, error: unknown, outcome: 'failed' | 'timeout'): void;
}

/**
 * Runs one attempt of a handler with a time limit. A timed-out attempt may still be running when
 * the next one starts, so each gets its own context and AbortController (aborted at the limit,
 * and by a shutdown that stops the node through `worker.controller`), and whatever settles after
 * `worker.seq` moved on is ignored.
 */
export function runTimedAttempt(host: ContextHost, clock: Clock, worker: Worker, handler: SignalHandler, signal: Signal, timeoutMs: number, outcome: AttemptOutcome): void {
  const seq = ++worker.seq;
  const controller = new AbortController();
  worker.controller = controller;
  const timer = (worker.timeoutTimer = clock.setTimeout(() => {
    if (worker.seq !== seq) return;
    const error = new TimeoutError(timeoutMs, `handler of ${host.name}`);
    controller.abort(error);
    outcome.failed(worker, error, 'timeout');
  }, timeoutMs));
  const settle = (error: unknown, failed: boolean): void => {
    if (worker.seq !== seq) return;
    clock.clearTimeout(timer);
    if (failed) outcome.failed(worker, error, 'failed');
    else outcome.succeeded(worker);
  };
  try {
    const result = handler(signal, new NodeContext(host, controller.signal, worker.partition, signal, worker.attempt));
    if (isThenable<void>(result)) {
      result.then(
        () => settle(undefined, false),
        (e: unknown) => settle(e, true),
      );
    } else settle(undefined, false);
  } catch (e) {
    settle(e, true);
  }
}

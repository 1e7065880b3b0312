import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import { StopSource } from './handler-context.ts';

/**
 * The state of one partition's signal in flight. A partition has at most one signal in flight,
 * and a node reuses its workers for every signal and attempt: no allocation per signal. A worker
 * serves one claimed partition at a time, from the claim to the release.
 */
export class Worker {
  /** The partition served (the last one, while free). */
  partition = 0;
  signal: Signal | undefined = undefined;
  attempt = 0;
  startedAt = 0;
  firstFailureAt = 0;
  previousDelayMs = 0;
  /** The running attempt uses the degrade handler (breaker open). */
  degraded = false;
  /** The running attempt is the fallback handler (retries used up). */
  fallingBack = false;
  /** Bumped per attempt so that a late settle of a timed-out attempt is ignored. */
  seq = 0;
  /** A retry waiting on the clock. */
  timer: unknown = undefined;
  /** The time limit of the running attempt. */
  timeoutTimer: unknown = undefined;
  controller: AbortController | undefined = undefined;
  /** Pre-bound settle callbacks, so `promise.then(worker.ok, worker.fail)` allocates no closures. */
  ok: () => void = noop;
  fail: (error: unknown) => void = noop;
  /** Pre-bound retry callback for the clock. */
  resume: () => void = noop;

  /** Aborts the abort signal of this worker's handler contexts when a shutdown stops the node. */
  readonly stop = new StopSource();

  /** The node's next free worker, while this one is free. */
  nextFree: Worker | undefined = undefined;

  /** Takes the worker out of the free list, to serve `partition`. */
  assign(partition: number): void {
    this.nextFree = undefined;
    this.partition = partition;
  }

  /**
   * Gives up the signal in flight, if any (the node is stopping) and returns it, to be handed
   * back: aborts the running attempt, cancels its timers, and makes a later settle a no-op.
   */
  abandon(reason: unknown, clock: Clock): Signal | undefined {
    const signal = this.signal;
    if (signal === undefined) return undefined;
    this.controller?.abort(reason);
    this.stop.stop(reason);
    if (this.timer !== undefined) clock.clearTimeout(this.timer);
    if (this.timeoutTimer !== undefined) clock.clearTimeout(this.timeoutTimer);
    this.seq++;
    this.reset();
    return signal;
  }

  reset(): void {
    this.signal = undefined;
    this.attempt = 0;
    this.firstFailureAt = 0;
    this.previousDelayMs = 0;
    this.timer = undefined;
    this.timeoutTimer = undefined;
    this.controller = undefined;
    this.degraded = false;
    this.fallingBack = false;
  }
}

function noop(): void {}

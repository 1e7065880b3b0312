import type { Signal } from '../signal/signal.ts';
import type { NodeContext } from './handler-context.ts';

/**
 * The state of one partition's signal in flight. A partition has at most one signal in flight,
 * so one Worker per partition is reused for every signal and attempt: no allocation per signal.
 */
export class Worker {
  readonly partition: number;
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
  /** Pre-bound settle callbacks, so `promise.then(w.ok, w.fail)` allocates no closures. */
  ok: () => void = noop;
  fail: (error: unknown) => void = noop;
  /** Pre-bound retry callback for the clock. */
  resume: () => void = noop;

  /** The context handed to the handler, reused from signal to signal. */
  readonly context: NodeContext;

  constructor(partition: number, context: NodeContext) {
    this.partition = partition;
    this.context = context;
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

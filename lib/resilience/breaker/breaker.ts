/**
 * The circuit breaker runtime. The current state lives in a plain field so that the hot path
 * (`tryPass()` / `recordSuccess()` while closed) is a field read and a counter reset; only
 * events that can change state reach the xstate actor (see `machine.ts`).
 */
import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import type { Observable } from 'rxjs';
import { systemClock, type Clock } from '../../util/clock.ts';
import { RUNBOOK } from '../../util/runbook.ts';
import { BreakerDisposedError, BreakerOpenError, InvalidOptionsError } from '../errors.ts';
import { Emitter, type DisposableHandle } from '../emitter.ts';
import { AdmittedCall, runCall, type BreakerCall, type CallSettler } from './admitted-call.ts';
import { breakerMachine, type BreakerMachineEvent, type BreakerMachineState } from './machine.ts';
import { resolveBreakerOptions, type BreakerOptions, type ResolvedBreakerOptions } from './options.ts';
import { failurePressure, mixPressure } from './pressure.ts';
import { checkSnapshot, restorePlan } from './snapshot.ts';
import { BucketWindow } from './window.ts';
import { BREAKER_STATE_CODE, type BreakerHealth, type BreakerSnapshot, type BreakerState, type BreakerStateCode, type BreakerTransition } from './types.ts';

export type { BreakerCall } from './admitted-call.ts';

// Reused event objects: the breaker sends these without allocating.
const TRIP: BreakerMachineEvent = { type: 'TRIP' };
const PROBE_SUCCESS: BreakerMachineEvent = { type: 'PROBE_SUCCESS' };
const PROBE_FAILURE: BreakerMachineEvent = { type: 'PROBE_FAILURE' };

/**
 * A circuit breaker: closed → open (on N consecutive failures or an error rate) → half-open
 * after `resetTimeoutMs` → closed after `successThreshold` probe successes (any probe failure
 * re-opens). Time comes only from the injected clock.
 */
export class CircuitBreaker implements DisposableHandle {
  /** Breaker name: a node name, or `op:<operation>` for protected operations. */
  readonly name: string;
  readonly #clock: Clock;
  #opts: ResolvedBreakerOptions;
  readonly #actor: Actor<typeof breakerMachine>;
  #state: BreakerState = 'closed';
  #machineState: BreakerMachineState = 'closed';
  #window: BucketWindow | undefined;
  #consecutiveFailures = 0;
  #failureCount = 0;
  #successCount = 0;
  #trips = 0;
  #refusals = 0;
  #probes = 0;
  #openUntil = 0;
  // Bumped on every state change so that a late outcome of an old call is not mistaken for a probe.
  #epoch = 0;
  #lastPressure = -1;
  #lastError: unknown = undefined;
  #disposed = false;
  /** Where the calls of `begin()` report back (one object per breaker, not a closure per call). */
  readonly #settler: CallSettler = { settleCall: (probe, epoch, outcome, error) => this.#settleCall(probe, epoch, outcome, error) };
  readonly #transitions = new Emitter<BreakerTransition>();
  readonly #pressure = new Emitter<number>();

  constructor(name: string, options: BreakerOptions = {}, clock: Clock = systemClock) {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionsError('name', 'must be a non-empty string', name);
    this.name = name;
    this.#clock = clock;
    this.#opts = resolveBreakerOptions(options);
    this.#window = this.#opts.errorRate === undefined ? undefined : new BucketWindow(this.#opts.errorRate);
    this.#actor = createActor(breakerMachine, {
      input: { successThreshold: this.#opts.successThreshold, resetTimeoutMs: this.#opts.resetTimeoutMs },
      clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h) },
    });
    this.#actor.subscribe((snapshot) => this.#onSnapshot(snapshot));
    this.#actor.start();
  }

  /** The current state (a cached field, never a machine query). */
  get state(): BreakerState {
    return this.#state;
  }
  /** Gauge value of the state: 0 closed, 1 open, 2 half-open. */
  get stateCode(): BreakerStateCode {
    return BREAKER_STATE_CODE[this.#state];
  }
  /** True while forced open by {@link CircuitBreaker.isolate}. */
  get isolated(): boolean {
    return this.#machineState === 'isolated';
  }
  /** Times the breaker went from not-open to open (isolation included). */
  get trips(): number {
    return this.#trips;
  }
  /** Failures recorded since creation or the last `reset()`. */
  get failureCount(): number {
    return this.#failureCount;
  }
  /** Successes recorded since creation or the last `reset()`. */
  get successCount(): number {
    return this.#successCount;
  }
  /** Current run of failures while closed. */
  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }
  /** Calls refused by `tryPass()` / `begin()` / `protect()`. */
  get refusals(): number {
    return this.#refusals;
  }
  /** The last error passed to `recordFailure`. */
  get lastError(): unknown {
    return this.#lastError;
  }
  /** The resolved options in force. */
  get options(): ResolvedBreakerOptions {
    return this.#opts;
  }
  /** Milliseconds until an open breaker goes half-open (0 when not open, `Infinity` when isolated). */
  get retryAfterMs(): number {
    if (this.#state !== 'open') return 0;
    return this.#machineState === 'isolated' ? Infinity : Math.max(0, this.#openUntil - this.#clock.now());
  }

  /**
   * Pressure 0..1 = `1 - (1 - f) * (1 - load)`, a probabilistic "or" of failure pressure `f`
   * and `loadProvider()` (0 without one). `f` is 1 when open, 0.5 when half-open and, when
   * closed, the larger of `consecutiveFailures / failureThreshold` and (error-rate mode)
   * `(failureRate / threshold) * min(1, calls / minimumVolume)`, capped at 1.
   */
  get pressureLevel(): number {
    const options = this.#opts;
    return mixPressure(failurePressure(this.#state, this.#consecutiveFailures, options.failureThreshold, options.errorRate, this.#window, this.#clock.now()), options.loadProvider);
  }

  /** State transitions. */
  get state$(): Observable<BreakerTransition> {
    return this.#transitions.observable;
  }
  /** Pressure level changes (on transitions, failures, and a success ending a failure run; not per call). */
  get pressure$(): Observable<number> {
    return this.#pressure.observable;
  }
  /** Calls `listener` on every transition. */
  onStateChange(listener: (transition: BreakerTransition) => void): DisposableHandle {
    return this.#transitions.on(listener);
  }
  /** Calls `listener` when the published pressure level changes. */
  onPressure(listener: (level: number) => void): DisposableHandle {
    return this.#pressure.on(listener);
  }

  /**
   * May a call go through? Closed: yes (a field read). Open: no. Half-open: yes while fewer
   * than `halfOpenMaxProbes` probes are out, and the caller then owns a probe slot that an
   * outcome (`recordSuccess`/`recordFailure`) or `releaseProbe()` gives back.
   */
  tryPass(): boolean {
    const s = this.#state;
    if (s === 'closed' && !this.#disposed) return true;
    if (s === 'half-open' && this.#probes < this.#opts.halfOpenMaxProbes && !this.#disposed) {
      this.#probes++;
      return true;
    }
    this.#refusals++;
    return false;
  }

  /** Records a success (closed, no error-rate window: resets the failure run, nothing else). */
  recordSuccess(): void {
    this.#successCount++;
    const s = this.#state;
    if (s === 'closed') {
      const window = this.#window;
      if (window !== undefined) window.record(this.#clock.now(), false);
      if (this.#consecutiveFailures !== 0) {
        this.#consecutiveFailures = 0;
        this.#publishPressure();
      }
    } else if (s === 'half-open') {
      if (this.#probes > 0) this.#probes--;
      this.#send(PROBE_SUCCESS);
    }
  }

  /** Records a failure; may open the breaker (closed) or re-open it (half-open). */
  recordFailure(error?: unknown): void {
    this.#failureCount++;
    this.#lastError = error;
    const s = this.#state;
    if (s === 'closed') {
      this.#consecutiveFailures++;
      let trip = this.#consecutiveFailures >= this.#opts.failureThreshold;
      const window = this.#window;
      if (window !== undefined) {
        const now = this.#clock.now();
        window.record(now, true);
        trip ||= window.tripped(now, this.#opts.errorRate!);
      }
      if (trip) this.#send(TRIP);
      else this.#publishPressure();
    } else if (s === 'half-open') {
      if (this.#probes > 0) this.#probes--;
      this.#send(PROBE_FAILURE);
    }
  }

  /** Gives back a half-open probe slot claimed by `tryPass()` whose call ended without outcome. */
  releaseProbe(): void {
    if (this.#state === 'half-open' && this.#probes > 0) this.#probes--;
  }

  /**
   * Admits one call or throws {@link BreakerOpenError} ({@link BreakerDisposedError} once
   * disposed). Settle the returned call once; works with `using call = breaker.begin()`. A late
   * outcome of a call admitted before a state change is ignored unless the breaker is closed,
   * so it cannot count as a probe.
   */
  begin(): BreakerCall {
    if (!this.tryPass()) throw this.#disposed ? new BreakerDisposedError(this.name) : this.#refusal();
    return new AdmittedCall(this.#settler, this.#state === 'half-open', this.#epoch);
  }

  /**
   * Runs `fn` through the breaker: rejects with {@link BreakerOpenError} while open
   * ({@link BreakerDisposedError} once disposed); records the outcome; a call whose `signal`
   * was aborted counts as cancelled, not failed.
   */
  async protect<T>(fn: (signal: AbortSignal) => Promise<T> | T, signal?: AbortSignal): Promise<T> {
    return runCall(this.begin(), fn, signal);
  }

  /** The health view `{ state, failureCount, successCount, pressureLevel }`. */
  health(): BreakerHealth {
    return { state: this.#state, failureCount: this.#failureCount, successCount: this.#successCount, pressureLevel: this.pressureLevel };
  }

  /** Forces the breaker open until {@link CircuitBreaker.reset}. */
  isolate(): void {
    this.#send({ type: 'ISOLATE' });
  }

  /** Back to closed, with counters and the error-rate window cleared. */
  reset(): void {
    this.#send({ type: 'RESET' });
    this.#consecutiveFailures = 0;
    this.#failureCount = 0;
    this.#successCount = 0;
    this.#window?.clear();
    this.#publishPressure();
  }

  /** Changes options at run time (validated first; the state and counters are kept). */
  configure(partial: BreakerOptions): void {
    const next = resolveBreakerOptions(partial, this.#opts);
    const prev = this.#opts;
    this.#opts = next;
    if (next.errorRate === undefined) this.#window = undefined;
    else if (prev.errorRate === undefined || prev.errorRate.windowMs !== next.errorRate.windowMs || prev.errorRate.buckets !== next.errorRate.buckets) {
      this.#window = new BucketWindow(next.errorRate); // a new geometry cannot reuse the old buckets
    }
    if (prev.successThreshold !== next.successThreshold || prev.resetTimeoutMs !== next.resetTimeoutMs) {
      this.#send({ type: 'CONFIGURE', successThreshold: next.successThreshold, resetTimeoutMs: next.resetTimeoutMs });
    }
  }

  /** A JSON-serialisable picture of the breaker. */
  snapshot(): BreakerSnapshot {
    const open = this.#state === 'open' && !this.isolated;
    const now = this.#clock.now();
    return {
      version: 2,
      name: this.name,
      state: this.#state,
      isolated: this.isolated,
      openUntil: open ? this.#openUntil : null,
      consecutiveFailures: this.#consecutiveFailures,
      failureCount: this.#failureCount,
      successCount: this.#successCount,
      trips: this.#trips,
      at: now,
      errorRateWindow: this.#window?.buckets(now) ?? null,
    };
  }

  /**
   * Puts the breaker in the state of `snapshot`. An open breaker stays open for the time that
   * was left (half-open at once when that time has passed); half-open is reached through open
   * so that no illegal transition (closed → half-open) is ever published. The error-rate
   * window's buckets (version 2) come back with their times, so calls recorded before the
   * snapshot count toward `minimumVolume` and the rate until they leave the window, as if the
   * breaker had never stopped. Throws {@link InvalidOptionsError} for a malformed snapshot
   * (nothing restored) and {@link BreakerDisposedError} once disposed.
   */
  restore(snapshot: BreakerSnapshot): void {
    if (this.#disposed) throw new BreakerDisposedError(this.name);
    checkSnapshot(snapshot);
    const plan = restorePlan(snapshot, this.#clock.now(), this.#opts.resetTimeoutMs, this.#machineState);
    for (const event of plan.events) this.#send(event);
    if (plan.openUntil !== undefined) this.#openUntil = plan.openUntil;
    this.#consecutiveFailures = this.#state === 'closed' ? snapshot.consecutiveFailures : 0;
    this.#failureCount = snapshot.failureCount;
    this.#successCount = snapshot.successCount;
    this.#trips = snapshot.trips;
    const window = this.#window;
    if (window !== undefined) {
      window.clear();
      for (const b of snapshot.errorRateWindow ?? []) window.add(b.startedAt, b.calls, b.failures);
    }
    this.#publishPressure();
  }

  /**
   * Stops the machine and its timers and completes the Observables; safe to call twice. From
   * then on the breaker lets nothing through: `tryPass()` is false, `begin()` and `protect()`
   * throw {@link BreakerDisposedError} (a disposed breaker could never close again).
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#actor.stop();
    this.#transitions.complete();
    this.#pressure.complete();
  }
  /** Same as {@link CircuitBreaker.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The outcome of a call from {@link CircuitBreaker.begin}. */
  #settleCall(probe: boolean, epoch: number, outcome: boolean | undefined, error: unknown): void {
    if (this.#epoch !== epoch && (probe || this.#state !== 'closed')) return;
    if (outcome === true) this.recordSuccess();
    else if (outcome === false) this.recordFailure(error);
    else if (probe) this.releaseProbe();
  }

  #send(event: BreakerMachineEvent): void {
    if (!this.#disposed) this.#actor.send(event);
  }

  #refusal(): BreakerOpenError {
    const s = this.#state === 'half-open' ? 'half-open' : 'open';
    return new BreakerOpenError(this.name, this.retryAfterMs, s, this.isolated);
  }

  #publishPressure(): void {
    if (!this.#pressure.observed) return;
    const level = this.pressureLevel;
    if (level === this.#lastPressure) return;
    this.#lastPressure = level;
    this.#pressure.emit(level);
  }

  #onSnapshot(snapshot: SnapshotFrom<typeof breakerMachine>): void {
    const value = snapshot.value as BreakerMachineState;
    if (value === this.#machineState) return;
    const from = this.#state;
    this.#machineState = value;
    const to: BreakerState = value === 'halfOpen' ? 'half-open' : value === 'isolated' ? 'open' : value;
    this.#epoch++;
    if (value === 'open') this.#openUntil = this.#clock.now() + snapshot.context.openDelayMs;
    if (value === 'isolated') this.#openUntil = Infinity;
    this.#probes = 0;
    if (value === 'closed') {
      this.#consecutiveFailures = 0;
      this.#window?.clear();
    }
    if (from === to) return;
    this.#state = to;
    if (to === 'open') this.#trips++;
    if (this.#transitions.observed) {
      const trip = to === 'open' ? { runbook: RUNBOOK.breakerOpen } : undefined;
      this.#transitions.emit({ kind: 'breaker', name: this.name, from, to, at: this.#clock.now(), pressureLevel: this.pressureLevel, ...trip });
    }
    this.#publishPressure();
  }
}

/** Creates a {@link CircuitBreaker}; `name` defaults to `'breaker'`, the clock to the system clock. */
export function createCircuitBreaker(options: BreakerOptions & { name?: string; clock?: Clock } = {}): CircuitBreaker {
  const { name = 'breaker', clock = systemClock, ...rest } = options;
  return new CircuitBreaker(name, rest, clock);
}

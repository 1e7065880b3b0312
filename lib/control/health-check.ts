/**
 * One component's checks, run on a clock: one check at a time, the next `intervalMs` after the
 * previous one ended, each given `timeoutMs`. Whatever the check does (returns, throws, rejects,
 * never settles) ends as data in the component's health, never as an exception.
 */
import { TimeoutError } from '../resilience/errors.ts';
import { unrefTimer, type Clock, type TimerHandle } from '../util/clock.ts';
import { toErrorInfo } from '../util/errors.ts';
import { isThenable } from '../util/thenable.ts';
import type { ResolvedHealthCheckOptions } from './health-options.ts';
import type { ComponentHealth, HealthCheck, HealthCheckResult } from './health-types.ts';

/** The health of a component never checked. */
function initialHealth(essential: boolean): ComponentHealth {
  return { status: 'unknown', essential, consecutiveFailures: 0, responseMs: undefined, lastError: undefined, totalChecks: 0, checkedAt: undefined, details: undefined, runbook: undefined };
}

/** Runs one component's check on a clock and keeps what the checks said. */
export class ComponentCheck {
  readonly name: string;
  readonly options: ResolvedHealthCheckOptions;
  readonly #check: HealthCheck;
  readonly #clock: Clock;
  readonly #changed: (name: string) => void;
  #health: ComponentHealth;
  #timer: TimerHandle | undefined;
  /** The check under way: its abort controller and timeout timer. */
  #running: { readonly abort: AbortController; readonly timeout: TimerHandle } | undefined;
  /** Bumped by `stop`: a check that ends after it changes nothing. */
  #generation = 0;
  #started = false;

  /** `changed` is called with the component's name each time its status changes. */
  constructor(name: string, check: HealthCheck, options: ResolvedHealthCheckOptions, clock: Clock, changed: (name: string) => void) {
    this.name = name;
    this.options = options;
    this.#check = check;
    this.#clock = clock;
    this.#changed = changed;
    this.#health = initialHealth(options.essential);
  }

  /** What the checks said so far. */
  get health(): ComponentHealth {
    return this.#health;
  }

  /** Runs a check now, then every `intervalMs`. Does nothing when started already. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#run();
  }

  /** Stops checking: clears every timer, aborts the check under way and ignores its end. */
  stop(): void {
    this.#started = false;
    this.#generation++;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#endRunning();
  }

  #run(): void {
    this.#timer = undefined;
    const generation = this.#generation;
    const startedAt = this.#clock.now();
    const abort = new AbortController();
    let settled = false;
    const finish = (result: HealthCheckResult | undefined, error: unknown): void => {
      if (settled || generation !== this.#generation) return;
      settled = true;
      this.#endRunning();
      this.#record(result, error, this.#clock.now() - startedAt);
      if (this.#started) this.#timer = unrefTimer(this.#clock.setTimeout(() => this.#run(), this.options.intervalMs));
    };
    const timeout = unrefTimer(this.#clock.setTimeout(() => finish(undefined, new TimeoutError(this.options.timeoutMs, `health check ${this.name}`)), this.options.timeoutMs));
    this.#running = { abort, timeout };
    let outcome: ReturnType<HealthCheck>;
    try {
      outcome = this.#check(abort.signal);
    } catch (e) {
      finish(undefined, e);
      return;
    }
    if (!isThenable<unknown>(outcome)) {
      finish(toResult(outcome), undefined);
      return;
    }
    try {
      outcome.then(
        (value) => finish(toResult(value), undefined),
        (e: unknown) => finish(undefined, e),
      );
    } catch (e) {
      // A thenable of yours whose `then` throws.
      finish(undefined, e);
    }
  }

  #endRunning(): void {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    this.#clock.clearTimeout(running.timeout);
    running.abort.abort();
  }

  #record(result: HealthCheckResult | undefined, error: unknown, responseMs: number): void {
    const before = this.#health;
    // A result that is no result (a typo'd status, undefined) is a failed check too.
    const invalid = result === undefined && error === undefined;
    const failed = result === undefined || result.status === 'unhealthy';
    const lastError =
      error !== undefined ? toErrorInfo(error) : invalid ? toErrorInfo(new TypeError('a health check must return healthy, degraded or unhealthy')) : failed ? before.lastError : undefined;
    this.#health = {
      status: result?.status ?? 'unhealthy',
      essential: before.essential,
      consecutiveFailures: failed ? before.consecutiveFailures + 1 : 0,
      responseMs,
      lastError,
      totalChecks: before.totalChecks + 1,
      checkedAt: this.#clock.now(),
      details: result?.details,
      runbook: result?.runbook,
    };
    if (this.#health.status !== before.status) this.#changed(this.name);
  }
}

const STATUSES: readonly string[] = ['healthy', 'degraded', 'unhealthy'];

/** A check's value as a result: a bare status becomes `{ status }`; anything else is undefined (a failed check). */
function toResult(value: unknown): HealthCheckResult | undefined {
  if (typeof value === 'string') return STATUSES.includes(value) ? { status: value as HealthCheckResult['status'] } : undefined;
  if (typeof value === 'object' && value !== null && STATUSES.includes((value as HealthCheckResult).status)) return value as HealthCheckResult;
  return undefined;
}

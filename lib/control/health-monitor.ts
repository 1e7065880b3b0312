/**
 * The registered components of a network and their overall status: registers and removes
 * checks, starts and stops them together, and says when a status changed. It knows nothing of
 * nodes or the network; the network adds the report's other sections.
 */
import { disposable, type DisposableHandle } from '../resilience/emitter.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { Clock } from '../util/clock.ts';
import { ComponentCheck } from './health-check.ts';
import { resolveHealthCheckOptions, type HealthCheckOptions } from './health-options.ts';
import type { ComponentHealth, HealthCheck, HealthStatus } from './health-types.ts';

/** What changed, told to the monitor's listener. */
export interface HealthChange {
  /** The component whose status changed (`undefined` when a component was removed). */
  readonly component: string | undefined;
  /** Its status now (`undefined` when removed). */
  readonly componentStatus: HealthStatus | undefined;
  /** The overall status before and after. */
  readonly from: HealthStatus;
  readonly to: HealthStatus;
}

/**
 * The overall status of `components`: `unhealthy` when an essential one is; else `degraded` when
 * any is `degraded` or `unhealthy`; else `unknown` while one was never checked; else `healthy`
 * (also with no component at all).
 */
export function overallStatus(components: Iterable<ComponentHealth>): HealthStatus {
  let degraded = false;
  let unknown = false;
  for (const c of components) {
    if (c.status === 'unhealthy' && c.essential) return 'unhealthy';
    if (c.status === 'unhealthy' || c.status === 'degraded') degraded = true;
    else if (c.status === 'unknown') unknown = true;
  }
  return degraded ? 'degraded' : unknown ? 'unknown' : 'healthy';
}

/** The components of one network and their checks. */
export class HealthMonitor {
  readonly #clock: Clock;
  readonly #defaults: { intervalMs: number; timeoutMs: number };
  readonly #onChange: (change: HealthChange) => void;
  readonly #checks = new Map<string, ComponentCheck>();
  #status: HealthStatus = 'healthy';
  #running = false;

  /** `onChange` hears every change of a component's status or of the overall status. */
  constructor(clock: Clock, defaults: { intervalMs: number; timeoutMs: number }, onChange: (change: HealthChange) => void) {
    this.#clock = clock;
    this.#defaults = defaults;
    this.#onChange = onChange;
  }

  /** The overall status now (see {@link overallStatus}). */
  get status(): HealthStatus {
    return this.#status;
  }

  /** Whether the checks run (between `start` and `stop`). */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Adds a component. Its checks start now when the monitor runs, else at `start`. Throws
   * InvalidOptionsError on bad options or a name already registered; `dispose()` removes it.
   */
  register(name: string, check: HealthCheck, options: HealthCheckOptions = {}): DisposableHandle {
    if (typeof name !== 'string' || name === '') throw new InvalidOptionsError('healthCheck.name', 'must be a non-empty string', name);
    if (this.#checks.has(name)) throw new InvalidOptionsError('healthCheck.name', 'is registered already', name);
    if (typeof check !== 'function') throw new InvalidOptionsError('healthCheck.check', 'must be a function', check);
    const component = new ComponentCheck(name, check, resolveHealthCheckOptions(options, this.#defaults), this.#clock, (n) => this.#changed(n));
    this.#checks.set(name, component);
    // Started first: a check that answers at once spares the overall status a passage through `unknown`.
    if (this.#running) component.start();
    this.#changed(undefined);
    return disposable(() => {
      if (this.#checks.get(name) !== component) return;
      component.stop();
      this.#checks.delete(name);
      this.#changed(undefined);
    });
  }

  /** Each component's health, by name. */
  components(): Record<string, ComponentHealth> {
    const out: Record<string, ComponentHealth> = {};
    for (const [name, c] of this.#checks) out[name] = c.health;
    return out;
  }

  /** Starts every component's checks (each runs its first at once). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const c of this.#checks.values()) c.start();
  }

  /** Stops every check: no timer of the monitor is left. */
  stop(): void {
    this.#running = false;
    for (const c of this.#checks.values()) c.stop();
  }

  #changed(component: string | undefined): void {
    const from = this.#status;
    this.#status = overallStatus([...this.#checks.values()].map((c) => c.health));
    const componentStatus = component === undefined ? undefined : this.#checks.get(component)?.health.status;
    if (component === undefined && from === this.#status) return;
    this.#onChange({ component, componentStatus, from, to: this.#status });
  }
}

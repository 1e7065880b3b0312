/**
 * The words of health checking: statuses, what a check returns, what is known of a component,
 * and the report. Leaf file: imports only types.
 */
import type { ActiveAlert } from './alert-rules.ts';
import type { ForecastData } from './forecast-types.ts';
import type { BreakerHealth } from '../resilience/breaker/types.ts';
import type { ErrorInfo } from '../util/errors.ts';

/**
 * How well a component, or the whole network, is doing. `unknown` until its first check ends.
 * The enum-like object keeps the names; the values follow the API's one casing for strings.
 */
export const HealthStatus = Object.freeze({
  /** Everything works. */
  Healthy: 'healthy',
  /** Works, with a problem worth a look (a non-essential part failing, pressure, a half-open breaker). */
  Degraded: 'degraded',
  /** An essential part fails: the network cannot do its work. */
  Unhealthy: 'unhealthy',
  /** Not checked yet. */
  Unknown: 'unknown',
} as const);

/** One health status. */
export type HealthStatus = (typeof HealthStatus)[keyof typeof HealthStatus];

/** What a check says: a status and, optionally, details shown in the report. */
export interface HealthCheckResult {
  /** What the check found. */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  /** Facts behind the status (figures, reasons), shown in the report. */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Where to read what to do about it: a runbook entry (a URL, or a path with an anchor such as
   * `docs/operations.md#high-memory`). The built-in checks name theirs when not healthy.
   */
  readonly runbook?: string;
}

/**
 * A health check: returns (or resolves with) a result or a bare status. A check that throws,
 * rejects or runs past its timeout is a failed check (`unhealthy`, its error kept), never a crash.
 * `signal` is aborted when the check times out or the network stops.
 */
export type HealthCheck = (signal: AbortSignal) => HealthCheckResult | HealthCheckResult['status'] | Promise<HealthCheckResult | HealthCheckResult['status']>;

/** What is known of one component after its checks so far. */
export interface ComponentHealth {
  /** The status now. */
  readonly status: HealthStatus;
  /** Essential components make the network `unhealthy` when they are; the others only `degraded`. */
  readonly essential: boolean;
  /** Checks in a row that threw, timed out or said `unhealthy` (0 after any other result). */
  readonly consecutiveFailures: number;
  /** How long the last check took, in clock milliseconds (`undefined` before the first). */
  readonly responseMs: number | undefined;
  /** The error of the last failed check that threw or timed out (kept until a check succeeds). */
  readonly lastError: ErrorInfo | undefined;
  /** Checks run to their end (result, error or timeout). */
  readonly totalChecks: number;
  /** Clock time of the last check's end (`undefined` before the first). */
  readonly checkedAt: number | undefined;
  /** What the last check said besides its status. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /**
   * The runbook entry the last check named (built-in checks name theirs in docs/operations.md
   * when not healthy); `undefined` when it named none.
   */
  readonly runbook: string | undefined;
}

/** Signals of the whole network, summed over its nodes. */
export interface ProcessingHealth {
  /** Signals accepted by the nodes. */
  readonly totalSignals: number;
  /** Completed over completed plus dead-lettered (1 before any ended). */
  readonly successRate: number;
  /** Mean time of a handler attempt, in ms (0 before any, or with per-node metrics off). */
  readonly avgHandleMs: number;
  /** Signals being handled now (including those waiting for a retry). */
  readonly inFlight: number;
}

/** The safeguards in place and what they did. */
export interface SafeguardsHealth {
  /** Names of the safeguards set up: `breaker`, `rate-limiter`, `bulkhead`, `resource-guard`, `dedup`. */
  readonly active: readonly string[];
  /** Times a breaker (of a node or operation) opened. */
  readonly breakerTrips: number;
  /** Times a rate limit held a signal back or refused a call. */
  readonly rateLimitViolations: number;
}

/** The health of a network: `network.health()`, and each value of `network.health$`. */
export interface HealthReport {
  /** `unhealthy` when an essential component is, else `degraded` when any component is not healthy, else `unknown` until every component was checked once, else `healthy`. */
  readonly status: HealthStatus;
  /** Clock time of the report. */
  readonly at: number;
  /** Each registered component (built-in and yours) by name. */
  readonly components: Readonly<Record<string, ComponentHealth>>;
  /** The breakers of nodes and operations, by name. */
  readonly circuitBreakers: Readonly<Record<string, BreakerHealth>>;
  /** Signals handled, success rate, handling time, in flight. */
  readonly processing: ProcessingHealth;
  /** Which safeguards are on, breaker trips and rate-limit violations. */
  readonly safeguards: SafeguardsHealth;
  /** The feature flags' current values. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** The alerts pending or firing now (see `network.alerts`). */
  readonly alerts: readonly ActiveAlert[];
  /** The network's bottleneck forecast (see `network.forecast`); `undefined` with `forecast: false`. */
  readonly forecast: ForecastData | undefined;
}

/** Value of `plexus_health_status` for each status. */
export const HEALTH_STATUS_CODE: Readonly<Record<HealthStatus, number>> = Object.freeze({ healthy: 0, degraded: 1, unhealthy: 2, unknown: 3 });

/**
 * Options of health checking: per check (`registerHealthCheck`) and per network (`health`),
 * with their defaults and validation. Thresholds of the built-in checks are named here too.
 */
import { checkFunction, checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * Time between two checks of a component (from the end of one to the start of the next).
 * @defaultValue 10 000 ms
 */
export const DEFAULT_HEALTH_INTERVAL_MS = 10_000;
/**
 * Longest a check may run before it counts as failed.
 * @defaultValue 2 000 ms
 */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2_000;
/**
 * Event-loop lag above which the event loop is `degraded`.
 * @defaultValue 100 ms
 */
export const EVENT_LOOP_DEGRADED_MS = 100;
/**
 * Event-loop lag above which the event loop is `unhealthy`.
 * @defaultValue 1 000 ms
 */
export const EVENT_LOOP_UNHEALTHY_MS = 1_000;
/**
 * Share of the heap limit above which memory is `degraded`.
 * @defaultValue 0.8
 */
export const HEAP_DEGRADED_RATIO = 0.8;
/**
 * Share of the heap limit above which memory is `unhealthy`.
 * @defaultValue 0.95
 */
export const HEAP_UNHEALTHY_RATIO = 0.95;
/**
 * Mailbox fill at or above which a node is `degraded`.
 * @defaultValue 0.8
 */
export const NODE_FILL_DEGRADED = 0.8;
/**
 * Mailbox fill at or above which a node is `unhealthy`.
 * @defaultValue 0.95
 */
export const NODE_FILL_UNHEALTHY = 0.95;
/**
 * Share of failed attempts (since the previous check) above which a node is `degraded`.
 * @defaultValue 0.05
 */
export const NODE_ERROR_RATE_DEGRADED = 0.05;

/** How one component's check is run. */
export interface HealthCheckOptions {
  /** An essential component makes the network `unhealthy` when it is. @defaultValue false */
  essential?: boolean;
  /** @defaultValue {@link DEFAULT_HEALTH_INTERVAL_MS} (or the network's `health.intervalMs`) */
  intervalMs?: number;
  /** @defaultValue 2 000 ms (or the network's `health.timeoutMs`) */
  timeoutMs?: number;
}

/** The keys of {@link HealthCheckOptions} (a compile error until a new option is listed). */
export const HEALTH_CHECK_OPTION_KEYS = optionKeys<HealthCheckOptions>()(['essential', 'intervalMs', 'timeoutMs']);

/** Health checking of a network (the network option `health`). */
export interface HealthOptions {
  /** Interval of the built-in checks, and the default of yours. @defaultValue {@link DEFAULT_HEALTH_INTERVAL_MS} */
  intervalMs?: number;
  /** Timeout of the built-in checks, and the default of yours. @defaultValue 2 000 ms */
  timeoutMs?: number;
  /**
   * The event-loop lag now, in ms (for tests). @defaultValue on the system clock, the 99th
   * percentile of `perf_hooks.monitorEventLoopDelay` since the previous reading; on any other
   * clock (a virtual one), 0
   */
  readEventLoopLagMs?: () => number;
  /** Heap bytes in use (for tests). @defaultValue `process.memoryUsage().heapUsed` */
  readHeapUsed?: () => number;
  /** The heap limit the memory check compares with. @defaultValue v8's `heap_size_limit` */
  heapLimitBytes?: number;
}

/** The keys of {@link HealthOptions} (a compile error until a new option is listed). */
export const HEALTH_OPTION_KEYS = optionKeys<HealthOptions>()(['intervalMs', 'timeoutMs', 'readEventLoopLagMs', 'readHeapUsed', 'heapLimitBytes']);

/** {@link HealthCheckOptions} with every default filled in. */
export type ResolvedHealthCheckOptions = Readonly<Required<HealthCheckOptions>>;

/** Validates a check's options (throws InvalidOptionsError or UnknownOptionError naming the option). */
export function resolveHealthCheckOptions(o: HealthCheckOptions = {}, defaults: { intervalMs: number; timeoutMs: number }): ResolvedHealthCheckOptions {
  checkObject('healthCheck', o);
  checkKnownKeys('healthCheck', o, HEALTH_CHECK_OPTION_KEYS);
  if (o.essential !== undefined && typeof o.essential !== 'boolean') throw new InvalidOptionsError('healthCheck.essential', 'must be a boolean', o.essential);
  return {
    essential: o.essential ?? false,
    intervalMs: checkNumber('healthCheck.intervalMs', o.intervalMs ?? defaults.intervalMs, { above: 0 }),
    timeoutMs: checkNumber('healthCheck.timeoutMs', o.timeoutMs ?? defaults.timeoutMs, { above: 0 }),
  };
}

/** Validates the network's `health` option; the readers stay undefined when not given (the built-ins pick theirs). */
export function resolveHealthOptions(o: HealthOptions = {}): Readonly<HealthOptions> & { readonly intervalMs: number; readonly timeoutMs: number } {
  checkObject('health', o);
  checkKnownKeys('health', o, HEALTH_OPTION_KEYS);
  return {
    intervalMs: checkNumber('health.intervalMs', o.intervalMs ?? DEFAULT_HEALTH_INTERVAL_MS, { above: 0 }),
    timeoutMs: checkNumber('health.timeoutMs', o.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, { above: 0 }),
    ...(o.readEventLoopLagMs === undefined ? {} : { readEventLoopLagMs: checkFunction<() => number>('health.readEventLoopLagMs', o.readEventLoopLagMs) }),
    ...(o.readHeapUsed === undefined ? {} : { readHeapUsed: checkFunction<() => number>('health.readHeapUsed', o.readHeapUsed) }),
    ...(o.heapLimitBytes === undefined ? {} : { heapLimitBytes: checkNumber('health.heapLimitBytes', o.heapLimitBytes, { above: 0 }) }),
  };
}

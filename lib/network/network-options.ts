import type { Journal } from '../delivery/journal.ts';
import { DEFAULT_DEDUP_MAX_KEYS, DEFAULT_DEDUP_WINDOW_MS } from '../delivery/dedup-window.ts';
import { DEFAULT_DLQ_CAPACITY } from '../delivery/dead-letter-queue.ts';
import { DEFAULT_JOURNAL_CAPACITY } from '../delivery/memory-journal.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { RESOURCE_GUARD_OPTION_KEYS } from '../resilience/isolation/resource-guard.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_DEPTH } from '../signal/validate-payload.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import type { RateLimiterSpec } from '../resilience/rate/create.ts';
import type { ResourceGuardOptions } from '../resilience/isolation/resource-guard.ts';
import type { Transport } from '../transport/transport.ts';
import { checkLogger, type Logger } from '../observe/logger.ts';
import { parseReflexPolicy, type ReflexPolicy, type ResolvedReflexPolicy } from '../control/reflex-policy.ts';
import { FEATURE_FLAG_OPTION_KEYS, type FeatureFlagOptions } from '../control/feature-flags.ts';
import { HEALTH_OPTION_KEYS, type HealthOptions } from '../control/health-options.ts';
import { ALERT_OPTION_KEYS, resolveAlertOptions, type AlertOptions, type ResolvedAlertOptions } from '../control/alert-options.ts';
import { FORECAST_OPTION_KEYS, resolveForecastOptions, type ForecastOptions, type ResolvedForecastOptions } from '../control/forecast-options.ts';
import { DEFAULT_CONTEXT_INTERVAL_MS, NETWORK_CONTEXT_OPTION_KEYS, type NetworkContextOptions } from '../control/context-options.ts';

/**
 * Time a graceful shutdown may spend draining.
 * @defaultValue 30 000 ms
 */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Longest chain of emits from a signal sent from outside: a handler's `ctx.emit` past it throws
 * CausationDepthError. Bounds a handler that emits to itself, or nodes that emit to each other,
 * without end (each of those would keep the process busy for ever).
 * @defaultValue 64
 */
export const DEFAULT_MAX_CAUSATION_DEPTH = 64;

/** How a network is built. Every field is optional. */
export interface NetworkOptions {
  /** Shows in metrics (`network` label) and errors. @defaultValue `'plexus'` */
  name?: string;
  /** The source of time for everything in the network. @defaultValue the system clock */
  clock?: Clock;
  /**
   * Idempotency-key deduplication: a key is a duplicate at a node that saw it within `windowMs`.
   * One window serves the whole network, so `maxKeys` bounds the keys of all its nodes together.
   * `false` turns it off.
   */
  dedup?:
    | {
        /** `false` turns it off. @defaultValue true */
        enabled?: boolean;
        /** How long a key is remembered (ms). @defaultValue {@link DEFAULT_DEDUP_WINDOW_MS} */
        windowMs?: number;
        /** Most keys remembered, all nodes together. @defaultValue 100 000 */
        maxKeys?: number;
      }
    | false;
  /** Dead letter queue size. */
  dlq?: {
    /** Most entries; beyond it the oldest leave with a `dlq-overflow` event. @defaultValue 1000 */
    capacity?: number;
  };
  /** Processed signals kept for replay: a capacity for the memory journal, or a journal of yours. */
  journal?:
    | {
        /** `false` keeps no journal. @defaultValue true */
        enabled?: boolean;
        /** Completed signals the memory journal keeps. @defaultValue 10 000 */
        capacity?: number;
      }
    | Journal
    | false;
  /** Processing history on each signal (`hops`). */
  tracing?:
    | {
        /** Append a `Hop` to each signal per attempt. @defaultValue true */
        hops?: boolean;
      }
    | false;
  /** Per-node metrics (latency histograms; counters are always kept). */
  metrics?:
    | {
        /** `false` turns the latency histograms off. @defaultValue true */
        enabled?: boolean;
      }
    | false;
  /** Payload limits. */
  limits?: {
    /** Largest payload, as JSON bytes. @defaultValue 1 MiB */
    maxPayloadBytes?: number;
    /** Deepest nesting of a payload. @defaultValue 64 */
    maxPayloadDepth?: number;
  };
  /** Longest graceful drain of `shutdown()` (ms). @defaultValue {@link DEFAULT_SHUTDOWN_TIMEOUT_MS} */
  shutdownTimeoutMs?: number;
  /**
   * Longest chain of emits (see `Signal.causationDepth`); an emit past it throws
   * CausationDepthError to the emitting handler. @defaultValue {@link DEFAULT_MAX_CAUSATION_DEPTH}
   */
  maxCausationDepth?: number;
  /** A rate limit over the whole network, shared by every node and protected operation. */
  rateLimit?: RateLimiterSpec;
  /** Errors and recoveries kept in the audit log. @defaultValue 1000 */
  audit?: {
    /** Most entries kept. @defaultValue 1000 */
    capacity?: number;
  };
  /**
   * A heap guard: past `maxHeapBytes`, sends are refused (`resource-exhausted`) and protected
   * operations too, until the heap comes back under. Off unless given.
   */
  resources?: ResourceGuardOptions;
  /**
   * How signals reach nodes hosted by other processes (`network.remote(name)`), e.g.
   * `createNatsTransport({ servers })`. Without one the network is one process; signals between local
   * nodes never touch the transport either way.
   */
  transport?: Transport;
  /**
   * Health checks: interval and timeout of the built-in checks, and their readings (for tests).
   * `false`: no check runs (every status stays `unknown`), for specs that run a virtual clock
   * with `runAll()`, which the checks' endless timers would never let end. See `network.health()`.
   */
  health?: HealthOptions | false;
  /** Feature flags set in code, and where their `PLEXUS_*` overrides are read. See `network.flags`. */
  flags?: FeatureFlagOptions;
  /**
   * What the network publishes of itself into `network.context` (breakers, pressure levels,
   * health), and how often. `false`: nothing (the mirror stays yours to use). Off by default
   * with `health: false` (a quiet network for specs: no timer, no event of its own).
   */
  context?: NetworkContextOptions | false;
  /**
   * Alert rules over the network's stats, metrics and health (`network.alerts`): how often they
   * are evaluated and which starter rules are off. `false`: no starter rule and no evaluation.
   * Off by default with `health: false` (the quiet network of specs).
   */
  alerts?: AlertOptions | false;
  /**
   * The bottleneck forecast (`network.forecast`): how often the nodes are sampled, over which
   * window. `false`: no sampling. Off by default with `health: false` (the quiet network of specs).
   */
  forecast?: ForecastOptions | false;
  /**
   * A reflex policy (in code, or `loadReflexPolicy(file)`): rules on breaker and node pressure,
   * health, alerts and forecast risk that post `reflex.<kind>` signals to the nodes declaring `reflexes: [kind]`. None by default.
   */
  reflexes?: ReflexPolicy | ResolvedReflexPolicy;
  /**
   * Where the network writes its log: any pino-compatible logger (`debug`, `info`, `warn`,
   * `error` taking `(fields, message)`, and `child(bindings)`), e.g. `pino()`. Written from the
   * event stream, never from the signal path (docs/operations.md, "Logging"). None by default:
   * a network without a logger writes nothing and builds nothing for it.
   */
  logger?: Logger;
}

/** The keys of {@link NetworkOptions} (a compile error until a new option is listed). */
export const NETWORK_OPTION_KEYS = optionKeys<NetworkOptions>()([
  'name',
  'clock',
  'dedup',
  'dlq',
  'journal',
  'tracing',
  'metrics',
  'limits',
  'shutdownTimeoutMs',
  'rateLimit',
  'audit',
  'resources',
  'transport',
  'maxCausationDepth',
  'health',
  'flags',
  'context',
  'alerts',
  'forecast',
  'reflexes',
  'logger',
]);

/** The object form of the network option `K` (without `false` and, for `journal`, a Journal). */
type Section<K extends keyof NetworkOptions> = Exclude<NonNullable<NetworkOptions[K]>, false | Journal>;

/**
 * The keys of each object-valued network option (a new object-valued option gets a line here;
 * the spec's table of misspelt keys shows whether it is checked).
 */
export const NETWORK_SECTION_KEYS = {
  dedup: optionKeys<Section<'dedup'>>()(['enabled', 'windowMs', 'maxKeys']),
  dlq: optionKeys<Section<'dlq'>>()(['capacity']),
  journal: optionKeys<Section<'journal'>>()(['enabled', 'capacity']),
  tracing: optionKeys<Section<'tracing'>>()(['hops']),
  metrics: optionKeys<Section<'metrics'>>()(['enabled']),
  limits: optionKeys<Section<'limits'>>()(['maxPayloadBytes', 'maxPayloadDepth']),
  audit: optionKeys<Section<'audit'>>()(['capacity']),
  resources: RESOURCE_GUARD_OPTION_KEYS,
  health: HEALTH_OPTION_KEYS,
  flags: FEATURE_FLAG_OPTION_KEYS,
  context: NETWORK_CONTEXT_OPTION_KEYS,
  alerts: ALERT_OPTION_KEYS,
  forecast: FORECAST_OPTION_KEYS,
} as const;

/** Network options with every default filled in. */
export interface ResolvedNetworkOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly dedup: { readonly windowMs: number; readonly maxKeys: number } | undefined;
  readonly dlqCapacity: number;
  readonly journal: { readonly capacity: number } | Journal | undefined;
  readonly tracing: boolean;
  readonly metrics: boolean;
  readonly maxPayloadBytes: number;
  readonly maxPayloadDepth: number;
  readonly shutdownTimeoutMs: number;
  readonly maxCausationDepth: number;
  readonly rateLimit: RateLimiterSpec | undefined;
  readonly auditCapacity: number | undefined;
  readonly resources: ResourceGuardOptions | undefined;
  readonly transport: Transport | undefined;
  /** Validated when the network's control plane is built (see network-health.ts). */
  readonly health: HealthOptions | false | undefined;
  readonly flags: FeatureFlagOptions | undefined;
  /** The network's own context publishing, or false (none). */
  readonly context: { readonly intervalMs: number; readonly publisher: string } | false;
  /** The alert rules' options, or false (no starter rule, no evaluation). */
  readonly alerts: ResolvedAlertOptions | false;
  /** The forecast's options, or false (no sampling). */
  readonly forecast: ResolvedForecastOptions | false;
  /** The reflex policy, validated (environment overrides are applied when the network is wired). */
  readonly reflexes: ResolvedReflexPolicy | undefined;
  /** The logger, checked (it has every method), or undefined. */
  readonly logger: Logger | undefined;
}

/** Validates network options and fills in the defaults; throws InvalidOptionsError naming the option. */
export function resolveNetworkOptions(o: NetworkOptions = {}): ResolvedNetworkOptions {
  checkObject('options', o);
  checkKnownKeys('', o, NETWORK_OPTION_KEYS);
  for (const section of Object.keys(NETWORK_SECTION_KEYS) as (keyof typeof NETWORK_SECTION_KEYS)[]) {
    const value: unknown = o[section];
    // A journal of yours (it has `settle`) is an object, not options.
    if (section === 'journal' && typeof value === 'object' && value !== null && 'settle' in value) continue;
    checkKnownKeys(section, value, NETWORK_SECTION_KEYS[section]);
  }
  const name = o.name ?? 'plexus';
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(name)) throw new InvalidOptionsError('name', 'must be 1-128 letters, digits or _.:-', name);
  const clock = o.clock ?? systemClock;
  if (typeof clock?.now !== 'function' || typeof clock.setTimeout !== 'function') throw new InvalidOptionsError('clock', 'must implement now(), setTimeout() and clearTimeout()', clock);
  const dedupOn = o.dedup !== false && o.dedup?.enabled !== false;
  const dedupOptions = o.dedup === false ? undefined : o.dedup;
  const dedup = dedupOn
    ? {
        windowMs: checkNumber('dedup.windowMs', dedupOptions?.windowMs ?? DEFAULT_DEDUP_WINDOW_MS, { above: 0 }),
        maxKeys: checkNumber('dedup.maxKeys', dedupOptions?.maxKeys ?? DEFAULT_DEDUP_MAX_KEYS, { integer: true, min: 1 }),
      }
    : undefined;
  let journal: ResolvedNetworkOptions['journal'];
  if (o.journal === false || (o.journal && 'enabled' in o.journal && o.journal.enabled === false)) journal = undefined;
  else if (o.journal && 'settle' in o.journal) journal = o.journal;
  else journal = { capacity: checkNumber('journal.capacity', (o.journal as { capacity?: number } | undefined)?.capacity ?? DEFAULT_JOURNAL_CAPACITY, { integer: true, min: 1 }) };
  return {
    name,
    clock,
    dedup,
    dlqCapacity: checkNumber('dlq.capacity', o.dlq?.capacity ?? DEFAULT_DLQ_CAPACITY, { integer: true, min: 1 }),
    journal,
    tracing: o.tracing !== false && o.tracing?.hops !== false,
    metrics: o.metrics !== false && o.metrics?.enabled !== false,
    maxPayloadBytes: checkNumber('limits.maxPayloadBytes', o.limits?.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, { integer: true, min: 1 }),
    maxPayloadDepth: checkNumber('limits.maxPayloadDepth', o.limits?.maxPayloadDepth ?? DEFAULT_MAX_PAYLOAD_DEPTH, { integer: true, min: 1 }),
    shutdownTimeoutMs: checkNumber('shutdownTimeoutMs', o.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS, { min: 0 }),
    maxCausationDepth: checkNumber('maxCausationDepth', o.maxCausationDepth ?? DEFAULT_MAX_CAUSATION_DEPTH, { integer: true, min: 1 }),
    rateLimit: o.rateLimit,
    auditCapacity: o.audit?.capacity,
    resources: o.resources,
    transport: checkTransport(o.transport),
    health: o.health,
    flags: o.flags,
    context: resolveContext(o, name),
    alerts: resolveAlertOptions(o.alerts, o.health === false),
    logger: checkLogger('logger', o.logger),
    forecast: resolveForecastOptions(o.forecast, o.health === false),
    reflexes: o.reflexes === undefined || o.reflexes.rules instanceof Map ? (o.reflexes as ResolvedReflexPolicy | undefined) : parseReflexPolicy(o.reflexes),
  };
}

function resolveContext(o: NetworkOptions, name: string): ResolvedNetworkOptions['context'] {
  // `health: false` is the quiet network of specs (no timer, no control-plane event): the
  // network's own context is off there too, unless asked for.
  if (o.context === false || (o.context === undefined && o.health === false)) return false;
  checkObject('context', o.context);
  const intervalMs = checkNumber('context.intervalMs', o.context?.intervalMs ?? DEFAULT_CONTEXT_INTERVAL_MS, { above: 0 });
  const publisher = o.context?.publisher ?? name;
  if (typeof publisher !== 'string' || publisher === '') throw new InvalidOptionsError('context.publisher', 'must be a non-empty string', publisher);
  return { intervalMs, publisher };
}

function checkTransport(t: unknown): Transport | undefined {
  if (t === undefined) return undefined;
  if (typeof t !== 'object' || t === null || typeof (t as Transport).bind !== 'function' || typeof (t as Transport).kind !== 'string') {
    throw new InvalidOptionsError('transport', 'must be a transport, e.g. createNatsTransport({ servers })', t);
  }
  return t as Transport;
}

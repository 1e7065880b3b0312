import type { BreakerOptions } from '../resilience/breaker/options.ts';
import type { RetryOptions } from '../resilience/retry/options.ts';
import type { RateLimiterSpec } from '../resilience/rate/create.ts';
import type { Signal } from '../signal/signal.ts';
import { optionKeys } from '../util/known-keys.ts';
import type { HandlerContext } from './handler-context.ts';

/**
 * Mailbox partitions of a node.
 * @defaultValue 16
 */
export const DEFAULT_PARTITIONS = 16;

/**
 * Signals a node holds at most (queued plus in flight).
 * @defaultValue 10 000
 */
export const DEFAULT_CAPACITY = 10_000;

/**
 * Fill level at which producers get a pressure warning.
 * @defaultValue 0.8
 */
export const DEFAULT_WARN_AT = 0.8;

/**
 * Fill level at which sends are refused with `backpressure`.
 * @defaultValue 0.95
 */
export const DEFAULT_REJECT_AT = 0.95;

/** A node's work: called once per signal (per attempt), one at a time per partition. */
export type SignalHandler<P = unknown> = (signal: Signal<P>, ctx: HandlerContext) => void | Promise<void>;

/** How a node is built. Only `handle` is required. */
export interface NodeOptions<P = unknown> {
  /** The handler: called once per attempt with the signal and a context. */
  handle: SignalHandler<P>;
  /** Signal types this node takes; others are refused as invalid. Every type when omitted. */
  accepts?: readonly string[];
  /** Mailbox partitions of a node. @defaultValue {@link DEFAULT_PARTITIONS} */
  partitions?: number;
  /** Signals a node holds at most (queued plus in flight). @defaultValue {@link DEFAULT_CAPACITY} */
  capacity?: number;
  /** Partitions handled at once. @defaultValue the partition count */
  concurrency?: number;
  /** Retry settings, or `false` for a single attempt. */
  retry?: RetryOptions | false;
  /** Circuit breaker settings, or `false` for none. A breaker is on by default. */
  breaker?: BreakerOptions | false;
  /** Per-attempt time limit; the handler's `ctx.abortSignal` aborts when it passes. Off by default. */
  timeoutMs?: number;
  /**
   * GRACEFUL_DEGRADE: a reduced handler run while the breaker is open, instead of holding the
   * signal until the breaker lets calls through again.
   */
  degrade?: SignalHandler<P>;
  /**
   * FALLBACK: run when the retries are used up, instead of dead-lettering. If it fails too, the
   * signal goes to the dead letter queue with the fallback's error.
   */
  fallback?: SignalHandler<P>;
  /**
   * A rate limit for this node (signals over it wait in their partition; nothing is refused).
   * Combined with the network's limit.
   */
  rateLimit?: RateLimiterSpec;
  /** A rate limit per key, the key taken from a header (for example a user id). */
  rateLimitPerKey?: {
    /** The header that holds the key. */
    header: string;
    /** The limit of each key. */
    limiter: RateLimiterSpec;
    /** Most keys tracked at once. @defaultValue `DEFAULT_MAX_KEYS` (plexus/resilience) */
    maxKeys?: number;
    /** A key unused this long is forgotten (ms). @defaultValue `DEFAULT_KEY_IDLE_MS` (plexus/resilience) */
    idleMs?: number;
  };
  /** Flow control watermarks (fill levels 0..1). */
  flowControl?: {
    /** Fill from which `pressure` events warn. @defaultValue 0.8 */
    warnAt?: number;
    /** Fill from which new signals are refused (`backpressure`). @defaultValue 0.95 */
    rejectAt?: number;
  };
  /**
   * Reflex rules whose signals this node receives (`breakerPressure`, `nodePressure`): a
   * `reflex.<kind>` signal with `{ kind, level, value, source }` each time the rule acts
   * (see the network option `reflexes`).
   */
  reflexes?: readonly string[];
}

/** The keys of {@link NodeOptions} (a compile error until a new option is listed). */
export const NODE_OPTION_KEYS = optionKeys<NodeOptions>()([
  'handle',
  'accepts',
  'partitions',
  'capacity',
  'concurrency',
  'retry',
  'breaker',
  'timeoutMs',
  'degrade',
  'fallback',
  'rateLimit',
  'rateLimitPerKey',
  'flowControl',
  'reflexes',
]);
/** The keys of a node's `rateLimitPerKey`. */
export const RATE_LIMIT_PER_KEY_KEYS = optionKeys<NonNullable<NodeOptions['rateLimitPerKey']>>()(['header', 'limiter', 'maxKeys', 'idleMs']);
/** The keys of a node's `flowControl`. */
export const FLOW_CONTROL_KEYS = optionKeys<NonNullable<NodeOptions['flowControl']>>()(['warnAt', 'rejectAt']);

import type { DeadLetter } from '../delivery/dead-letter-queue.ts';
import type { DedupScope } from '../delivery/dedup-scope.ts';
import type { Journal } from '../delivery/journal.ts';
import type { Receipt } from './receipt.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { CircuitBreaker } from '../resilience/breaker/breaker.ts';
import type { ClassifiedError, ErrorContext } from '../resilience/classify/categories.ts';
import type { RecoveryStrategy } from '../resilience/classify/recovery.ts';
import type { CombinedRateLimiter } from '../resilience/rate/combined.ts';
import type { RetryPolicy } from '../resilience/retry/policy.ts';
import type { SchemaRegistry } from '../signal/schema-registry.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import type { SignalHandler } from './node-options.ts';

/** What a node needs from its network. */
export interface NodeHost {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly schemas: SchemaRegistry;
  readonly journal: Journal;
  readonly tracing: boolean;
  readonly metrics: boolean;
  emitFrom(node: string, parent: Signal, target: string, draft: SignalDraft): Receipt;
  deadLetter(entry: DeadLetter): void;
  /** Classifies a failure (and records it in the audit log). */
  classify(error: unknown, context: ErrorContext): ClassifiedError;
  /** A recovery strategy ran for a signal of `node`. */
  recovered(node: string, strategy: RecoveryStrategy, succeeded: boolean, error: ClassifiedError | undefined, attempts: number, detail: string): void;
  /** One accepted signal reached its end (completed or dead-lettered). */
  settled(): void;
  /** The pressure level of `node` changed (the network publishes it into its context). */
  readonly pressureChanged?: ((node: string) => void) | undefined;
}

/** The settled shape of a node's configuration. */
export interface NodeConfig {
  readonly name: string;
  /** The handlers: replaced by traced ones when the application traces with OpenTelemetry (traced-handler.ts). */
  handle: SignalHandler;
  degrade: SignalHandler | undefined;
  fallback: SignalHandler | undefined;
  /** Network, node and per-key rate limits combined. */
  readonly limiter: CombinedRateLimiter | undefined;
  /** Header whose value is the per-key rate limit key. */
  readonly limitKeyHeader: string | undefined;
  readonly accepts: ReadonlySet<string> | undefined;
  readonly partitions: number;
  readonly capacity: number;
  concurrency: number;
  readonly retry: RetryPolicy | undefined;
  readonly breaker: CircuitBreaker | undefined;
  timeoutMs: number | undefined;
  readonly warnAt: number;
  readonly rejectAt: number;
  readonly dedup: DedupScope | undefined;
}

/** `offer` result: the idempotency key was seen within the window. */
export const OFFER_DUPLICATE = -1;
/** `offer` result: the mailbox is too full. */
export const OFFER_BACKPRESSURE = -2;

import type { EventHub } from '../observe/event-hub.ts';
import type { AuditLog } from '../resilience/classify/audit-log.ts';
import type { ErrorClassifier } from '../resilience/classify/classifier.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { ProtectedCallOptions, ProtectorOptions, ProtectorSettings } from '../resilience/protector/options.ts';
import { Protector } from '../resilience/protector/protector.ts';
import type { RateLimiter } from '../resilience/rate/types.ts';
import type { ResourceGuard } from '../resilience/isolation/resource-guard.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import { checkKnownKeys } from '../resilience/validate.ts';

/** How a protected operation is set up (`network.operation(name, options)`); all optional. */
export type OperationOptions = Omit<ProtectorOptions, 'name' | 'clock' | 'isShuttingDown' | 'classifier' | 'auditLog'>;

/** The keys of {@link OperationOptions} (a compile error until a new option is listed). */
export const OPERATION_OPTION_KEYS = optionKeys<OperationOptions>()(['rateLimits', 'rateLimitWaitMs', 'resource', 'bulkhead', 'breaker', 'retry', 'timeoutMs']);

/** What the operations share with their network. */
export interface OperationsHost {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly classifier: ErrorClassifier;
  readonly audit: AuditLog;
  readonly networkLimiter: RateLimiter | undefined;
  /** The network's heap guard, used by operations that set none of their own. */
  readonly guard: ResourceGuard | undefined;
  isShuttingDown(): boolean;
  countRecovery(name: string, strategy: string, succeeded: boolean): void;
}

/**
 * The protected operations of a network: one Protector per operation name, built on first use
 * (or by `define`), sharing the network's clock, shutdown state, network-wide rate limit,
 * classifier, audit log and event stream.
 */
export class Operations {
  readonly #host: OperationsHost;
  readonly #protectors = new Map<string, Protector>();

  constructor(host: OperationsHost) {
    this.#host = host;
  }

  /** Sets an operation up; throws InvalidOptionsError on bad options or a name already in use. */
  define(name: string, options: OperationOptions = {}): Protector {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidOptionsError('operation', 'needs a non-empty name', name);
    if (this.#protectors.has(name)) throw new InvalidOptionsError('operation', `${JSON.stringify(name)} is already set up (use configure to change it)`, name);
    // The network sets the protector's name, clock and the rest: an operation names none of them.
    checkKnownKeys(name, options, OPERATION_OPTION_KEYS);
    const host = this.#host;
    const rateLimits = { ...(options.rateLimits ?? {}) };
    if (host.networkLimiter !== undefined && rateLimits.network === undefined) rateLimits.network = host.networkLimiter;
    const protector = new Protector({
      ...options,
      ...(options.resource === undefined && host.guard !== undefined ? { resource: host.guard } : {}),
      rateLimits,
      name,
      clock: host.clock,
      isShuttingDown: () => host.isShuttingDown(),
      classifier: host.classifier,
      auditLog: host.audit,
    });
    protector.onEvent((e) => {
      if (e.kind === 'recovery') host.countRecovery(name, e.strategy, e.succeeded);
      if (host.hub.observed) host.hub.emit(e);
    });
    this.#protectors.set(name, protector);
    return protector;
  }

  /** Runs `fn` through the operation's chain (defining it with defaults on first use). */
  run<T>(name: string, fn: (signal: AbortSignal) => Promise<T> | T, options?: ProtectedCallOptions<T>): Promise<T> {
    const protector = this.#protectors.get(name) ?? this.define(name);
    return protector.execute(fn, options);
  }

  get(name: string): Protector | undefined {
    return this.#protectors.get(name);
  }

  protectors(): IterableIterator<Protector> {
    return this.#protectors.values();
  }

  names(): string[] {
    return [...this.#protectors.keys()];
  }

  configure(name: string, settings: ProtectorSettings): void {
    const protector = this.#protectors.get(name);
    if (protector === undefined) throw new InvalidOptionsError('configure', `no node or operation named ${JSON.stringify(name)}`, name);
    protector.configure(settings);
  }

  dispose(): void {
    for (const p of this.#protectors.values()) p.dispose();
  }
}

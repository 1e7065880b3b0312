/**
 * One protected pipeline for any async operation. Outer to inner:
 * shutdown check → rate limits → resource guard → bulkhead → breaker → retry → timeout per
 * attempt. The breaker sits outside the retry so that it sees one outcome per operation (a
 * call that succeeds on its second attempt is not a breaker failure), and cheap refusals come
 * first so that a refused call costs no permit, no probe and no heap reading.
 */
import type { Observable } from 'rxjs';
import { systemClock, type Clock } from '../../util/clock.ts';
import { toErrorInfo } from '../../util/errors.ts';
import type { CircuitBreaker, BreakerCall } from '../breaker/breaker.ts';
import { resolveBreakerOptions } from '../breaker/options.ts';
import { AuditLog } from '../classify/audit-log.ts';
import { ErrorCategory, type ClassifiedError, type ErrorContext } from '../classify/categories.ts';
import { ErrorClassifier } from '../classify/classifier.ts';
import { RecoveryStrategy, type RecoveryRecord } from '../classify/recovery.ts';
import { Emitter, type DisposableHandle } from '../emitter.ts';
import { InvalidOptionsError, isBreakerOpenError, isBulkheadFullError, isResourceExhaustedError, isShuttingDownError, isTimeoutError, RateLimitedError, ShuttingDownError } from '../errors.ts';
import type { RefusalReason, ResilienceEvent } from '../events.ts';
import type { Bulkhead, Permit } from '../isolation/bulkhead.ts';
import type { ResourceGuard } from '../isolation/resource-guard.ts';
import { DEFAULT_TIMEOUT_MS, withTimeout } from '../isolation/timeout.ts';
import type { CombinedRateLimiter } from '../rate/combined.ts';
import { resolveRetryOptions } from '../retry/options.ts';
import type { RetryAttempt, RetryPolicy } from '../retry/policy.ts';
import { checkFunction, checkKnownKeys, checkNumber } from '../validate.ts';
import { buildSafeguards } from './build.ts';
import {
  DEFAULT_PROTECTOR_NAME,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  PROTECTED_CALL_OPTION_KEYS,
  PROTECTOR_OPTION_KEYS,
  PROTECTOR_SETTING_KEYS,
  type ProtectedCallOptions,
  type ProtectorMetrics,
  type ProtectorOptions,
  type ProtectorSettings,
} from './options.ts';

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

type Counters = { -readonly [K in keyof ProtectorMetrics]: number };

/** Runs operations through every configured safeguard; see the module comment for the order. */
export class Protector implements DisposableHandle {
  /** The operation name. */
  readonly name: string;
  /** The safeguards (undefined when not configured). */
  readonly breaker: CircuitBreaker | undefined;
  /** Its retry policy, if on. */
  readonly retryPolicy: RetryPolicy | undefined;
  /** Its rate limit layers, if any. */
  readonly limiter: CombinedRateLimiter | undefined;
  /** Its bulkhead, if any. */
  readonly bulkhead: Bulkhead | undefined;
  /** Its resource guard, if any. */
  readonly resourceGuard: ResourceGuard | undefined;
  /** The classifier of its failures. */
  readonly classifier: ErrorClassifier;
  /** Where its errors and recoveries are recorded. */
  readonly auditLog: AuditLog;
  readonly #clock: Clock;
  readonly #isShuttingDown: (() => boolean) | undefined;
  readonly #ownsBreaker: boolean;
  readonly #breakerSub: DisposableHandle | undefined;
  #timeoutMs: number;
  #rateLimitWaitMs: number;
  readonly #events = new Emitter<ResilienceEvent>();
  readonly #counters: Counters = { calls: 0, succeeded: 0, failed: 0, inFlight: 0, rateLimited: 0, refused: 0, breakerRejected: 0, retries: 0, timeouts: 0, fallbacks: 0, degraded: 0 };
  #disposed = false;

  constructor(options: ProtectorOptions = {}) {
    checkKnownKeys('', options, PROTECTOR_OPTION_KEYS);
    this.name = options.name ?? DEFAULT_PROTECTOR_NAME;
    this.#clock = options.clock ?? systemClock;
    this.#isShuttingDown = options.isShuttingDown === undefined ? undefined : checkFunction('isShuttingDown', options.isShuttingDown);
    this.#timeoutMs = checkNumber('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, { above: 0, allowInfinity: true });
    this.#rateLimitWaitMs = checkNumber('rateLimitWaitMs', options.rateLimitWaitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, { min: 0, allowInfinity: true });
    const s = buildSafeguards(options, this.name, this.#clock);
    this.breaker = s.breaker;
    this.retryPolicy = s.retry;
    this.limiter = s.limiter;
    this.bulkhead = s.bulkhead;
    this.resourceGuard = s.guard;
    this.#ownsBreaker = s.ownsBreaker;
    this.classifier = options.classifier ?? new ErrorClassifier({ clock: this.#clock });
    this.auditLog = options.auditLog ?? new AuditLog();
    this.#breakerSub = this.breaker?.onStateChange((t) => {
      if (this.#events.observed) this.#events.emit(t);
      if (t.to === 'open') this.#recovery(RecoveryStrategy.CIRCUIT_BREAK, true, undefined, 0, `breaker ${t.name} opened (${t.from} → open)`);
    });
  }

  /** Every resilience event of this protector. */
  get events$(): Observable<ResilienceEvent> {
    return this.#events.observable;
  }
  /** Calls `listener` with every resilience event. */
  onEvent(listener: (event: ResilienceEvent) => void): DisposableHandle {
    return this.#events.on(listener);
  }
  /** A copy of the counters. */
  metrics(): ProtectorMetrics {
    return { ...this.#counters };
  }
  /** The last `n` recoveries, oldest first. */
  recoveryHistory(n?: number): RecoveryRecord[] {
    return this.auditLog.recoveries(n).filter((r) => r.name === this.name);
  }

  /** Runs `fn` through the pipeline. Final failures are classified, audited, and recovered from when a fallback/degrade is given. */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T> | T, options: ProtectedCallOptions<T> = {}): Promise<T> {
    // A misspelt `key` would skip the per-key limit. Refused before the call counts.
    checkKnownKeys('call', options, PROTECTED_CALL_OPTION_KEYS);
    const m = this.#counters;
    m.calls++;
    m.inFlight++;
    const { key, signal } = options;
    let permit: Permit | undefined;
    let call: BreakerCall | undefined;
    let attempts = 0;
    try {
      if (this.#isShuttingDown?.() === true) throw new ShuttingDownError(this.name);
      if (this.limiter !== undefined) await this.#rateLimit(key, signal);
      this.resourceGuard?.check();
      if (this.bulkhead !== undefined) permit = await this.bulkhead.acquire({ signal });
      call = this.breaker?.begin();
      const timeoutMs = this.#timeoutMs;
      const attempt = (a: RetryAttempt): Promise<T> | T => {
        attempts = a.attempt;
        if (timeoutMs === Infinity) return fn(a.signal);
        return withTimeout(fn, timeoutMs, { clock: this.#clock, signal: a.signal }).catch((e: unknown) => {
          if (isTimeoutError(e)) m.timeouts++;
          throw e;
        });
      };
      const result =
        this.retryPolicy === undefined
          ? await attempt({ attempt: 1, signal: signal ?? NEVER_ABORTED })
          : await this.retryPolicy.execute(attempt, { clock: this.#clock, ...(signal === undefined ? {} : { signal }), onRetry: (n) => this.#onRetry(n.attempt, n.delayMs, n.error) });
      call?.success();
      if (attempts > 1) this.#recovery(RecoveryStrategy.RETRY, true, undefined, attempts, `succeeded on attempt ${attempts}`);
      m.succeeded++;
      return result;
    } catch (error) {
      if (call !== undefined) {
        // A cancelled call or bad input says nothing about the health of what the breaker guards.
        if (signal?.aborted === true || this.classifier.categorize(error).category === ErrorCategory.VALIDATION) call.release();
        else call.failure(error);
      }
      return await this.#fail(error, options, attempts);
    } finally {
      call?.release();
      permit?.release();
      m.inFlight--;
    }
  }

  /** Changes safeguards at run time. Every part is validated before any is applied; in-flight calls keep running. */
  configure(settings: ProtectorSettings): void {
    checkKnownKeys('', settings, PROTECTOR_SETTING_KEYS);
    const need = (part: string, present: unknown): void => {
      if (present === undefined) throw new InvalidOptionsError(part, 'this safeguard was not enabled at construction', settings[part as keyof ProtectorSettings]);
    };
    if (settings.breaker !== undefined) {
      need('breaker', this.breaker);
      resolveBreakerOptions(settings.breaker, this.breaker!.options);
    }
    if (settings.retry !== undefined) {
      need('retry', this.retryPolicy);
      resolveRetryOptions(settings.retry, this.retryPolicy!.options);
    }
    if (settings.rateLimits !== undefined) {
      need('rateLimits', this.limiter);
      this.limiter!.checkOptions(settings.rateLimits);
    }
    if (settings.bulkhead !== undefined) {
      need('bulkhead', this.bulkhead);
      this.bulkhead!.checkOptions(settings.bulkhead);
    }
    if (settings.resource !== undefined) {
      need('resource', this.resourceGuard);
      this.resourceGuard!.checkOptions(settings.resource);
    }
    if (settings.timeoutMs !== undefined) checkNumber('timeoutMs', settings.timeoutMs, { above: 0, allowInfinity: true });
    if (settings.rateLimitWaitMs !== undefined) checkNumber('rateLimitWaitMs', settings.rateLimitWaitMs, { min: 0, allowInfinity: true });
    if (settings.breaker !== undefined) this.breaker!.configure(settings.breaker);
    if (settings.retry !== undefined) this.retryPolicy!.configure(settings.retry);
    if (settings.rateLimits !== undefined) this.limiter!.configure(settings.rateLimits);
    if (settings.bulkhead !== undefined) this.bulkhead!.configure(settings.bulkhead);
    if (settings.resource !== undefined) this.resourceGuard!.configure(settings.resource);
    if (settings.timeoutMs !== undefined) this.#timeoutMs = settings.timeoutMs;
    if (settings.rateLimitWaitMs !== undefined) this.#rateLimitWaitMs = settings.rateLimitWaitMs;
  }

  /** Stops listening to the breaker (disposing it when the protector built it) and completes `events$`. Safe twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#breakerSub?.dispose();
    if (this.#ownsBreaker) this.breaker?.dispose();
    this.#events.complete();
  }
  /** Same as {@link Protector.dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  async #rateLimit(key: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const limiter = this.limiter!;
    try {
      if (this.#rateLimitWaitMs > 0) {
        await limiter.acquire({ key, timeoutMs: this.#rateLimitWaitMs, ...(signal === undefined ? {} : { signal }) });
        return;
      }
      const d = limiter.tryAcquire(1, key);
      if (!d.allowed) throw new RateLimitedError(limiter.name, d.retryAfterMs, { key });
    } catch (e) {
      if (e instanceof RateLimitedError) {
        this.#counters.rateLimited++;
        if (this.#events.observed) this.#events.emit({ kind: 'rate-limited', at: this.#clock.now(), name: this.name, key, retryAfterMs: e.retryAfterMs });
      }
      throw e;
    }
  }

  #onRetry(attempt: number, delayMs: number, error: unknown): void {
    this.#counters.retries++;
    if (this.#events.observed) this.#events.emit({ kind: 'retry', at: this.#clock.now(), name: this.name, attempt, delayMs, error: toErrorInfo(error) });
  }

  async #fail<T>(error: unknown, options: ProtectedCallOptions<T>, attempts: number): Promise<T> {
    const context: ErrorContext = { operation: this.name, attempts, ...(options.key === undefined ? {} : { key: options.key }), ...options.context };
    const classified = this.classifier.classify(error, context);
    this.auditLog.recordError(classified);
    const refusal = refusalReason(error);
    if (refusal === 'breaker-open') this.#counters.breakerRejected++;
    else if (refusal !== undefined) this.#counters.refused++;
    if (refusal !== undefined && this.#events.observed) this.#events.emit({ kind: 'refused', at: this.#clock.now(), name: this.name, reason: refusal, error: classified.error });
    if (attempts > 1) this.#recovery(RecoveryStrategy.RETRY, false, classified, attempts, `all ${attempts} attempts failed`);
    const signal = options.signal ?? NEVER_ABORTED;
    if (!signal.aborted) {
      if (refusal === 'breaker-open' && options.degrade !== undefined) {
        return this.#recover(RecoveryStrategy.GRACEFUL_DEGRADE, classified, attempts, () => options.degrade!(signal));
      }
      const fb = options.fallback;
      if (fb !== undefined) {
        return this.#recover(RecoveryStrategy.FALLBACK, classified, attempts, () => ('value' in fb ? fb.value : fb.handler(error, signal)));
      }
    }
    this.#counters.failed++;
    if (this.#events.observed) this.#events.emit({ kind: 'operation-failed', at: this.#clock.now(), name: this.name, error: classified, attempts });
    throw error;
  }

  async #recover<T>(strategy: RecoveryStrategy, classified: ClassifiedError, attempts: number, run: () => Promise<T> | T): Promise<T> {
    try {
      const value = await run();
      if (strategy === RecoveryStrategy.FALLBACK) this.#counters.fallbacks++;
      else this.#counters.degraded++;
      this.#recovery(strategy, true, classified, attempts, `${strategy.toLowerCase()} served the call after ${classified.error.code}`);
      return value;
    } catch (e) {
      this.#counters.failed++;
      this.#recovery(strategy, false, classified, attempts, `${strategy.toLowerCase()} failed: ${toErrorInfo(e).message}`);
      this.auditLog.recordError(this.classifier.classify(e, { operation: this.name, recoveryOf: classified.id }));
      throw e; // the fallback's own failure is the news; the original is in the audit log
    }
  }

  #recovery(strategy: RecoveryStrategy, succeeded: boolean, classified: ClassifiedError | undefined, attempts: number, detail: string): void {
    const at = this.#clock.now();
    const rec: RecoveryRecord = { strategy, succeeded, name: this.name, errorId: classified?.id, category: classified?.category, attempts, detail, at };
    this.auditLog.recordRecovery(rec);
    if (this.#events.observed) this.#events.emit({ kind: 'recovery', at, name: this.name, strategy, succeeded, errorId: rec.errorId, attempts });
  }
}

function refusalReason(e: unknown): RefusalReason | undefined {
  if (isBreakerOpenError(e)) return 'breaker-open';
  if (isBulkheadFullError(e)) return 'bulkhead-full';
  if (isResourceExhaustedError(e)) return 'resource-exhausted';
  if (isShuttingDownError(e)) return 'shutting-down';
  return undefined;
}

/** Creates a {@link Protector}. */
export function createProtector(options: ProtectorOptions = {}): Protector {
  return new Protector(options);
}

import { expect } from 'chai';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { createProtector, type Protector } from '../../lib/resilience/protector/protector.ts';
import type { ProtectorOptions } from '../../lib/resilience/protector/options.ts';
import type { ResilienceEvent } from '../../lib/resilience/events.ts';
import { TokenBucket } from '../../lib/resilience/rate/token-bucket.ts';
import {
  isBreakerOpenError,
  isBulkheadFullError,
  isInvalidOptionsError,
  isRateLimitedError,
  isResourceExhaustedError,
  isShuttingDownError,
  isTimeoutError,
  InvalidOptionsError,
} from '../../lib/resilience/errors.ts';
import { DEFAULT_OPERATION_RESET_TIMEOUT_MS } from '../../lib/resilience/breaker/options.ts';

function setup(options: ProtectorOptions = {}) {
  const clock = new VirtualClock();
  const p = createProtector({ name: 'fetch', clock, retry: { jitterMode: 'none' }, ...options });
  const events: ResilienceEvent[] = [];
  p.onEvent((e) => events.push(e));
  const kinds = (): string[] => events.map((e) => (e.kind === 'recovery' ? `recovery:${e.strategy}` : e.kind === 'breaker' ? `breaker:${e.to}` : e.kind));
  return { clock, p, events, kinds };
}

const netError = (): Error => Object.assign(new Error('reset'), { code: 'ECONNRESET' });
const settle = <T>(p: Promise<T>): Promise<T | unknown> => p.catch((e: unknown) => e);

describe('resilience/Protector (end to end on virtual time)', () => {
  let p: Protector | undefined;
  afterEach(() => p?.dispose());

  it('retries inside the breaker: the breaker sees one success for an operation that succeeded on attempt 3', async () => {
    const s = setup();
    p = s.p;
    let n = 0;
    const run = s.p.execute(async () => {
      if (++n < 3) throw netError();
      return 'data';
    });
    await s.clock.advance(300); // 100 + 200 ms backoff
    expect(await run).to.equal('data');
    expect(s.p.breaker!.health()).to.deep.include({ failureCount: 0, successCount: 1 });
    expect(s.kinds()).to.deep.equal(['retry', 'retry', 'recovery:retry']);
    expect(s.p.metrics()).to.deep.include({ calls: 1, succeeded: 1, retries: 2, inFlight: 0 });
    expect(s.p.recoveryHistory().map((r) => r.detail)).to.deep.equal(['succeeded on attempt 3']);
  });

  it('times out each attempt (aborting its signal), retries, then fails once for the breaker, classified and audited', async () => {
    const s = setup({ timeoutMs: 100 });
    p = s.p;
    const aborted: boolean[] = [];
    const run = settle(s.p.execute((signal) => new Promise<never>(() => signal.addEventListener('abort', () => aborted.push(true)))));
    await s.clock.advance(100 + 100 + 100 + 200 + 100 - 1);
    expect(aborted).to.have.length(2);
    await s.clock.advance(1);
    const err = await run;
    expect(isTimeoutError(err)).to.equal(true);
    expect(aborted).to.have.length(3);
    expect(s.p.metrics()).to.deep.include({ timeouts: 3, failed: 1, retries: 2 });
    expect(s.p.breaker!.failureCount).to.equal(1);
    const [audited] = s.p.auditLog.byCategory('timeout');
    expect(audited!.context).to.deep.include({ operation: 'fetch', attempts: 3 });
    expect(s.kinds()).to.deep.equal(['retry', 'retry', 'recovery:retry', 'operation-failed']);
  });

  it('opens the breaker after N failed operations (default 60 s reset for operations), then degrades gracefully', async () => {
    const s = setup({ retry: false, breaker: { failureThreshold: 2 } });
    p = s.p;
    for (let i = 0; i < 2; i++) await settle(s.p.execute(() => Promise.reject(netError())));
    expect(s.p.breaker!.state).to.equal('open');
    expect(s.p.breaker!.name).to.equal('op:fetch');
    const refused = await settle(s.p.execute(async () => 'never'));
    expect(isBreakerOpenError(refused)).to.equal(true);
    expect((refused as { retryAfterMs: number }).retryAfterMs).to.equal(DEFAULT_OPERATION_RESET_TIMEOUT_MS);
    const degraded = await s.p.execute(async () => 'full', { degrade: () => 'cached' });
    expect(degraded).to.equal('cached');
    expect(s.kinds()).to.include.members(['breaker:open', 'recovery:circuit-break', 'refused', 'recovery:graceful-degrade']);
    await s.clock.advance(DEFAULT_OPERATION_RESET_TIMEOUT_MS);
    expect(s.p.breaker!.state).to.equal('half-open');
    expect(await s.p.execute(async () => 1)).to.equal(1);
    expect(await s.p.execute(async () => 2)).to.equal(2);
    expect(s.p.breaker!.state).to.equal('closed');
    expect(s.p.metrics()).to.deep.include({ breakerRejected: 2, degraded: 1 });
  });

  it('applies a fallback value or handler on final failure', async () => {
    const s = setup({ retry: { maxAttempts: 1 } });
    p = s.p;
    expect(await s.p.execute(() => Promise.reject(netError()), { fallback: { value: 'default' } })).to.equal('default');
    expect(await s.p.execute(() => Promise.reject(netError()), { fallback: { handler: (e) => `handled ${(e as Error).message}` } })).to.equal('handled reset');
    expect(s.p.recoveryHistory().map((r) => `${r.strategy}:${r.succeeded}`)).to.deep.equal(['fallback:true', 'fallback:true']);
    expect(s.p.auditLog.byCategory('network')).to.have.length(2);
  });

  it('validation errors are neither retried nor counted by the breaker', async () => {
    const s = setup({ breaker: { failureThreshold: 1 } });
    p = s.p;
    let n = 0;
    const err = await settle(
      s.p.execute(() => {
        n++;
        throw new InvalidOptionsError('payload', 'bad');
      }),
    );
    expect(isInvalidOptionsError(err)).to.equal(true);
    expect(n).to.equal(1);
    expect(s.p.breaker!.state).to.equal('closed');
  });

  it('outer stages refuse before inner ones are touched: shutdown → rate → resource → bulkhead → breaker', async () => {
    let shutting = false;
    let heap = 0;
    let heapReads = 0;
    const network = new TokenBucket({ ratePerSec: 1, burst: 100 });
    const readHeap = (): number => {
      heapReads++;
      return heap;
    };
    const s = setup({
      isShuttingDown: () => shutting,
      rateLimits: { network, key: { limiter: { algorithm: 'token-bucket', ratePerSec: 1, burst: 1 } } },
      resource: { maxHeapBytes: 100, sampleIntervalMs: 0, readHeap },
      bulkhead: { maxConcurrent: 1, maxQueue: 0 },
      breaker: { failureThreshold: 1 },
      retry: false,
    });
    p = s.p;
    // network limiter was built on the system clock: only its token count matters here
    shutting = true;
    expect(isShuttingDownError(await settle(s.p.execute(async () => 1)))).to.equal(true);
    expect(Math.round(network.tokens)).to.equal(100);
    shutting = false;
    expect(await s.p.execute(async () => 1, { key: 'u1' })).to.equal(1);
    const limited = await settle(s.p.execute(async () => 1, { key: 'u1' }));
    expect(isRateLimitedError(limited)).to.equal(true);
    expect(heapReads).to.equal(1); // the refused call never reached the resource guard
    heap = 1000;
    expect(isResourceExhaustedError(await settle(s.p.execute(async () => 1, { key: 'u2' })))).to.equal(true);
    expect(s.p.bulkhead!.available).to.equal(1);
    heap = 0;
    let release!: () => void;
    const running = s.p.execute(() => new Promise<number>((r) => (release = () => r(5))), { key: 'u3' });
    await s.clock.advance(0);
    expect(isBulkheadFullError(await settle(s.p.execute(async () => 1, { key: 'u4' })))).to.equal(true);
    release();
    expect(await running).to.equal(5);
    expect(s.p.breaker!.failureCount).to.equal(0); // no refusal reached the breaker
    expect(s.p.metrics()).to.deep.include({ rateLimited: 1, refused: 3 });
    expect(s.kinds()).to.deep.equal(['refused', 'operation-failed', 'rate-limited', 'operation-failed', 'refused', 'operation-failed', 'refused', 'operation-failed']);
    expect(s.p.auditLog.errors().map((e) => e.category)).to.deep.equal(['resource', 'resource', 'resource', 'resource']);
  });

  it('configure() changes breaker, retry, rate limits and permits at run time without losing in-flight work', async () => {
    const s = setup({
      rateLimits: { operation: { algorithm: 'fixed-window', limit: 2, windowMs: 1000 } },
      bulkhead: { maxConcurrent: 2, maxQueue: 0 },
      breaker: { failureThreshold: 5 },
    });
    p = s.p;
    let release!: () => void;
    const inflight = s.p.execute(() => new Promise<string>((r) => (release = () => r('kept'))));
    await s.clock.advance(0);
    s.p.configure({ bulkhead: { maxConcurrent: 1 }, breaker: { failureThreshold: 1 }, retry: { maxAttempts: 1 }, rateLimits: { operation: { limit: 5 } } });
    expect(isBulkheadFullError(await settle(s.p.execute(async () => 1)))).to.equal(true);
    release();
    expect(await inflight).to.equal('kept');
    await settle(s.p.execute(() => Promise.reject(netError())));
    expect(s.p.breaker!.state).to.equal('open'); // new threshold 1, one attempt only
    expect(s.p.metrics().retries).to.equal(0);
    // 3 permits used in this window (the bulkhead-refused call passed the outer rate limit): 5 - 3 = 2 left
    expect(s.p.limiter!.check(2).allowed).to.equal(true);
    expect(s.p.limiter!.check(3).allowed).to.equal(false);
    // an invalid part rejects the whole change
    expect(() => s.p.configure({ retry: { maxAttempts: 9 }, bulkhead: { maxConcurrent: 0 } })).to.throw(/bulkhead.maxConcurrent/);
    expect(s.p.retryPolicy!.options.maxAttempts).to.equal(1);
    expect(() => s.p.configure({ resource: { maxHeapBytes: 1 } })).to.throw(/not enabled/);
  });

  it('waits for rate permits when rateLimitWaitMs > 0, and a caller abort is not a breaker failure', async () => {
    const s = setup({ rateLimits: { node: { algorithm: 'token-bucket', ratePerSec: 10, burst: 1 } }, rateLimitWaitMs: 500, breaker: { failureThreshold: 1 } });
    p = s.p;
    await s.p.execute(async () => 1);
    let done = false;
    const waiting = s.p
      .execute(async () => 2)
      .then((v) => {
        done = true;
        return v;
      });
    await s.clock.advance(99);
    expect(done).to.equal(false);
    await s.clock.advance(1);
    expect(await waiting).to.equal(2);
    const ac = new AbortController();
    const cancelled = settle(s.p.execute((signal) => new Promise<never>((_, rej) => signal.addEventListener('abort', () => rej(signal.reason))), { signal: ac.signal }));
    await s.clock.advance(100);
    ac.abort(new Error('user cancelled'));
    expect(((await cancelled) as Error).message).to.equal('user cancelled');
    expect(s.p.breaker!.state).to.equal('closed');
  });

  it('events$ is an Observable; dispose is safe twice and completes it', () => {
    const s = setup();
    let completed = false;
    s.p.events$.subscribe({ complete: () => (completed = true) });
    s.p.dispose();
    s.p.dispose();
    expect(completed).to.equal(true);
    expect(() => createProtector({ timeoutMs: 0 })).to.throw(/timeoutMs/);
  });
});

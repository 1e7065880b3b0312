import { expect } from 'chai';
import fc from 'fast-check';
import { VirtualClock, flushMicrotasks } from '../../lib/testing/virtual-clock.ts';
import { Bulkhead, createBulkhead } from '../../lib/resilience/isolation/bulkhead.ts';
import { ResourceGuard } from '../../lib/resilience/isolation/resource-guard.ts';
import { withTimeout } from '../../lib/resilience/isolation/timeout.ts';
import { isBulkheadFullError, isResourceExhaustedError, isTimeoutError } from '../../lib/resilience/errors.ts';

describe('resilience/Bulkhead', () => {
  it('grants maxConcurrent permits, queues up to maxQueue, then rejects with BulkheadFullError', async () => {
    const b = new Bulkhead('db', { maxConcurrent: 2, maxQueue: 1 }, new VirtualClock());
    const p1 = b.tryAcquire()!;
    const p2 = await b.acquire();
    expect(b.tryAcquire()).to.equal(undefined);
    const waiting = b.acquire();
    expect(b.queued).to.equal(1);
    const err = await b.acquire().catch((e: unknown) => e);
    expect(isBulkheadFullError(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal('PLEXUS_BULKHEAD_FULL');
    p1.release();
    p1.release(); // idempotent: must not free a second slot
    const p3 = await waiting;
    expect(b.active).to.equal(2);
    expect(b.available).to.equal(0);
    p2.release();
    p3[Symbol.dispose]();
    expect(b.available).to.equal(2);
  });

  it('queue wait times out on the clock and frees its queue slot', async () => {
    const clock = new VirtualClock();
    const b = new Bulkhead('db', { maxConcurrent: 1, maxQueue: 1 }, clock);
    const held = b.tryAcquire()!;
    const w = b.acquire({ timeoutMs: 100 }).catch((e: unknown) => e);
    await clock.advance(100);
    const err = await w;
    expect(isBulkheadFullError(err) && err.reason).to.equal('queue-timeout');
    expect(b.queued).to.equal(0);
    held.release();
    expect(b.available).to.equal(1);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('an aborted waiter leaves the queue and is skipped', async () => {
    const b = new Bulkhead('db', { maxConcurrent: 1, maxQueue: 5 }, new VirtualClock());
    const held = b.tryAcquire()!;
    const ac = new AbortController();
    const aborted = b.acquire({ signal: ac.signal }).catch((e: Error) => e.message);
    const next = b.acquire();
    ac.abort(new Error('cancelled'));
    expect(await aborted).to.equal('cancelled');
    expect(b.queued).to.equal(1);
    held.release();
    (await next).release();
    expect(b.available).to.equal(1);
  });

  it('execute releases on success and on failure; configure raises the limit for waiters', async () => {
    const b = createBulkhead({ maxConcurrent: 1 });
    expect(await b.execute(() => 7)).to.equal(7);
    await b.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    expect(b.available).to.equal(1);
    const held = b.tryAcquire()!;
    const waiting = b.acquire();
    b.configure({ maxConcurrent: 2 });
    (await waiting).release();
    held.release();
    expect(b.available).to.equal(2);
    expect(() => b.configure({ maxQueue: -1 })).to.throw(/bulkhead.maxQueue/);
  });

  it('property: random successes, failures, timeouts and cancellations never leak a permit', async () => {
    const action = fc.record({
      kind: fc.constantFrom('success', 'failure', 'timeout', 'cancel', 'queue-timeout'),
      duration: fc.integer({ min: 0, max: 50 }),
      startAt: fc.integer({ min: 0, max: 100 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5 }), async (actions, maxConcurrent, maxQueue) => {
        const clock = new VirtualClock();
        const b = new Bulkhead('p', { maxConcurrent, maxQueue }, clock);
        let maxSeen = 0;
        const runs = actions.map(async (a) => {
          await new Promise<void>((r) => clock.setTimeout(r, a.startAt));
          const ac = new AbortController();
          if (a.kind === 'cancel') clock.setTimeout(() => ac.abort(new Error('cancel')), a.duration / 2);
          const work = (signal: AbortSignal): Promise<void> =>
            new Promise<void>((resolve, reject) => {
              maxSeen = Math.max(maxSeen, b.active);
              const t = clock.setTimeout(() => (a.kind === 'failure' ? reject(new Error('fail')) : resolve()), a.duration);
              signal.addEventListener('abort', () => {
                clock.clearTimeout(t);
                reject(signal.reason);
              });
            });
          await b
            .execute((s) => withTimeout(work, a.kind === 'timeout' ? a.duration / 2 + 1 : Infinity, { clock, ...(s === undefined ? {} : { signal: s }) }), {
              signal: ac.signal,
              timeoutMs: a.kind === 'queue-timeout' ? 5 : undefined,
            })
            .catch(() => undefined);
        });
        await clock.runAll();
        await Promise.all(runs);
        expect(b.active).to.equal(0);
        expect(b.available).to.equal(maxConcurrent);
        expect(b.queued).to.equal(0);
        expect(maxSeen).to.be.at.most(maxConcurrent);
      }),
      { numRuns: 150 },
    );
  });
});

describe('resilience/withTimeout', () => {
  it('rejects with TimeoutError at the limit and aborts the signal given to fn', async () => {
    const clock = new VirtualClock();
    let seen: AbortSignal | undefined;
    const p = withTimeout(
      (signal) => {
        seen = signal;
        return new Promise<never>(() => undefined);
      },
      250,
      { clock },
    ).catch((e: unknown) => e);
    await clock.advance(249);
    expect(seen!.aborted).to.equal(false);
    await clock.advance(1);
    const err = await p;
    expect(isTimeoutError(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal('PLEXUS_TIMEOUT');
    expect(seen!.aborted).to.equal(true);
    expect(isTimeoutError(seen!.reason)).to.equal(true);
  });

  it('resolves in time and clears its timer; forwards the caller abort', async () => {
    const clock = new VirtualClock();
    expect(await withTimeout(async () => 'ok', 100, { clock })).to.equal('ok');
    expect(clock.pendingTimers).to.equal(0);
    const ac = new AbortController();
    let inner: AbortSignal | undefined;
    const hang = (s: AbortSignal): Promise<never> => {
      inner = s;
      return new Promise<never>(() => undefined);
    };
    const p = withTimeout(hang, 1000, { clock, signal: ac.signal }).catch((e: Error) => e.message);
    ac.abort(new Error('caller'));
    expect(await p).to.equal('caller');
    expect(inner!.aborted).to.equal(true);
    expect(clock.pendingTimers).to.equal(0);
    await flushMicrotasks();
  });
});

describe('resilience/ResourceGuard', () => {
  it('refuses above the heap limit, sampling at most every sampleIntervalMs', async () => {
    const clock = new VirtualClock();
    let heap = 100;
    let reads = 0;
    const readHeap = (): number => {
      reads++;
      return heap;
    };
    const g = new ResourceGuard({ maxHeapBytes: 150, sampleIntervalMs: 1000, readHeap }, clock);
    g.check();
    heap = 200;
    g.check(); // still the old sample
    expect(reads).to.equal(1);
    await clock.advance(1000);
    const err = (() => {
      try {
        g.check();
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isResourceExhaustedError(err)).to.equal(true);
    expect(reads).to.equal(2);
    expect(g.refusals).to.equal(1);
    expect(() => new ResourceGuard({ maxHeapBytes: -1 })).to.throw(/resource.maxHeapBytes/);
  });

  it('defaults to the process heap and a limit below the V8 heap limit', () => {
    const g = new ResourceGuard();
    expect(g.allows()).to.equal(true);
    expect(g.heapUsed).to.be.greaterThan(0);
  });
});

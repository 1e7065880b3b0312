import { expect } from 'chai';
import fc from 'fast-check';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { CircuitBreaker } from '../../lib/resilience/breaker/breaker.ts';
import type { BreakerOptions } from '../../lib/resilience/breaker/options.ts';
import type { BreakerSnapshot } from '../../lib/resilience/breaker/types.ts';
import * as errors from '../../lib/resilience/errors.ts';

/** Two breakers on clocks at the same time: `a` records, `b` is restored from `a`'s snapshot. */
async function pair(options: BreakerOptions, startAt = 0) {
  const clockA = new VirtualClock();
  const clockB = new VirtualClock();
  await clockA.advance(startAt);
  await clockB.advance(startAt);
  return { a: new CircuitBreaker('store', options, clockA), b: new CircuitBreaker('store', options, clockB), clockA, clockB };
}

const rate = { failureThreshold: 1000, errorRate: { threshold: 0.5, minimumVolume: 20, windowMs: 10_000, buckets: 10 } };

describe('resilience/CircuitBreaker: persistence and disposal', () => {
  it('restore() keeps the error-rate window: a restored breaker trips on the next failure, as the original does', async () => {
    const { a, b } = await pair(rate, 50_000);
    for (let i = 0; i < 10; i++) a.recordSuccess();
    for (let i = 0; i < 9; i++) a.recordFailure(new Error('boom'));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as BreakerSnapshot;
    b.restore(snap);
    a.recordFailure(new Error('boom'));
    b.recordFailure(new Error('boom'));
    expect(a.state).to.equal('open'); // 10 of 20 calls failed
    expect(b.state, 'restored').to.equal('open');
  });

  it('restored calls leave the window when they would have: no trip on old calls', async () => {
    const { a, b, clockB } = await pair(rate, 50_000);
    for (let i = 0; i < 19; i++) a.recordFailure(new Error('boom'));
    b.restore(a.snapshot());
    await clockB.advance(10_000); // every restored bucket is out of the window now
    b.recordFailure(new Error('boom'));
    expect(b.state).to.equal('closed');
  });

  it('agrees with the breaker it was restored from, for any calls before and after (property)', async () => {
    const call = fc.record({ failed: fc.boolean(), advance: fc.integer({ min: 0, max: 1500 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { maxLength: 40 }), fc.array(call, { maxLength: 30 }), async (before, after) => {
        const { a, b, clockA, clockB } = await pair(rate, 7_777);
        for (const c of before) {
          await clockA.advance(c.advance);
          await clockB.advance(c.advance);
          if (c.failed) a.recordFailure();
          else a.recordSuccess();
        }
        b.restore(JSON.parse(JSON.stringify(a.snapshot())) as BreakerSnapshot);
        for (const c of after) {
          await clockA.advance(c.advance);
          await clockB.advance(c.advance);
          for (const x of [a, b]) {
            if (!x.tryPass()) continue;
            if (c.failed) x.recordFailure();
            else x.recordSuccess();
          }
          expect(b.state).to.equal(a.state);
          expect(b.pressureLevel).to.equal(a.pressureLevel);
        }
        a.dispose();
        b.dispose();
      }),
      { numRuns: 100 },
    );
  });

  it('restore() still takes a version 1 snapshot (no window), and refuses a malformed one naming the field', async () => {
    const { a, b } = await pair(rate);
    const v1 = { version: 1, name: 'store', state: 'closed', isolated: false, openUntil: null, consecutiveFailures: 2, failureCount: 2, successCount: 0, trips: 0, at: 0 } as const;
    b.restore(v1);
    expect(b.consecutiveFailures).to.equal(2);
    const good = a.snapshot();
    const bad = (patch: object) => ({ ...good, ...patch }) as unknown as BreakerSnapshot;
    expect(() => b.restore(bad({ version: 3 })))
      .to.throw(/snapshot\.version/)
      .that.satisfies(errors.isInvalidOptionsError);
    expect(() => b.restore(bad({ failureCount: -1 }))).to.throw(/snapshot\.failureCount/);
    expect(() => b.restore(bad({ errorRateWindow: [{ startedAt: 0, calls: 1, failures: 2 }] }))).to.throw(/errorRateWindow\[0\]\.failures/);
    expect(() => b.restore(bad({ errorRateWindow: 'x' }))).to.throw(/snapshot\.errorRateWindow/);
    expect(b.consecutiveFailures).to.equal(2); // nothing of a refused snapshot was taken
  });

  it('a disposed breaker lets nothing through: tryPass() false, begin() and protect() refuse with BreakerDisposedError', async () => {
    const { a } = await pair({});
    a.dispose();
    expect(a.tryPass()).to.equal(false);
    let err: unknown;
    try {
      a.begin();
    } catch (e) {
      err = e;
    }
    expect(errors.isBreakerDisposedError(err)).to.equal(true);
    expect((err as errors.BreakerDisposedError).code).to.equal('PLEXUS_BREAKER_DISPOSED');
    expect((err as errors.BreakerDisposedError).breaker).to.equal('store');
    let ran = false;
    const rejected = await a
      .protect(async () => void (ran = true))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(errors.isBreakerDisposedError(rejected)).to.equal(true);
    expect(ran).to.equal(false);
    expect(() => a.restore(a.snapshot()))
      .to.throw()
      .that.satisfies(errors.isBreakerDisposedError);
  });
});

import { expect } from 'chai';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { RetryPolicy, createRetry } from '../../lib/resilience/retry/policy.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../../lib/resilience/retry/options.ts';
import { InvalidOptionsError, isInvalidOptionsError, TimeoutError } from '../../lib/resilience/errors.ts';

describe('resilience/RetryPolicy', () => {
  it('delayFor with jitter none: min(maxDelay, base * multiplier^attempt) exactly', () => {
    const p = createRetry({ jitterMode: 'none' });
    expect([0, 1, 2, 3, 6, 7, 20].map((a) => p.delayFor(a))).to.deep.equal([100, 200, 400, 800, 6400, 10_000, 10_000]);
    const q = createRetry({ jitterMode: 'none', baseDelayMs: 50, multiplier: 3, maxDelayMs: 1000 });
    expect([0, 1, 2, 3].map((a) => q.delayFor(a))).to.deep.equal([50, 150, 450, 1000]);
  });

  it('proportional jitter (default 0.2) stays within ±20% and hits both ends', () => {
    expect(createRetry({ random: () => 0 }).delayFor(1)).to.equal(160);
    expect(createRetry({ random: () => 0.999999 }).delayFor(1)).to.be.closeTo(240, 0.001);
    expect(createRetry({ random: () => 0.5 }).delayFor(1)).to.equal(200);
    const p = createRetry();
    for (let i = 0; i < 1000; i++) {
      const d = p.delayFor(2);
      expect(d).to.be.within(320, 480);
    }
  });

  it('full jitter is uniform in [0, d]', () => {
    expect(createRetry({ jitterMode: 'full', random: () => 0 }).delayFor(3)).to.equal(0);
    expect(createRetry({ jitterMode: 'full', random: () => 0.5 }).delayFor(3)).to.equal(400);
    const p = createRetry({ jitterMode: 'full' });
    for (let i = 0; i < 1000; i++) expect(p.delayFor(3)).to.be.within(0, 800);
  });

  it('decorrelated jitter: min(cap, uniform(base, prev * 3))', () => {
    const lo = createRetry({ jitterMode: 'decorrelated', random: () => 0 });
    const hi = createRetry({ jitterMode: 'decorrelated', random: () => 1, maxDelayMs: 1000 });
    expect(lo.delayFor(5, 900)).to.equal(100);
    expect(hi.delayFor(0, 0)).to.equal(300); // prev defaults to base: uniform(100, 300)
    expect(hi.delayFor(1, 300)).to.equal(900);
    expect(hi.delayFor(2, 900)).to.equal(1000); // capped
    const p = createRetry({ jitterMode: 'decorrelated' });
    let prev = 0;
    for (let i = 0; i < 200; i++) {
      const d = p.delayFor(i, prev);
      expect(d).to.be.within(100, Math.min(10_000, Math.max(100, (prev || 100) * 3)));
      prev = d;
    }
  });

  it('shouldRetry: counts total attempts (default 3), never VALIDATION, respects retryIf', () => {
    const p = createRetry();
    const e = new Error('flaky');
    expect(DEFAULT_MAX_ATTEMPTS).to.equal(3);
    expect([1, 2, 3].map((n) => p.shouldRetry(e, n))).to.deep.equal([true, true, false]);
    expect(p.shouldRetry(new InvalidOptionsError('x', 'bad'), 1)).to.equal(false);
    const validation = Object.assign(new Error('bad payload'), { code: 'PLEXUS_VALIDATION_FAILED' });
    const always = createRetry({ retryIf: () => true });
    expect(always.shouldRetry(validation, 1)).to.equal(false); // even when the filter says yes
    const onlyTimeouts = createRetry({ retryIf: (err) => err instanceof TimeoutError });
    expect(onlyTimeouts.shouldRetry(new TimeoutError(5), 1)).to.equal(true);
    expect(onlyTimeouts.shouldRetry(e, 1)).to.equal(false);
  });

  it('execute: waits the exact delays on the virtual clock and returns the first success', async () => {
    const clock = new VirtualClock();
    const p = createRetry({ jitterMode: 'none', maxAttempts: 4 });
    const startedAt: number[] = [];
    const notices: Array<[number, number]> = [];
    const t0 = clock.now();
    const done = p.execute(
      ({ attempt }) => {
        startedAt.push(clock.now() - t0);
        if (attempt < 4) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { clock, onRetry: (n) => notices.push([n.attempt, n.delayMs]) },
    );
    await clock.advance(99);
    expect(startedAt).to.deep.equal([0]);
    await clock.advance(1);
    expect(startedAt).to.deep.equal([0, 100]);
    await clock.advance(1000);
    expect(await done).to.equal('ok');
    expect(startedAt).to.deep.equal([0, 100, 300, 700]);
    expect(notices).to.deep.equal([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
  });

  it('execute: rethrows the last error after maxAttempts, and a validation error at once', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const p = new RetryPolicy({ jitterMode: 'none' });
    const run = p.execute(() => Promise.reject(new Error(`e${++calls}`)), { clock }).catch((e: Error) => e.message);
    await clock.runAll();
    expect(await run).to.equal('e3');
    calls = 0;
    const v = await p
      .execute(
        () => {
          calls++;
          throw new InvalidOptionsError('x', 'bad');
        },
        { clock },
      )
      .catch((e: unknown) => e);
    expect(isInvalidOptionsError(v)).to.equal(true);
    expect(calls).to.equal(1);
  });

  it('execute: an abort during the wait stops retrying', async () => {
    const clock = new VirtualClock();
    const ac = new AbortController();
    let calls = 0;
    const run = createRetry({ maxAttempts: 10 })
      .execute(
        () => {
          calls++;
          throw new Error('x');
        },
        { clock, signal: ac.signal },
      )
      .catch((e: unknown) => e);
    await clock.advance(50);
    ac.abort(new Error('stop'));
    expect(((await run) as Error).message).to.equal('stop');
    expect(calls).to.equal(1);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('validates options with the option name, also on configure', () => {
    expect(() => createRetry({ maxAttempts: 0 })).to.throw(/retry.maxAttempts/);
    expect(() => createRetry({ jitter: 1.5 })).to.throw(/retry.jitter.*<= 1/);
    expect(() => createRetry({ jitterMode: 'weird' as 'none' })).to.throw(/jitterMode/);
    expect(() => createRetry({ baseDelayMs: 500, maxDelayMs: 100 })).to.throw(/maxDelayMs/);
    const p = createRetry({ jitterMode: 'none' });
    expect(() => p.configure({ multiplier: 0.5 })).to.throw(/multiplier/);
    p.configure({ baseDelayMs: 10 });
    expect(p.delayFor(1)).to.equal(20);
  });
});

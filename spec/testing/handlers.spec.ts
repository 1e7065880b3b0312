import { expect } from 'chai';
import { createFailingHandler, createHangingHandler, createSlowHandler, InjectedFailure, TestingOptionError, VirtualClock, flushMicrotasks, type HandlerContextLike } from '../../lib/testing/index.ts';

/** Calls `h` n times, returning which calls (1-based) failed. */
async function failedCalls(h: (s: unknown, c: object) => Promise<void>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) {
    await h({ i }, {}).catch(() => out.push(i));
  }
  return out;
}

describe('testing/failingHandler', () => {
  it('fails every call without a schedule, with a typed injected error', async () => {
    const h = createFailingHandler<unknown, HandlerContextLike>();
    const err = await h({}, {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InjectedFailure).with.property('code', 'PLEXUS_TESTING_INJECTED');
    expect(await failedCalls(h, 3)).to.deep.equal([1, 2, 3]);
    expect(h.calls).to.equal(4);
    expect(h.failures).to.equal(4);
    expect(h.successes).to.equal(0);
  });

  it('fails every nth call', async () => {
    expect(await failedCalls(createFailingHandler<unknown, HandlerContextLike>({ every: 3 }), 10)).to.deep.equal([3, 6, 9]);
  });

  it('fails a burst of consecutive calls', async () => {
    expect(await failedCalls(createFailingHandler<unknown, HandlerContextLike>({ burst: { from: 4, count: 3 } }), 10)).to.deep.equal([4, 5, 6]);
  });

  it('fails a seeded share of calls, the same ones for the same seed', async () => {
    const a = await failedCalls(createFailingHandler<unknown, HandlerContextLike>({ share: 0.3, seed: 11 }), 2_000);
    const b = await failedCalls(createFailingHandler<unknown, HandlerContextLike>({ share: 0.3, seed: 11 }), 2_000);
    const c = await failedCalls(createFailingHandler<unknown, HandlerContextLike>({ share: 0.3, seed: 12 }), 2_000);
    expect(a).to.deep.equal(b);
    expect(a).not.to.deep.equal(c);
    expect(a.length / 2_000).to.be.within(0.26, 0.34);
  });

  it('combines rules (any failing rule wins) and fails by predicate', async () => {
    const h = createFailingHandler<{ i: number }, HandlerContextLike>({ every: 5, burst: { from: 1, count: 1 }, when: (s) => s.i === 7 });
    expect(await failedCalls(h as (s: unknown, c: object) => Promise<void>, 10)).to.deep.equal([1, 5, 7, 10]);
  });

  it('runs inner on passing calls, counts its errors, and restarts on reset()', async () => {
    const seen: unknown[] = [];
    const h = createFailingHandler<unknown, HandlerContextLike>({ every: 2, inner: (s) => void seen.push(s) });
    await failedCalls(h, 4);
    expect(seen).to.deep.equal([{ i: 1 }, { i: 3 }]);
    expect([h.calls, h.failures, h.successes, h.active]).to.deep.equal([4, 2, 2, 0]);
    h.reset();
    expect(h.calls).to.equal(0);
    expect(await failedCalls(h, 2)).to.deep.equal([2]);
    const throwing = createFailingHandler<unknown, HandlerContextLike>({ every: 100, inner: () => Promise.reject(new Error('inner')) });
    expect(await throwing({}, {}).catch((e: Error) => e.message)).to.equal('inner');
    expect(throwing.failures).to.equal(1);
  });

  it('uses the custom error', async () => {
    const h = createFailingHandler<unknown, HandlerContextLike>({ error: (call) => new RangeError(`no ${call}`) });
    const err = await h({}, {}).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(RangeError).with.property('message', 'no 1');
  });

  it('validates its schedule', () => {
    expect(() => createFailingHandler<unknown, HandlerContextLike>({ every: 0 })).to.throw(TestingOptionError, /every/);
    expect(() => createFailingHandler<unknown, HandlerContextLike>({ share: 1.5 })).to.throw(TestingOptionError, /share/);
    expect(() => createFailingHandler<unknown, HandlerContextLike>({ share: Number.NaN })).to.throw(TestingOptionError);
    expect(() => createFailingHandler<unknown, HandlerContextLike>({ burst: { from: 0, count: 1 } })).to.throw(TestingOptionError, /burst.from/);
    expect(() => createFailingHandler<unknown, HandlerContextLike>({ burst: { from: 1, count: -1 } })).to.throw(TestingOptionError, /burst.count/);
  });
});

describe('testing/slowHandler', () => {
  it('finishes after the delay on the given clock, then runs inner', async () => {
    const clock = new VirtualClock();
    const done: unknown[] = [];
    const h = createSlowHandler<unknown, HandlerContextLike>(100, clock, (s) => void done.push(s));
    let settled = false;
    const p = h('x', {}).then(() => (settled = true));
    await clock.advance(99);
    expect(settled).to.equal(false);
    expect(h.active).to.equal(1);
    await clock.advance(1);
    await p;
    expect(done).to.deep.equal(['x']);
    expect([h.calls, h.successes, h.active]).to.deep.equal([1, 1, 0]);
  });

  it('rejects slowly when inner fails', async () => {
    const clock = new VirtualClock();
    const h = createSlowHandler<unknown, HandlerContextLike>(50, clock, createFailingHandler<unknown, HandlerContextLike>());
    const p = h('x', {}).catch((e: unknown) => e);
    await clock.advance(50);
    expect(await p).to.be.instanceOf(InjectedFailure);
    expect(h.failures).to.equal(1);
  });

  it('stops waiting when aborted', async () => {
    const clock = new VirtualClock();
    const ac = new AbortController();
    const h = createSlowHandler<unknown, HandlerContextLike>(1_000, clock);
    const p = h('x', { abortSignal: ac.signal }).catch((e: unknown) => e);
    ac.abort(new Error('timeout'));
    expect(await p).to.have.property('message', 'timeout');
    expect(clock.pendingTimers).to.equal(0, 'the timer is cleared');
  });

  it('validates its arguments', () => {
    expect(() => createSlowHandler<unknown, HandlerContextLike>(-1, new VirtualClock())).to.throw(TestingOptionError);
    expect(() => createSlowHandler<unknown, HandlerContextLike>(1, undefined as never)).to.throw(TestingOptionError, /clock/);
  });
});

describe('testing/hangingHandler', () => {
  it('never settles on its own', async () => {
    const clock = new VirtualClock();
    const h = createHangingHandler<unknown, HandlerContextLike>();
    let settled = false;
    void h('x', {}).finally(() => (settled = true));
    await clock.advance(3_600_000);
    await flushMicrotasks();
    expect(settled).to.equal(false);
    expect(h.active).to.equal(1);
  });

  it('rejects with the abort reason when aborted (also when already aborted)', async () => {
    const h = createHangingHandler<unknown, HandlerContextLike>();
    const ac = new AbortController();
    const p = h('x', { abortSignal: ac.signal }).catch((e: unknown) => e);
    ac.abort(new Error('forced'));
    expect(await p).to.have.property('message', 'forced');
    expect(await h('y', { abortSignal: ac.signal }).catch((e: unknown) => e)).to.have.property('message', 'forced');
    const bare = new AbortController();
    const q = h('z', { abortSignal: bare.signal }).catch((e: unknown) => e);
    bare.abort();
    expect(await q).to.have.property('name', 'AbortError');
    expect([h.calls, h.failures, h.active]).to.deep.equal([3, 3, 0]);
  });
});

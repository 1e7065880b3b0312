import { expect } from 'chai';
import fc from 'fast-check';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { CircuitBreaker, createCircuitBreaker } from '../../lib/resilience/breaker/breaker.ts';
import { DEFAULT_FAILURE_THRESHOLD, DEFAULT_RESET_TIMEOUT_MS } from '../../lib/resilience/breaker/options.ts';
import type { BreakerTransition } from '../../lib/resilience/breaker/types.ts';
import { isBreakerOpenError, isInvalidOptionsError } from '../../lib/resilience/errors.ts';

function make(options: ConstructorParameters<typeof CircuitBreaker>[1] = {}) {
  const clock = new VirtualClock();
  const breaker = new CircuitBreaker('store', options, clock);
  const transitions: BreakerTransition[] = [];
  breaker.onStateChange((t) => transitions.push(t));
  return { clock, breaker, transitions, path: () => transitions.map((t) => `${t.from}>${t.to}`) };
}

const fail = (b: CircuitBreaker, n: number): void => {
  for (let i = 0; i < n; i++) b.recordFailure(new Error('boom'));
};

describe('resilience/CircuitBreaker', () => {
  it('starts closed with gauge 0 and lets calls through', () => {
    const { breaker } = make();
    expect(breaker.state).to.equal('closed');
    expect(breaker.stateCode).to.equal(0);
    expect(breaker.tryPass()).to.equal(true);
  });

  it('opens on the default 5 consecutive failures, not on 4, and a success resets the run', () => {
    const { breaker, transitions } = make();
    fail(breaker, DEFAULT_FAILURE_THRESHOLD - 1);
    breaker.recordSuccess();
    fail(breaker, DEFAULT_FAILURE_THRESHOLD - 1);
    expect(breaker.state).to.equal('closed');
    breaker.recordFailure(new Error('fifth'));
    expect(breaker.state).to.equal('open');
    expect(breaker.stateCode).to.equal(1);
    expect(breaker.trips).to.equal(1);
    expect(transitions).to.have.length(1);
    expect(transitions[0]).to.include({ kind: 'breaker', name: 'store', from: 'closed', to: 'open', pressureLevel: 1 });
    expect(breaker.tryPass()).to.equal(false);
  });

  it('goes half-open exactly after resetTimeoutMs (default 30 s) on virtual time', async () => {
    const { breaker, clock, path } = make();
    fail(breaker, 5);
    await clock.advance(DEFAULT_RESET_TIMEOUT_MS - 1);
    expect(breaker.state).to.equal('open');
    expect(breaker.retryAfterMs).to.equal(1);
    await clock.advance(1);
    expect(breaker.state).to.equal('half-open');
    expect(breaker.stateCode).to.equal(2);
    expect(path()).to.deep.equal(['closed>open', 'open>half-open']);
  });

  it('half-open: admits one probe at a time (second concurrent probe refused)', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 1000 });
    fail(breaker, 5);
    await clock.advance(1000);
    expect(breaker.tryPass()).to.equal(true);
    expect(breaker.tryPass()).to.equal(false);
    breaker.releaseProbe();
    expect(breaker.tryPass()).to.equal(true);
  });

  it('half-open: honours halfOpenMaxProbes', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 1000, halfOpenMaxProbes: 3 });
    fail(breaker, 5);
    await clock.advance(1000);
    expect([breaker.tryPass(), breaker.tryPass(), breaker.tryPass(), breaker.tryPass()]).to.deep.equal([true, true, true, false]);
  });

  it('half-open: closes only after successThreshold (2) successes', async () => {
    const { breaker, clock, path } = make({ resetTimeoutMs: 1000 });
    fail(breaker, 5);
    await clock.advance(1000);
    expect(breaker.tryPass()).to.equal(true);
    breaker.recordSuccess();
    expect(breaker.state).to.equal('half-open');
    expect(breaker.tryPass()).to.equal(true);
    breaker.recordSuccess();
    expect(breaker.state).to.equal('closed');
    expect(path()).to.deep.equal(['closed>open', 'open>half-open', 'half-open>closed']);
  });

  it('half-open: any failure re-opens for a full reset timeout', async () => {
    const { breaker, clock, path } = make({ resetTimeoutMs: 1000 });
    fail(breaker, 5);
    await clock.advance(1000);
    breaker.tryPass();
    breaker.recordSuccess();
    breaker.tryPass();
    breaker.recordFailure(new Error('probe'));
    expect(breaker.state).to.equal('open');
    expect(breaker.trips).to.equal(2);
    await clock.advance(999);
    expect(breaker.state).to.equal('open');
    await clock.advance(1);
    expect(breaker.state).to.equal('half-open');
    expect(path()).to.deep.equal(['closed>open', 'open>half-open', 'half-open>open', 'open>half-open']);
  });

  it('opens on the error rate over the window once the minimum volume is reached', async () => {
    const { breaker } = make({ failureThreshold: 1000, errorRate: { threshold: 0.5, minimumVolume: 20, windowMs: 10_000, buckets: 10 } });
    for (let i = 0; i < 9; i++) {
      breaker.recordSuccess();
      breaker.recordFailure();
    }
    breaker.recordSuccess();
    expect(breaker.state).to.equal('closed'); // 19 calls: below volume
    breaker.recordFailure(); // 20 calls, 10 failures = 50%
    expect(breaker.state).to.equal('open');
  });

  it('error rate forgets calls that slid out of the window', async () => {
    const { breaker, clock } = make({ failureThreshold: 1000, errorRate: { minimumVolume: 4, windowMs: 1000, buckets: 4 } });
    fail(breaker, 3);
    await clock.advance(1000); // the three failures leave the window
    breaker.recordSuccess();
    breaker.recordSuccess();
    breaker.recordSuccess();
    breaker.recordFailure(); // 1/4 = 25% < 50%
    expect(breaker.state).to.equal('closed');
    breaker.recordFailure(); // 2/5 = 40%
    expect(breaker.state).to.equal('closed');
    breaker.recordFailure(); // 3/6 = 50%
    expect(breaker.state).to.equal('open');
  });

  it('protect() rejects with a typed BreakerOpenError carrying retryAfterMs while open', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 5000 });
    fail(breaker, 5);
    await clock.advance(2000);
    const err = await breaker.protect(() => 1).catch((e: unknown) => e);
    expect(isBreakerOpenError(err)).to.equal(true);
    expect((err as { code: string }).code).to.equal('PLEXUS_BREAKER_OPEN');
    expect((err as { retryAfterMs: number }).retryAfterMs).to.equal(3000);
    expect(breaker.refusals).to.equal(1);
  });

  it('protect() records outcomes and passes an AbortSignal', async () => {
    const { breaker } = make({ failureThreshold: 2 });
    expect(await breaker.protect((s) => (s instanceof AbortSignal ? 'ok' : 'no'))).to.equal('ok');
    await breaker.protect(() => Promise.reject(new Error('x'))).catch(() => undefined);
    await breaker.protect(() => Promise.reject(new Error('y'))).catch(() => undefined);
    expect(breaker.state).to.equal('open');
    expect(breaker.health()).to.deep.equal({ state: 'open', failureCount: 2, successCount: 1, pressureLevel: 1 });
  });

  it('begin(): disposing a half-open call without outcome releases the probe; `using` works', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 10 });
    fail(breaker, 5);
    await clock.advance(10);
    {
      using call = breaker.begin();
      expect(() => breaker.begin())
        .to.throw()
        .that.satisfies(isBreakerOpenError);
      void call;
    }
    const call = breaker.begin();
    try {
      call.success();
    } finally {
      call[Symbol.dispose]();
    }
    expect(breaker.state).to.equal('half-open');
    const c2 = breaker.begin();
    c2.success();
    c2.success(); // settling twice counts once
    expect(breaker.state).to.equal('closed');
    expect(breaker.successCount).to.equal(2);
  });

  it('a late outcome of a call admitted before the breaker opened does not count as a probe', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 10, successThreshold: 1 });
    const old = breaker.begin();
    fail(breaker, 5);
    await clock.advance(10);
    old.success();
    expect(breaker.state).to.equal('half-open');
  });

  it('isolate() holds it open past any timeout until reset()', async () => {
    const { breaker, clock, path } = make({ resetTimeoutMs: 10 });
    breaker.isolate();
    expect(breaker.state).to.equal('open');
    expect(breaker.isolated).to.equal(true);
    expect(breaker.retryAfterMs).to.equal(Infinity);
    await clock.advance(1_000_000);
    expect(breaker.state).to.equal('open');
    breaker.reset();
    expect(breaker.state).to.equal('closed');
    expect(path()).to.deep.equal(['closed>open', 'open>closed']);
  });

  it('reset() from open goes back to closed and clears counters and timers', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 10 });
    fail(breaker, 5);
    breaker.reset();
    expect(breaker.health()).to.deep.include({ state: 'closed', failureCount: 0, successCount: 0 });
    await clock.advance(100);
    expect(breaker.state).to.equal('closed');
    expect(clock.pendingTimers).to.equal(0);
  });

  it('snapshot()/restore(): an open breaker stays open for the remaining time; JSON round-trips', async () => {
    const a = make({ resetTimeoutMs: 10_000 });
    fail(a.breaker, 5);
    await a.clock.advance(4000);
    const snap = JSON.parse(JSON.stringify(a.breaker.snapshot()));
    const b = make({ resetTimeoutMs: 10_000 });
    await b.clock.advance(4000); // same wall time as a
    b.breaker.restore(snap);
    expect(b.breaker.state).to.equal('open');
    expect(b.breaker.trips).to.equal(1);
    await b.clock.advance(5999);
    expect(b.breaker.state).to.equal('open');
    await b.clock.advance(1);
    expect(b.breaker.state).to.equal('half-open');
    expect(b.path()).to.deep.equal(['closed>open', 'open>half-open']);
  });

  it('restore() of an open snapshot whose time has passed goes half-open (via open), isolated stays isolated', async () => {
    const a = make({ resetTimeoutMs: 1000 });
    fail(a.breaker, 5);
    const snap = a.breaker.snapshot();
    const b = make({ resetTimeoutMs: 1000 });
    await b.clock.advance(5000);
    b.breaker.restore(snap);
    expect(b.path()).to.deep.equal(['closed>open', 'open>half-open']);
    a.breaker.isolate();
    const c = make();
    c.breaker.restore(a.breaker.snapshot());
    expect(c.breaker.isolated).to.equal(true);
  });

  it('configure() validates and changes thresholds without losing state', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 1000 });
    fail(breaker, 3);
    expect(() => breaker.configure({ failureThreshold: 0 }))
      .to.throw(/failureThreshold/)
      .that.satisfies(isInvalidOptionsError);
    breaker.configure({ failureThreshold: 4, successThreshold: 1 });
    expect(breaker.consecutiveFailures).to.equal(3);
    breaker.recordFailure();
    expect(breaker.state).to.equal('open');
    await clock.advance(1000);
    breaker.tryPass();
    breaker.recordSuccess();
    expect(breaker.state).to.equal('closed');
  });

  it('validates options at construction with a named option', () => {
    expect(() => createCircuitBreaker({ resetTimeoutMs: -1 })).to.throw(/resetTimeoutMs.*>= 0/);
    expect(() => createCircuitBreaker({ errorRate: { threshold: 2 } })).to.throw(/errorRate.threshold/);
    expect(() => createCircuitBreaker({ halfOpenMaxProbes: 1.5 })).to.throw(/halfOpenMaxProbes.*integer/);
    expect(() => createCircuitBreaker({ loadProvider: 3 as unknown as () => number })).to.throw(/loadProvider/);
  });

  it('pressureLevel mixes failure pressure and load: 1 - (1-f)(1-load)', () => {
    let load = 0.5;
    const { breaker } = make({ failureThreshold: 4, loadProvider: () => load });
    expect(breaker.pressureLevel).to.equal(0.5);
    fail(breaker, 2); // f = 0.5
    expect(breaker.pressureLevel).to.equal(0.75);
    load = 0;
    expect(breaker.pressureLevel).to.equal(0.5);
    const seen: number[] = [];
    breaker.pressure$.subscribe((p) => seen.push(p));
    breaker.recordFailure();
    breaker.recordSuccess();
    expect(seen).to.deep.equal([0.75, 0]);
  });

  it('state$ is an Observable; dispose() clears timers, completes streams and is safe twice', async () => {
    const { breaker, clock } = make({ resetTimeoutMs: 10 });
    const seen: string[] = [];
    let completed = false;
    breaker.state$.subscribe({ next: (t) => seen.push(t.to), complete: () => (completed = true) });
    fail(breaker, 5);
    expect(clock.pendingTimers).to.equal(1);
    breaker.dispose();
    breaker.dispose();
    expect(clock.pendingTimers).to.equal(0);
    expect(completed).to.equal(true);
    expect(seen).to.deep.equal(['open']);
  });

  it('property: random operations never produce an illegal transition', async () => {
    const legal = new Set(['closed>open', 'open>half-open', 'open>closed', 'half-open>closed', 'half-open>open']);
    const op = fc.oneof(
      fc.constant({ t: 'success' as const }),
      fc.constant({ t: 'failure' as const }),
      fc.constant({ t: 'pass' as const }),
      fc.constant({ t: 'release' as const }),
      fc.constant({ t: 'isolate' as const }),
      fc.constant({ t: 'reset' as const }),
      fc.constant({ t: 'snapshot-restore' as const }),
      fc.integer({ min: 0, max: 3000 }).map((ms) => ({ t: 'advance' as const, ms })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), async (ops, threshold, probes) => {
        const { breaker, clock, transitions } = make({ failureThreshold: threshold, resetTimeoutMs: 1000, halfOpenMaxProbes: probes, errorRate: { minimumVolume: 3, windowMs: 2000 } });
        for (const o of ops) {
          if (o.t === 'success') breaker.recordSuccess();
          else if (o.t === 'failure') breaker.recordFailure();
          else if (o.t === 'pass') breaker.tryPass();
          else if (o.t === 'release') breaker.releaseProbe();
          else if (o.t === 'isolate') breaker.isolate();
          else if (o.t === 'reset') breaker.reset();
          else if (o.t === 'snapshot-restore') breaker.restore(breaker.snapshot());
          else await clock.advance(o.ms);
        }
        let prev = 'closed';
        for (const t of transitions) {
          expect(legal.has(`${t.from}>${t.to}`), `${t.from}>${t.to}`).to.equal(true);
          expect(t.from).to.equal(prev); // transitions chain without gaps
          prev = t.to;
        }
        expect(breaker.state).to.equal(prev);
        breaker.dispose();
      }),
      { numRuns: 200 },
    );
  });
});

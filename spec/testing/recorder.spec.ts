import { expect } from 'chai';
import { of, Subject, throwError } from 'rxjs';
import { recordEvents, RecorderClosedError, TestingOptionError, VirtualClock, WaitForTimeoutError, formatTrace } from '../../lib/testing/index.ts';
import type { NetworkEvent } from '../../lib/observe/events.ts';
import { ev, fakeSignal } from './fake-events.ts';

describe('testing/recordEvents', () => {
  let src: Subject<NetworkEvent>;
  beforeEach(() => {
    src = new Subject<NetworkEvent>();
  });

  it('records events in arrival order and filters by kind', () => {
    const rec = recordEvents(src);
    const s = fakeSignal();
    src.next(ev('accepted', s));
    src.next(ev('started', s));
    src.next(ev('completed', s));
    expect(rec.events.map((e) => e.kind)).to.deep.equal(['accepted', 'started', 'completed']);
    const done = rec.ofKind('completed');
    expect(done).to.have.length(1);
    expect(done[0]!.durationMs).to.equal(1); // typed as CompletedEvent
    rec.stop();
  });

  it('keeps only what the filter matches (pattern or predicate)', () => {
    const byPattern = recordEvents(src, { filter: { node: 'a' } });
    const byPredicate = recordEvents(src, { filter: (e) => e.kind === 'failed' });
    src.next(ev('started', fakeSignal(), { node: 'a' }));
    src.next(ev('failed', fakeSignal(), { node: 'b' }));
    expect(byPattern.events.map((e) => e.kind)).to.deep.equal(['started']);
    expect(byPredicate.events.map((e) => e.kind)).to.deep.equal(['failed']);
    byPattern.stop();
    byPredicate.stop();
  });

  it('clear() forgets, stop() and dispose unsubscribe', () => {
    const rec = recordEvents(src);
    src.next(ev('accepted', fakeSignal()));
    rec.clear();
    expect(rec.events).to.have.length(0);
    src.next(ev('accepted', fakeSignal()));
    expect(rec.events).to.have.length(1);
    rec.stop();
    rec.stop(); // idempotent
    src.next(ev('accepted', fakeSignal()));
    expect(rec.events).to.have.length(1);
    expect(src.observed).to.equal(false);
    {
      using scoped = recordEvents(src);
      expect(src.observed).to.equal(true);
      expect(scoped.closed).to.equal(false);
    }
    expect(src.observed).to.equal(false);
  });

  it('drops the oldest events past maxEvents and counts them', () => {
    const rec = recordEvents(src, { maxEvents: 3 });
    for (let i = 0; i < 5; i++) src.next(ev('accepted', fakeSignal({ payload: { i } }), { at: i }));
    expect(rec.events.map((e) => e.at)).to.deep.equal([2, 3, 4]);
    expect(rec.dropped).to.equal(2);
    expect(rec.format()).to.include('2 older events dropped');
    src.next(ev('accepted', fakeSignal(), { at: 5 }));
    expect(rec.events.map((e) => e.at)).to.deep.equal([3, 4, 5]);
    expect(() => recordEvents(src, { maxEvents: 0 })).to.throw(TestingOptionError);
    rec.stop();
  });

  describe('trace()', () => {
    it('lists the hops of one correlation id across nodes, failures and dead letters included', () => {
      const rec = recordEvents(src);
      const root = fakeSignal({ type: 'order', target: 'billing', correlationId: 'c1' });
      const child = fakeSignal({ type: 'invoice', target: 'mail', correlationId: 'c1', causationId: root.id });
      const other = fakeSignal({ correlationId: 'c2' });
      src.next(ev('accepted', root, { at: 0 }));
      src.next(ev('started', root, { at: 1, partition: 2 }));
      src.next(ev('started', other, { at: 1 }));
      src.next(ev('failed', root, { at: 2, partition: 2 }));
      src.next(ev('retried', root, { at: 2, partition: 2, attempt: 2 }));
      src.next(ev('started', root, { at: 12, partition: 2, attempt: 2 }));
      src.next(ev('completed', root, { at: 13, partition: 2, attempt: 2 }));
      src.next(ev('started', child, { at: 14, partition: 0 }));
      src.next(ev('dead-lettered', child, { at: 15, reason: 'handler-failed', attempt: 3 }));
      const t = rec.trace('c1');
      expect(t.map((s) => `${s.node}:${s.kind}:${s.attempt}`)).to.deep.equal([
        'billing:started:1',
        'billing:failed:1',
        'billing:started:2',
        'billing:completed:2',
        'mail:started:1',
        'mail:dead-lettered:3',
      ]);
      expect(t[0]).to.deep.include({ type: 'order', partition: 2, at: 1, signalId: root.id });
      expect(t[1]).to.deep.include({ error: 'boom' });
      expect(t[5]).to.deep.include({ partition: undefined, reason: 'handler-failed' });
      expect(formatTrace(t)).to.include('mail invoice a3 dead-lettered @15 reason=handler-failed');
      expect(rec.trace('nope')).to.deep.equal([]);
      rec.stop();
    });
  });

  describe('waitFor()', () => {
    it('resolves at once with an event already recorded', async () => {
      const rec = recordEvents(src);
      src.next(ev('completed', fakeSignal({ payload: { n: 1 } })));
      const e = await rec.waitFor({ kind: 'completed', payload: { n: 1 } });
      expect(e.kind).to.equal('completed');
      rec.stop();
    });

    it('resolves when a matching event arrives later', async () => {
      const rec = recordEvents(src);
      const p = rec.waitFor({ kind: 'dead-lettered' }, { clock: new VirtualClock(), drive: false });
      src.next(ev('started', fakeSignal()));
      src.next(ev('dead-lettered', fakeSignal()));
      expect((await p).kind).to.equal('dead-lettered');
      rec.stop();
    });

    it('narrows the type with a type-guard predicate', async () => {
      const rec = recordEvents(src);
      src.next(ev('failed', fakeSignal()));
      const e = await rec.waitFor((x): x is Extract<NetworkEvent, { kind: 'failed' }> => x.kind === 'failed');
      expect(e.error.message).to.equal('boom');
      rec.stop();
    });

    it('drives a VirtualClock until the event arrives', async () => {
      const clock = new VirtualClock();
      const rec = recordEvents(src);
      clock.setTimeout(() => src.next(ev('started', fakeSignal())), 100);
      clock.setTimeout(() => src.next(ev('completed', fakeSignal())), 250);
      clock.setTimeout(() => src.next(ev('dead-lettered', fakeSignal())), 900);
      const t0 = clock.now();
      await rec.waitFor({ kind: 'completed' }, { clock, timeoutMs: 1_000 });
      expect(clock.now() - t0).to.equal(250);
      expect(clock.pendingTimers).to.equal(1, 'stops driving once matched');
      rec.stop();
    });

    it('times out on virtual time with a typed error that lists what was recorded', async () => {
      const clock = new VirtualClock();
      const rec = recordEvents(src);
      clock.setTimeout(() => src.next(ev('started', fakeSignal())), 10);
      clock.setTimeout(() => src.next(ev('completed', fakeSignal())), 5_000);
      const t0 = clock.now();
      const err = await rec.waitFor({ kind: 'completed' }, { clock, timeoutMs: 1_000 }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(WaitForTimeoutError);
      expect((err as WaitForTimeoutError).code).to.equal('PLEXUS_TESTING_WAIT_TIMEOUT');
      expect((err as Error).message)
        .to.include('within 1000ms')
        .and.include('#0 +0ms started');
      expect(clock.now() - t0).to.equal(1_000);
      rec.stop();
    });

    it('times out on a non-driven clock when that clock passes the deadline', async () => {
      const clock = new VirtualClock();
      const rec = recordEvents(src);
      const p = rec.waitFor({ kind: 'completed' }, { clock, timeoutMs: 50, drive: false }).catch((e: unknown) => e);
      await clock.advance(49);
      src.next(ev('started', fakeSignal()));
      await clock.advance(1);
      const err = await p;
      expect(err).to.be.instanceOf(WaitForTimeoutError);
      rec.stop();
    });

    it('rejects pending waits when stopped, and waits after a stop', async () => {
      const rec = recordEvents(src);
      const p = rec.waitFor({ kind: 'completed' }, { clock: new VirtualClock(), drive: false });
      rec.stop();
      expect(await p.catch((e: unknown) => e)).to.be.instanceOf(RecorderClosedError);
      expect(await rec.waitFor({ kind: 'completed' }).catch((e: unknown) => e))
        .to.be.instanceOf(RecorderClosedError)
        .with.property('code', 'PLEXUS_TESTING_RECORDER_CLOSED');
    });

    it('rejects when the source errors or completes', async () => {
      const failing = recordEvents(throwError(() => new Error('stream died')));
      const err = await failing.waitFor({ kind: 'completed' }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(RecorderClosedError);
      expect((err as Error).message).to.include('errored');
      expect((err as Error).cause).to.have.property('message', 'stream died');
      const finite = recordEvents(of(ev('accepted', fakeSignal())));
      expect(finite.events).to.have.length(1);
      expect(finite.closed).to.equal(true);
      expect(await finite.waitFor({ kind: 'accepted' })).to.have.property('kind', 'accepted');
    });

    it('rejects a bad timeout', async () => {
      const rec = recordEvents(src);
      expect(await rec.waitFor({}, { timeoutMs: -1 }).catch((e: unknown) => e)).to.be.instanceOf(TestingOptionError);
      rec.stop();
    });
  });
});

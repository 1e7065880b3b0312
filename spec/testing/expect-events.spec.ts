import { AssertionError } from 'node:assert';
import { expect } from 'chai';
import { Subject } from 'rxjs';
import { expectEvents, recordEvents, TestingOptionError } from '../../lib/testing/index.ts';
import type { NetworkEvent } from '../../lib/observe/events.ts';
import { ev, fakeSignal } from './fake-events.ts';

/** Runs `fn`, expects an AssertionError, returns its message. */
function failureOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AssertionError);
    return (e as Error).message;
  }
  expect.fail('expected an AssertionError');
}

describe('testing/expectEvents', () => {
  const a = fakeSignal({ type: 'job', payload: { n: 1 } });
  const b = fakeSignal({ type: 'job', payload: { n: 2 } });
  const events: NetworkEvent[] = [
    ev('accepted', a, { at: 100 }),
    ev('started', a, { at: 101 }),
    ev('failed', a, { at: 102, attempt: 1 }),
    ev('started', a, { at: 112, attempt: 2 }),
    ev('completed', a, { at: 113, attempt: 2 }),
    ev('accepted', b, { at: 114 }),
  ];

  it('toInclude passes when every pattern matches some event, in any order', () => {
    expectEvents(events).toInclude([{ kind: 'completed', attempt: 2 }, { kind: 'accepted', payload: { n: 2 } }, { kind: 'failed' }]);
    expectEvents(events).toInclude({ kind: 'started' });
  });

  it('toInclude fails naming the missing pattern and listing what was recorded', () => {
    const msg = failureOf(() => expectEvents(events).toInclude([{ kind: 'completed' }, { kind: 'dead-lettered', reason: 'timeout' }]));
    expect(msg).to.include('1 of 2 pattern(s)');
    expect(msg).to.include('"dead-lettered"');
    expect(msg).to.include('recorded 6 events');
    expect(msg).to.match(/#2 \+2ms failed worker job#\S+ cid=\S+ p0 a1 err="boom"/);
    expect(msg).to.include('payload={"n":2}');
  });

  it('toIncludeInOrder accepts a subsequence with gaps', () => {
    expectEvents(events).toIncludeInOrder([{ kind: 'accepted' }, { kind: 'failed' }, { kind: 'completed' }, { kind: 'accepted', payload: { n: 2 } }]);
  });

  it('toIncludeInOrder fails on the wrong order and says which pattern broke it', () => {
    const msg = failureOf(() => expectEvents(events).toIncludeInOrder([{ kind: 'completed' }, { kind: 'failed' }]));
    expect(msg).to.include('matched 1, then pattern #1');
    expect(msg).to.include('too early');
  });

  it('toIncludeInOrder needs a separate event per pattern', () => {
    failureOf(() => expectEvents(events).toIncludeInOrder([{ kind: 'completed' }, { kind: 'completed' }]));
  });

  it('toHaveCount counts exactly', () => {
    expectEvents(events).toHaveCount({ kind: 'started' }, 2);
    expectEvents(events).toHaveCount({ kind: 'dead-lettered' }, 0);
    const msg = failureOf(() => expectEvents(events).toHaveCount({ kind: 'accepted' }, 1));
    expect(msg).to.include('expected 1 event(s)').and.include('found 2');
    expect(() => expectEvents(events).toHaveCount({}, -1)).to.throw(TestingOptionError);
  });

  it('not.toInclude fails when any pattern matches and points at the event', () => {
    expectEvents(events).not.toInclude([{ kind: 'dead-lettered' }, { kind: 'duplicate' }]);
    const msg = failureOf(() => expectEvents(events).not.toInclude([{ kind: 'dead-lettered' }, { kind: 'failed' }]));
    expect(msg).to.include('but event #2 matches');
  });

  it('reads a recorder as well as an array, and says when nothing was recorded', () => {
    const src = new Subject<NetworkEvent>();
    const rec = recordEvents(src);
    const msg = failureOf(() => expectEvents(rec).toInclude({ kind: 'completed' }));
    expect(msg).to.include('(no events recorded)');
    src.next(ev('completed', a));
    expectEvents(rec).toInclude({ kind: 'completed' });
    rec.stop();
  });

  it('elides the middle of long listings', () => {
    const many = Array.from({ length: 200 }, (_, i) => ev('accepted', fakeSignal({ payload: { i } }), { at: i }));
    const msg = failureOf(() => expectEvents(many).toInclude({ kind: 'completed' }));
    expect(msg).to.include('… 160 more …');
    expect(msg).to.include('#199 +199ms');
    expect(msg.split('\n').length).to.be.below(50);
  });
});

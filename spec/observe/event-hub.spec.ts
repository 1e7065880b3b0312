import { expect } from 'chai';
import sinon from 'sinon';
import { filter, map } from 'rxjs';
import type { NetworkEvent } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

/**
 * RxJS reports an error thrown by a subscriber by rethrowing it from a real `setTimeout`, an
 * uncaught exception that ends the process. Under sinon's fake timers that rethrow is a timer
 * we can see (and `runAll` would throw it), so each spec checks that none was scheduled.
 */
describe('observe: a throwing events$ subscriber', () => {
  // The networks here run without health checks: `runAll` would never end with their timers, and
  // their `health` events would be counted with the others.
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => timers.restore());

  it('is caught, counted and told to the other subscribers; every signal still completes', async () => {
    const { net, clock } = testNetwork({ health: false });
    net.node('w', { partitions: 2, handle: () => undefined });
    const seen: NetworkEvent[] = [];
    net.events$.subscribe((e) => {
      if (e.kind === 'completed') throw new Error('subscriber bug');
    });
    net.events$.subscribe((e) => void seen.push(e));
    await net.start();
    for (let i = 0; i < 5; i++) net.post('w', { type: 'job', partitionKey: `k${i}` });
    await clock.runAll();
    await net.idle();

    expect(timers.countTimers(), 'RxJS scheduled a rethrow').to.equal(0);
    const counts = net.counts();
    expect(counts).to.deep.include({ accepted: 5, completed: 5, active: 0, subscriberErrors: 5 });
    const errors = seen.filter((e) => e.kind === 'subscriber-error');
    expect(errors).to.have.length(5);
    expect(errors.map((e) => (e.kind === 'subscriber-error' ? [e.eventKind, e.error.message] : []))).to.deep.equal(Array.from({ length: 5 }, () => ['completed', 'subscriber bug']));
    // The second subscriber saw every completion, though the first one threw on each.
    expect(seen.filter((e) => e.kind === 'completed')).to.have.length(5);
    expect(await net.metrics.text()).to.match(/plexus_event_subscriber_errors_total\{network="spec"\} 5/);
  });

  it('guards subscribers of a pipe, and reports an operator that throws when the subscriber has no error callback', async () => {
    const { net } = testNetwork({ health: false });
    net.node('w', { handle: () => undefined });
    const errors: string[] = [];
    net.events$.subscribe((e) => {
      if (e.kind === 'subscriber-error') errors.push(e.error.message);
    });
    net.events$.pipe(filter((e) => e.kind === 'accepted')).subscribe(() => {
      throw new Error('piped subscriber');
    });
    net.events$
      .pipe(
        map((e) => {
          if (e.kind === 'completed') throw new Error('operator');
          return e;
        }),
      )
      .subscribe();
    await net.start();
    net.post('w', { type: 'job' });
    await net.idle();
    expect(timers.countTimers(), 'RxJS scheduled a rethrow').to.equal(0);
    expect(errors).to.deep.equal(['piped subscriber', 'operator']);
    expect(net.counts().subscriberErrors).to.equal(2);
  });

  it('counts, without telling again, a subscriber that throws on subscriber-error events (no endless loop)', async () => {
    const { net } = testNetwork({ health: false });
    net.node('w', { handle: () => undefined });
    net.events$.subscribe(() => {
      throw new Error('throws on everything');
    });
    await net.start();
    net.post('w', { type: 'job' });
    await net.idle();
    expect(timers.countTimers()).to.equal(0);
    // accepted, started, completed: 3 events thrown on, each told once (and thrown on again).
    expect(net.counts().subscriberErrors).to.equal(6);
    expect(net.counts().completed).to.equal(1);
  });
});

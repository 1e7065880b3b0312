import { expect } from 'chai';
import { createNetwork } from 'plexus';
import { VirtualClock, recordEvents, expectEvents, createFailingHandler } from 'plexus/testing';

// The README's "Testing your network" example, kept runnable so that it cannot rot.
describe('README: testing your network', () => {
  it('retries a failing job, then completes it', async () => {
    const clock = new VirtualClock();
    const net = createNetwork({ name: 'orders', clock });
    const handle = createFailingHandler({ burst: { from: 1, count: 2 } });
    net.node('worker', { retry: { maxAttempts: 3, baseDelayMs: 10, jitter: 0 }, handle });
    const rec = recordEvents(net.events$);
    await net.start();

    net.post('worker', { type: 'order', payload: { id: 7 }, correlationId: 'order-7' });
    await clock.advance(100);
    await net.idle();

    expectEvents(rec).toIncludeInOrder([{ kind: 'failed', attempt: 1 }, { kind: 'retried' }, { kind: 'completed', node: 'worker', payload: { id: 7 } }]);
    expect(rec.trace('order-7').map((h) => h.kind)).to.include('completed');
    await net.shutdown();
  });
});

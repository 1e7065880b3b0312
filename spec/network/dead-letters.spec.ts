import { expect } from 'chai';
import type { NetworkEvent } from '../../lib/index.ts';
import { isDeadLetterNotFoundError } from '../../lib/network/errors.ts';
import { testNetwork } from '../support/networks.ts';

class PaymentDeclined extends Error {
  readonly code = 'DECLINED';
}

describe('network: dead letter queue', () => {
  it('keeps the error, attempts and times of a signal whose retries ran out', async () => {
    const { net, clock } = testNetwork();
    net.node('pay', { retry: { maxAttempts: 3, baseDelayMs: 100, jitterMode: 'none' }, breaker: false, handle: () => Promise.reject(new PaymentDeclined('card declined')) });
    await net.start();
    const start = clock.now();
    const r = net.post('pay', { type: 'charge', payload: { amount: 5 } });
    await clock.advance(1000);
    await net.idle();
    const [entry] = net.dlq.list();
    expect(entry).to.include({ node: 'pay', reason: 'handler-failed', attempts: 3, firstFailureAt: start, lastFailureAt: start + 300 });
    expect(entry!.id).to.equal(r.status === 'accepted' ? r.id : '');
    expect(entry!.error).to.include({ message: 'card declined', code: 'DECLINED', name: 'Error' });
    expect(entry!.error.stack).to.match(/card declined/);
    expect(entry!.signal.payload).to.deep.equal({ amount: 5 });
  });

  it('lists with filters, reprocesses by id to the same partition, and purges', async () => {
    const { net } = testNetwork();
    let healthy = false;
    const partitions: number[] = [];
    net.node('a', {
      retry: false,
      breaker: false,
      handle: (_s, ctx) => {
        partitions.push(ctx.partition);
        if (!healthy) throw new Error('down');
      },
    });
    net.node('b', {
      retry: false,
      breaker: false,
      handle: () => {
        throw new Error('always');
      },
    });
    await net.start();
    net.post('a', { type: 'x', partitionKey: 'p1' });
    net.post('a', { type: 'y', partitionKey: 'p2' });
    net.post('b', { type: 'x' });
    await net.idle();
    expect(net.dlq.size).to.equal(3);
    expect(net.dlq.list({ node: 'a' })).to.have.length(2);
    expect(net.dlq.list({ node: 'a', type: 'y' })).to.have.length(1);
    expect(net.dlq.list({ limit: 1 })).to.have.length(1);
    healthy = true;
    const target = net.dlq.list({ node: 'a', type: 'x' })[0]!;
    const receipt = net.dlq.reprocess(target.id);
    expect(receipt).to.include({ status: 'accepted', id: target.id });
    await net.idle();
    expect(partitions[2]).to.equal(partitions[0]);
    expect(net.dlq.get(target.id)).to.equal(undefined);
    expect(() => net.dlq.reprocess(target.id), 'an entry already reprocessed')
      .to.throw()
      .that.satisfies(isDeadLetterNotFoundError);
    expect(net.dlq.purge({ node: 'b' })).to.equal(1);
    expect(net.dlq.size).to.equal(1);
    expect(net.dlq.purge()).to.equal(1);
  });

  it('refuses to reprocess an unknown id with a typed error', async () => {
    const { net } = testNetwork();
    net.node('a', { handle: () => undefined });
    await net.start();
    let caught: unknown;
    try {
      net.dlq.reprocess('no-such-id');
    } catch (e) {
      caught = e;
    }
    expect(isDeadLetterNotFoundError(caught)).to.equal(true);
    expect(caught).to.include({ code: 'PLEXUS_DEAD_LETTER_NOT_FOUND', id: 'no-such-id' });
    expect(net.counts()).to.deep.include({ sent: 0, accepted: 0, redelivered: 0 });
  });

  it('counts a reprocess as documented: redelivered per reprocess accepted, deadLettered per dead-lettering (not the queue size)', async () => {
    const { net } = testNetwork();
    let failuresLeft = 2;
    net.node('a', {
      retry: false,
      breaker: false,
      handle: () => {
        if (failuresLeft-- > 0) throw new Error('down');
      },
    });
    await net.start();
    const r = net.post('a', { type: 'x' });
    const id = r.status === 'accepted' ? r.id : '';
    await net.idle();
    expect(net.counts()).to.deep.include({ sent: 1, accepted: 1, deadLettered: 1, redelivered: 0, completed: 0, active: 0 });
    // First reprocess: fails again, a second dead-lettering of the same signal.
    expect(net.dlq.reprocess(id).status).to.equal('accepted');
    await net.idle();
    expect(net.dlq.size).to.equal(1);
    expect(net.counts()).to.deep.include({ sent: 1, accepted: 1, deadLettered: 2, redelivered: 1, completed: 0, active: 0 });
    // Second reprocess: completes. The queue is empty, deadLettered still says 2.
    expect(net.dlq.reprocess(id).status).to.equal('accepted');
    await net.idle();
    const c = net.counts();
    expect(net.dlq.size).to.equal(0);
    expect(c).to.deep.include({ sent: 1, accepted: 1, deadLettered: 2, redelivered: 2, completed: 1, active: 0 });
    expect(c.completed + c.deadLettered + c.handedBack + c.active + c.forwarded).to.equal(c.accepted + c.redelivered + c.received);
    expect(c.sent).to.equal(c.accepted + c.duplicate + c.rejected);
  });

  it('reports and counts what a full queue pushes out', async () => {
    const { net } = testNetwork({ dlq: { capacity: 3 } });
    net.node('bad', {
      partitions: 1,
      retry: false,
      breaker: false,
      handle: () => {
        throw new Error('x');
      },
    });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    const ids = Array.from({ length: 5 }, () => net.post('bad', { type: 't' })).map((r) => (r.status === 'accepted' ? r.id : ''));
    await net.idle();
    expect(net.dlq.size).to.equal(3);
    expect(net.dlq.overflowed).to.equal(2);
    expect(events.filter((e) => e.kind === 'dlq-overflow').map((e) => (e as { signalId: string }).signalId)).to.deep.equal(ids.slice(0, 2));
    expect(await net.metrics.text()).to.match(/plexus_dlq_overflow_total\{network="spec"\} 2/);
  });
});

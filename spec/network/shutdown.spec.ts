import { expect } from 'chai';
import { SHUTDOWN_PHASES, createNetwork, type Network, type NetworkEvent } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: graceful shutdown', () => {
  it('goes through every phase, drains every mailbox and reports it', async () => {
    const { net, clock } = testNetwork();
    let done = 0;
    net.node('w', {
      handle: async () => {
        await sleep(clock, 10);
        done++;
      },
    });
    const phases: string[] = [];
    net.events$.subscribe((e: NetworkEvent) => e.kind === 'shutdown-phase' && phases.push(e.phase));
    await net.start();
    for (let i = 0; i < 50; i++) net.post('w', { type: 't', partitionKey: `k${i % 5}` });
    const reportP = net.shutdown({ timeoutMs: 10_000 });
    expect(net.post('w', { type: 't' })).to.include({ status: 'rejected', reason: 'shutting-down' });
    await clock.advance(200);
    const report = await reportP;
    expect(done).to.equal(50);
    expect(report.drained).to.equal(50);
    expect(report.remaining).to.equal(0);
    expect(report.timedOut).to.equal(false);
    expect(report.forced).to.equal(false);
    expect(report.phases.map((p) => p.phase)).to.deep.equal([...SHUTDOWN_PHASES]);
    expect(phases).to.deep.equal([...SHUTDOWN_PHASES]);
    const finish = report.phases.find((p) => p.phase === 'finish-active-requests')!;
    expect(finish.durationMs).to.equal(100);
    expect(net.state).to.equal('terminated');
  });

  it('stops at the timeout and reports what remained, handing it back', async () => {
    const { net, clock } = testNetwork();
    net.node('stuck', { partitions: 1, handle: () => sleep(clock, 1_000_000) });
    await net.start();
    for (let i = 0; i < 5; i++) net.post('stuck', { type: 't' });
    const reportP = net.shutdown({ timeoutMs: 1000 });
    await clock.advance(1000);
    const report = await reportP;
    expect(report.timedOut).to.equal(true);
    expect(report.remaining).to.equal(5);
    expect(report.remainingByNode).to.deep.equal({ stuck: 5 });
    // All five are handed back, the one inside a running handler too (its handler is aborted).
    expect(report.leftover).to.have.length(5);
    const c = net.counts();
    expect(c.accepted).to.equal(c.completed + c.deadLettered + c.handedBack + c.active);
  });

  it('can be forced, skipping the drain', async () => {
    const { net, clock } = testNetwork();
    net.node('w', { partitions: 1, handle: () => sleep(clock, 100) });
    await net.start();
    for (let i = 0; i < 10; i++) net.post('w', { type: 't' });
    await clock.advance(0);
    const report = await net.shutdown({ force: true });
    expect(report.forced).to.equal(true);
    expect(report.phases.map((p) => p.phase)).to.include('finish-active-requests');
    expect(report.leftover).to.have.length(10); // nine queued, one cut off in its handler
  });

  it('forcing a graceful shutdown under way ends it early', async () => {
    const { net, clock } = testNetwork();
    net.node('w', { partitions: 1, handle: () => sleep(clock, 100) });
    await net.start();
    for (let i = 0; i < 10; i++) net.post('w', { type: 't' });
    const graceful = net.shutdown({ timeoutMs: 60_000 });
    await clock.advance(150);
    const forced = net.shutdown({ force: true });
    expect(forced).to.equal(graceful);
    const report = await forced;
    expect(report.forced).to.equal(true);
    expect(report.drained).to.be.at.least(1);
    expect(report.leftover.length + report.drained).to.equal(10);
  });

  it('shuts down at the end of an `await using` block', async () => {
    const clock = new VirtualClock();
    let handled = 0;
    let outer: Network | undefined;
    {
      await using net = createNetwork({ clock });
      outer = net;
      net.node('w', { handle: () => void handled++ });
      await net.start();
      net.post('w', { type: 't' });
      expect(net.state).to.equal('running');
    }
    expect(outer.state).to.equal('terminated');
    expect(handled).to.equal(1);
  });
});

describe('network: a graceful shutdown drains pipelines', () => {
  it('accepts what handlers emit while draining, refuses senders from outside, and its counts close', async () => {
    const { net, clock } = testNetwork();
    let charged = 0;
    let shipped = 0;
    net.node('payment', {
      retry: { maxAttempts: 3, baseDelayMs: 10 },
      handle: async (signal, ctx) => {
        await sleep(clock, 10);
        charged++;
        ctx.emit('shipping', { type: 'ship', payload: signal.payload });
      },
    });
    net.node('shipping', {
      handle: async () => {
        await sleep(clock, 10);
        shipped++;
      },
    });
    await net.start();
    for (let i = 0; i < 3; i++) net.post('payment', { type: 'order', payload: { i } });
    const reportP = net.shutdown({ timeoutMs: 1000 });
    const outside = net.post('shipping', { type: 'ship' });
    await clock.advance(1000);
    const report = await reportP;
    expect(outside).to.include({ status: 'rejected', reason: 'shutting-down' });
    expect({ charged, shipped }).to.deep.equal({ charged: 3, shipped: 3 });
    expect(report.timedOut).to.equal(false);
    expect(report.activeAtStart).to.equal(3);
    expect(report.emitted).to.equal(3);
    expect(report.drained).to.equal(6);
    expect(report.remaining).to.equal(0);
    expect(report.activeAtStart + report.emitted).to.equal(report.drained + report.remaining);
    expect(net.dlq.size).to.equal(0);
    const c = net.counts();
    expect(c).to.include({ accepted: 6, completed: 6, deadLettered: 0, active: 0, rejected: 1 });
    expect(c.sent).to.equal(c.accepted + c.duplicate + c.rejected);
  });

  it('refuses emits once the drain timed out, and hands back what was left (counts close)', async () => {
    const { net, clock } = testNetwork();
    const refused: string[] = [];
    net.node('slow', {
      partitions: 1,
      handle: async (_signal, ctx) => {
        await sleep(clock, 5_000);
        try {
          ctx.emit('next', { type: 'late' });
        } catch (e) {
          refused.push((e as { code: string }).code);
        }
      },
    });
    net.node('next', { handle: () => {} });
    await net.start();
    for (let i = 0; i < 2; i++) net.post('slow', { type: 'job' });
    const reportP = net.shutdown({ timeoutMs: 1000 });
    await clock.advance(1000);
    const report = await reportP;
    await clock.advance(10_000); // the cut-off handler wakes up and emits into a stopped network
    expect(report.timedOut).to.equal(true);
    expect(report.leftover).to.have.length(2);
    expect(report.activeAtStart + report.emitted).to.equal(report.drained + report.remaining);
    expect(refused).to.deep.equal(['PLEXUS_EMIT_REFUSED']);
    const c = net.counts();
    expect(c.accepted).to.equal(c.completed + c.deadLettered + c.handedBack + c.active);
    expect(c.active).to.equal(0);
  });
});

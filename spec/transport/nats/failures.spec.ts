/**
 * Nothing is lost when things go wrong between processes: a receiver that dies mid-flight, a
 * receiver that is full, a publish that fails, deliveries that run out.
 */
import { expect } from 'chai';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NetworkEvent, Signal } from '../../../lib/index.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import { defaultStream } from '../../../lib/transport/nats/names.ts';
import { NATS_URL, describeNats, expectIdentities, postAll, networksPerTest, until } from './support.ts';

describeNats('transport/nats: failures lose nothing', () => {
  const fixture = networksPerTest('fail', { shutdownTimeoutMs: 2_000 });
  const network = fixture.network;

  it('a receiver killed by a forced shutdown hands its unacked signals back; the next process completes them all', async () => {
    const N = 300;
    const done = new Set<number>();
    const b1 = network();
    let b1Done = 0;
    b1.node('worker', {
      partitions: 4,
      handle: async (s: Signal<{ n: number }>, ctx) => {
        if (b1Done < 50) {
          b1Done++;
          done.add(s.payload.n);
          return;
        }
        // Stuck until the shutdown aborts it: in flight and unacked when B1 dies.
        await new Promise((resolve) => ctx.abortSignal.addEventListener('abort', resolve));
      },
    });
    const a = network();
    a.remote('worker');
    await b1.start();
    await a.start();
    await postAll(
      a,
      'worker',
      Array.from({ length: N }, (_, n) => ({ type: 'job', payload: { n }, partitionKey: `p${n % 10}` })),
    );
    await a.idle();
    await until(() => b1Done === 50 && (b1.counts().transport?.unacked ?? 0) > 0, 'B1 busy with unacked signals');
    const report = await b1.shutdown({ force: true });
    expect(report.forced).to.equal(true);
    expect(report.transport?.nakedAtClose).to.be.greaterThan(0);
    const c1 = b1.counts();
    expectIdentities(c1);
    expect(c1.handedBack).to.be.greaterThan(0);

    const b2 = network();
    b2.node('worker', { partitions: 4, handle: (s: Signal<{ n: number }>) => void done.add(s.payload.n) });
    await b2.start();
    await until(() => done.size === N, `all ${N} signals completed by B1 or B2`);
    await b2.idle();
    const c2 = b2.counts();
    expectIdentities(c2);
    expect(c1.completed + c2.completed).to.be.at.least(N);
    expect(a.counts().forwarded).to.equal(N);
    expect(c2.transport?.redeliveries).to.be.greaterThan(0);
  });

  it('a full receiver naks (JetStream redelivers later) and everything completes', async function () {
    // Redelivery rounds on a real server: seconds when the machine is quiet, much longer under load
    // (timed out at 25 s twice on a loaded CI machine). The wait is for I/O, not a timing assertion.
    this.timeout(90_000);
    const N = 150;
    const b = network({ maxDeliver: 1_000 });
    let handled = 0;
    b.node('worker', {
      partitions: 1,
      capacity: 4,
      handle: async () => {
        await new Promise((r) => setTimeout(r, 2)); // a slow consumer keeps its tiny mailbox full
        handled++;
      },
    });
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();
    await postAll(
      a,
      'worker',
      Array.from({ length: N }, (_, n) => ({ type: 'job', payload: { n } })),
    );
    await until(() => b.counts().completed === N, `${N} completions despite backpressure`, 80_000);
    await b.idle();
    const c = b.counts();
    expectIdentities(c);
    expect(handled).to.equal(N);
    expect(c.transport?.naked).to.be.greaterThan(0);
    expect(c.transport?.redeliveries).to.be.greaterThan(0);
    expect(c.deadLettered).to.equal(0);
    expect(b.stats('worker').rejected).to.be.greaterThan(0);
  });

  it('a message whose deliveries run out while the node is full is dead-lettered here (max-deliveries) and terminated', async () => {
    const b = network({ maxDeliver: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    b.node('worker', { partitions: 1, capacity: 1, handle: () => gate });
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();
    for (let n = 0; n < 5; n++) await a.send('worker', { type: 'job', payload: { n } });
    await until(() => b.counts().deadLettered >= 1, 'a dead letter for a message refused on its last delivery');
    release();
    await until(() => b.counts().completed + b.counts().deadLettered === 5, 'all 5 ended at B');
    const entry = b.dlq.list({ reason: 'max-deliveries' })[0]!;
    expect(entry.node).to.equal('worker');
    expect(entry.error.code).to.equal('PLEXUS_TRANSPORT');
    expect(b.counts().transport?.terminated).to.be.greaterThan(0);
    expectIdentities(b.counts());
  });

  it('a publish that still fails after its retries dead-letters the signal at the sender (transport-failed, error kept); send rejects', async () => {
    const a = network({ publishRetries: 2, publishRetryDelayMs: 10 });
    a.remote('worker');
    const events: NetworkEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    await a.start();
    // The stream disappears under the sender: JetStream has no one to store the message.
    const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
    await (await jetstreamManager(nc)).streams.delete(defaultStream(fixture.name));
    await nc.close();

    const receipt = a.post('worker', { type: 'job', payload: { n: 1 } });
    expect(receipt.status).to.equal('accepted');
    const sent = a.send('worker', { type: 'job', payload: { n: 2 } });
    const error = await sent.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTransportError(error)).to.equal(true);
    await a.idle();
    const dead = a.dlq.list({ reason: 'transport-failed' });
    expect(dead.map((d) => (d.signal.payload as { n: number }).n).sort()).to.deep.equal([1, 2]);
    expect(dead[0]!.error.code).to.equal('PLEXUS_TRANSPORT');
    expect(dead[0]!.node).to.equal('worker');
    const c = a.counts();
    expectIdentities(c);
    expect(c).to.include({ accepted: 2, deadLettered: 2, forwarded: 0, active: 0 });
    expect(c.transport?.publishFailed).to.equal(2);
    expect(c.transport?.publishRetried, 'each tried twice more first').to.equal(4);
    expect(events.some((e) => e.kind === 'transport-error' && e.operation === 'transport.publish')).to.equal(true);
    expect(events.filter((e) => e.kind === 'dead-lettered' && e.reason === 'transport-failed')).to.have.length(2);
  });
});

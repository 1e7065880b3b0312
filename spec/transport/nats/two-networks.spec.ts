/**
 * Two networks of one process talking over a real JetStream: A sends, B hosts the node. The
 * same code runs when A and B are different processes (see processes.spec.ts).
 */
import { expect } from 'chai';
import { connect } from '@nats-io/transport-node';
import type { NetworkEvent, Signal } from '../../../lib/index.ts';
import { subjectFor } from '../../../lib/transport/nats/names.ts';
import { NATS_URL, describeNats, expectIdentities, postAll, networksPerTest, until } from './support.ts';

describeNats('transport/nats: two networks over JetStream', () => {
  const fixture = networksPerTest('two');
  const network = fixture.network;

  it('delivers every post to the remote node, in order per partition key, and both sides account for it', async () => {
    const N = 2_000;
    const b = network();
    const seen = new Map<string, number[]>();
    b.node('worker', {
      partitions: 8,
      handle: (s: Signal<{ key: string; n: number }>) => {
        const list = seen.get(s.payload.key) ?? [];
        list.push(s.payload.n);
        seen.set(s.payload.key, list);
      },
    });
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();
    const drafts = Array.from({ length: N }, (_, i) => ({ type: 'job', payload: { key: `k${i % 20}`, n: i }, partitionKey: `k${i % 20}` }));
    await postAll(a, 'worker', drafts);
    await a.idle();
    await until(() => b.counts().completed === N, `${N} completions at B`);
    await b.idle();

    for (const [key, list] of seen) expect(list, `order of ${key}`).to.deep.equal([...list].sort((x, y) => x - y));
    expect([...seen.values()].reduce((t, l) => t + l.length, 0)).to.equal(N);
    const ca = a.counts();
    const cb = b.counts();
    expectIdentities(ca);
    expectIdentities(cb);
    expect(ca.accepted).to.equal(N);
    expect(ca.forwarded).to.equal(N);
    expect(ca.active).to.equal(0);
    expect(ca.transport?.stored).to.equal(N);
    expect(cb.received).to.equal(N);
    expect(cb.completed).to.equal(N);
    await until(() => b.counts().transport?.acked === N, 'every message acked');
    expect(cb.transport?.unacked).to.equal(0);
    // Across the two processes: everything A forwarded ended at B.
    expect(ca.forwarded).to.equal(cb.completed + cb.deadLettered);
    const text = await b.metrics.text();
    expect(text).to.match(/plexus_transport_messages_total\{outcome="acked",network="[^"]+"\} 2000/);
  });

  it('queues publishes beyond the in-flight window in order, refuses past maxPending, and delivers all it took', async () => {
    const b = network();
    const got: number[] = [];
    b.node('worker', { partitions: 1, handle: (s: Signal<{ n: number }>) => void got.push(s.payload.n) });
    const a = network({ maxInFlight: 4, maxPending: 200 });
    a.remote('worker');
    a.node('fanout', {
      // One signal emits 150 children at once: far past the window, all queued, none refused.
      handle: (_s, ctx) => {
        for (let n = 0; n < 150; n++) ctx.emit('worker', { type: 'job', payload: { n }, partitionKey: 'one' });
      },
    });
    await b.start();
    await a.start();
    expect(a.post('fanout', { type: 'go' }).status).to.equal('accepted');
    await a.idle(); // every publish has its PubAck
    expect(a.counts().deadLettered, 'no emit was refused').to.equal(0);
    // In one synchronous run no PubAck can come back: 200 are held, the 201st is refused.
    const more = Array.from({ length: 201 }, (_, i) => a.post('worker', { type: 'job', payload: { n: 150 + i }, partitionKey: 'one' }));
    expect(more.slice(0, 200).every((r) => r.status === 'accepted')).to.equal(true);
    const refused = more[200]!;
    expect(refused.status).to.equal('rejected');
    if (refused.status === 'rejected') expect(refused.reason).to.equal('backpressure');
    await a.idle();
    await until(() => b.counts().completed === 350, '350 completions at B');
    expect(got).to.deep.equal(Array.from({ length: 350 }, (_, i) => i)); // one key, one partition: in order
    const ca = a.counts();
    expectIdentities(ca);
    expect(ca.forwarded).to.equal(350);
    expect(ca.deadLettered).to.equal(0);
    expect(ca.transport?.publishRefused).to.equal(1);
  });

  it('keeps lineage across processes: correlation and causation ids, source, headers, and the history continues', async () => {
    const b = network();
    const a = network();
    let atWorker: Signal | undefined;
    let parentId = '';
    b.node('worker', { handle: (s) => void (atWorker = s) });
    a.node('relay', {
      handle: (s, ctx) => {
        parentId = s.id;
        ctx.emit('worker', { type: 'shipped', payload: { order: 42 }, headers: { tenant: 't1' } });
      },
    });
    a.remote('worker');
    const completed: Signal[] = [];
    b.events$.subscribe((e: NetworkEvent) => e.kind === 'completed' && completed.push(e.signal));
    await b.start();
    await a.start();
    a.post('relay', { type: 'order', payload: { id: 42 }, correlationId: 'order-42' });
    await until(() => completed.length === 1, 'the emitted signal at B');
    const s = atWorker!;
    expect(s.correlationId).to.equal('order-42');
    expect(s.causationId).to.equal(parentId);
    expect(s.source).to.equal('relay');
    expect(s.target).to.equal('worker');
    expect(s.headers).to.deep.equal({ tenant: 't1' });
    expect(s.payload).to.deep.equal({ order: 42 });
    // The envelope arrived with its (empty) history and B's hop was appended to it.
    expect(completed[0]!.hops.map((h) => [h.node, h.outcome])).to.deep.equal([['worker', 'completed']]);
  });

  it('lets JetStream deduplicate producers by Nats-Msg-Id: the second send with a key is a duplicate, handled once', async () => {
    const b = network();
    let handled = 0;
    b.node('worker', { handle: () => void handled++ });
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();
    const first = await a.send('worker', { type: 'pay', payload: { amount: 5 }, idempotencyKey: 'pay-1' });
    const second = await a.send('worker', { type: 'pay', payload: { amount: 5 }, idempotencyKey: 'pay-1' });
    expect(first.status).to.equal('accepted');
    expect(second.status).to.equal('duplicate');
    await until(() => b.counts().completed === 1, 'the one completion at B');
    const ca = a.counts();
    expectIdentities(ca);
    expect(ca).to.include({ accepted: 1, duplicate: 1, forwarded: 1 });
    expect(ca.transport?.duplicatePubAcks).to.equal(1);
    // A third send after B handled it: still the stream's duplicate (within its window).
    expect((await a.send('worker', { type: 'pay', idempotencyKey: 'pay-1' })).status).to.equal('duplicate');
    await b.idle();
    expect(handled).to.equal(1);
  });

  it('terminates an undecodable message and records it, and the node goes on', async () => {
    const b = network();
    let handled = 0;
    b.node('worker', { handle: () => void handled++ });
    const errors: NetworkEvent[] = [];
    b.events$.subscribe((e) => e.kind === 'transport-error' && errors.push(e));
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();
    const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
    const { jetstream } = await import('@nats-io/jetstream');
    await jetstream(nc).publish(subjectFor('plexus', fixture.name, 'worker'), 'this is not an envelope');
    await nc.close();
    await a.send('worker', { type: 'ok' });
    await until(() => handled === 1 && (b.counts().transport?.terminated ?? 0) === 1, 'the good signal handled and the bad one terminated');
    expect(b.counts().transport?.undecodable).to.equal(1);
    expect(errors.some((e) => e.kind === 'transport-error' && e.operation === 'transport.decode')).to.equal(true);
    expect(b.audit.errors().some((r) => /malformed|not JSON/.test(r.error.message))).to.equal(true);
  });
});

/**
 * A broker outage loses nothing. The spec owns its nats-server (a free port, its own store),
 * stops it in the middle of a flood of posts and starts it again on the same port and store.
 * Delivery is at least once with dedup at the stream: a publish retried after a lost PubAck is
 * absorbed by the stream's `Nats-Msg-Id` window (the sender counts no duplicate, and the stream
 * holds each key once), but a message whose ack was lost in the outage is redelivered, and a
 * redelivery skips the node's dedup (it may be a signal a shutdown handed back), so it is
 * handled again: the spec counts such repeats and bounds them by the redeliveries JetStream
 * reports (a few dozen of 3,000 in a typical run).
 */
import { expect } from 'chai';
import { createNetwork, createNatsTransport, type Network, type Signal } from '../../../lib/index.ts';
import { describeOwnServer, OwnNatsServer } from './own-server.ts';
import { expectIdentities, until } from './support.ts';

/** A real wait: the sender polls while the pipeline refuses it (the server is really down). */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeOwnServer('transport/nats: a broker outage loses nothing (a server of its own, stopped mid-flood)', function () {
  this.timeout(30_000);
  let server: OwnNatsServer;
  const networks: Network[] = [];

  before(async () => {
    server = await OwnNatsServer.start();
  });
  after(async () => {
    for (const n of networks) await n.shutdown({ timeoutMs: 2_000 });
    await server?.dispose();
  });

  function network(): Network {
    const transport = createNatsTransport({
      servers: server.url(),
      reconnectWaitMs: 50,
      publishTimeoutMs: 500,
      publishRetryDelayMs: 50,
      // Two retries while connected: far less than the outage. Attempts that fail while the link
      // is down do not count, so the outage's length does not matter.
      publishRetries: 2,
      maxPending: 400,
      maxInFlight: 100,
      ackWaitMs: 2_000,
      nakDelayMs: 10,
    });
    const net = createNetwork({ name: 'outage', transport, shutdownTimeoutMs: 2_000 });
    networks.push(net);
    return net;
  }

  it('every accepted post is handled at least once (a repeat only for a JetStream redelivery), none dead-lettered; the sender is refused while the broker is down', async () => {
    const N = 3_000;
    const handled = new Map<number, number>();
    const b = network();
    b.node('worker', { partitions: 4, handle: (s: Signal<{ n: number }>) => void handled.set(s.payload.n, (handled.get(s.payload.n) ?? 0) + 1) });
    const a = network();
    a.remote('worker');
    await b.start();
    await a.start();

    let refusals = 0;
    const otherRejections: string[] = [];
    const flood = (async () => {
      for (let n = 0; n < N; n++) {
        for (;;) {
          const r = a.post('worker', { type: 'job', payload: { n }, idempotencyKey: `job-${n}` });
          if (r.status !== 'rejected') break;
          if (r.reason !== 'backpressure') {
            otherRejections.push(`${n}: ${r.reason}`);
            break;
          }
          refusals++;
          await pause(5);
        }
      }
    })();

    await until(() => a.counts().accepted >= N / 4, 'a quarter of the flood accepted before the outage');
    await server.stop();
    const stoppedAt = Date.now();
    const acceptedAtStop = a.counts().accepted;
    // Down until the sender has been refused, then two more seconds (a publish times out after 0.5 s).
    await until(() => refusals > 0, 'posts refused while the broker is down');
    await pause(2_000);
    const outageMs = Date.now() - stoppedAt;
    const refusedDuringOutage = refusals;
    await server.restart();
    await flood;
    await a.idle(); // every accepted publish ended: forwarded (PubAck) or dead-lettered
    await until(() => handled.size === a.counts().forwarded, 'every forwarded post handled');
    await b.idle();
    await until(() => b.counts().transport?.unacked === 0, 'every delivery acked');

    const ca = a.counts();
    const cb = b.counts();
    expect(otherRejections).to.deep.equal([]);
    expect(acceptedAtStop).to.be.lessThan(N);
    expect(outageMs).to.be.at.least(1_950); // a timer may fire a millisecond early by Date.now()
    expect(refusedDuringOutage, 'refused before acceptance while the pipeline was full').to.be.greaterThan(0);
    expectIdentities(ca);
    expectIdentities(cb);
    expect(a.dlq.list().length, 'nothing dead-lettered at the sender').to.equal(0);
    expect(handled.size, 'every post handled').to.equal(N);
    expect(ca).to.include({ accepted: N, rejected: refusals, deadLettered: 0, forwarded: N, active: 0, duplicate: 0 });
    expect(a.dlq.size + a.dlq.overflowed, 'nothing dead-lettered, nothing pushed out of the DLQ').to.equal(0);
    expect(ca.transport?.publishRetried).to.be.greaterThan(0);
    expect(ca.transport?.publishFailed).to.equal(0);
    // Every accepted post handled; repeats (a lost ack) only as many as JetStream redelivered.
    const repeats = [...handled.values()].reduce((sum, times) => sum + times - 1, 0);
    expect(repeats).to.be.at.most(cb.transport?.redeliveries ?? 0);
    expect(cb.completed).to.equal(N + repeats);
    expect(cb.deadLettered).to.equal(0);
    expect(ca.forwarded).to.equal(cb.completed + cb.deadLettered - repeats);
  });
});

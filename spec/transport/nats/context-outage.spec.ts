/**
 * The shared context mirror through a broker outage (a server of its own, stopped and started
 * again on the same store): a write that fails is reported and the value is written again by the
 * next publish of it; the watches resume after the outage.
 */
import { expect } from 'chai';
import { createNatsTransport, createNetwork, type Network, type NetworkEvent } from '../../../lib/index.ts';
import { describeOwnServer, OwnNatsServer } from './own-server.ts';
import { until } from './support.ts';

describeOwnServer('transport/nats: the shared context mirror through a broker outage', function () {
  this.timeout(40_000);
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
    const transport = createNatsTransport({ servers: server.url(), reconnectWaitMs: 50, publishTimeoutMs: 500, ackWaitMs: 2_000 });
    const net = createNetwork({ name: 'ctx-outage', transport, journal: false, shutdownTimeoutMs: 2_000 });
    networks.push(net);
    return net;
  }

  it('a publish during the outage is reported and written by its next publish; both watches work again afterwards', async () => {
    const a = network();
    const b = network();
    const events: NetworkEvent[] = [];
    a.events$.subscribe((e) => events.push(e));
    await a.start();
    await b.start();
    a.context.publish('app.before', 1, { publisher: 'a' });
    await until(() => b.context.get('app.before') !== undefined, 'the value before the outage');

    await server.stop();
    a.context.publish('app.during', 'x', { publisher: 'a' });
    await until(() => events.some((e) => e.kind === 'transport-error' && e.operation === 'context.write'), 'the failed write to be reported');
    await server.restart();

    // The network re-publishes its values on an interval; the same value is written again, as the bucket lacks it.
    await until(
      () => {
        a.context.publish('app.during', 'x', { publisher: 'a' });
        return b.context.get('app.during') !== undefined;
      },
      'the value written after the outage to reach the other network',
      20_000,
    );
    b.context.publish('app.after', 2, { publisher: 'b' });
    await until(() => a.context.get('app.after') !== undefined, "the other network's publish after the outage");
    expect(a.context.get('app.during')?.value).to.equal('x');
  });
});

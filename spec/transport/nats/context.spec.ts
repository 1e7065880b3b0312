/**
 * `network.context` with a NATS transport: networks of one name share it through the JetStream
 * key-value bucket `context` of the network (two networks in this process here; two processes
 * in context-processes.spec.ts). A start that cannot open the bucket fails and opens nothing.
 */
import { expect } from 'chai';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNetwork, type ContextEntry, type NetworkEvent } from '../../../lib/index.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import { kvBucketFor } from '../../../lib/transport/nats/names.ts';
import { NATS_URL, deleteBuckets, describeNats, networksPerTest, testTransport, until } from './support.ts';

describeNats('transport/nats: network.context shared through the key-value bucket', () => {
  const fixture = networksPerTest('ctx', { journal: false });
  afterEach(async () => deleteBuckets(fixture.name, ['context']));

  it('what one network publishes, another of the same name sees (get and watch), its own context included; a removal reaches it', async () => {
    const a = fixture.network();
    const b = fixture.network();
    a.node('store', { handle: () => undefined, breaker: { failureThreshold: 3 } });
    await a.start();
    await b.start();
    // a published its own context at start, before b started: b found it in the bucket.
    expect(b.context.get('node.store.breakerState')).to.deep.include({ value: 'closed', publisher: fixture.name });
    expect(b.context.get('network.health')?.publisher).to.equal(fixture.name);
    const seen: (ContextEntry | undefined)[] = [];
    b.context.watch('app.mode').subscribe((e) => seen.push(e));
    a.context.publish('app.mode', { mode: 'drain' }, { publisher: 'ops' });
    await until(() => seen.length === 2, 'the publish to reach the other network');
    expect(seen[0]).to.equal(undefined);
    expect(seen[1]).to.deep.include({ key: 'app.mode', value: { mode: 'drain' }, publisher: 'ops' });
    b.context.remove('app.mode');
    await until(() => a.context.get('app.mode') === undefined, 'the removal to reach the first network');
  });

  it('a start that cannot open the context bucket fails with a TransportError and opens nothing; the next start works', async () => {
    const bucket = kvBucketFor(fixture.name, 'context');
    const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
    const jsm = await jetstreamManager(nc);
    // Another stream holds the bucket's subjects: the bucket cannot be created.
    await jsm.streams.add({ name: `BLOCK_${bucket}`, subjects: [`$KV.${bucket}.>`] });
    try {
      const net = fixture.network();
      const events: NetworkEvent[] = [];
      net.events$.subscribe((e) => events.push(e));
      const error = await net.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTransportError(error) && error.failure).to.equal('key-value');
      expect(net.state).to.equal('created');
      expect(net.post('nowhere', { type: 't', payload: 1 }).status).to.equal('rejected');
      await jsm.streams.delete(`BLOCK_${bucket}`);
      await net.start();
      expect(net.state).to.equal('running');
      net.context.publish('app.after', 1, { publisher: 'p' });
      const other = fixture.network();
      await other.start();
      await until(() => other.context.get('app.after') !== undefined, 'the shared value after the retried start');
    } finally {
      await jsm.streams.delete(`BLOCK_${bucket}`).catch(() => false);
      await nc.close();
    }
  });

  it('values outlive the network that published them (a later network finds them); the shut network keeps its view, local only', async () => {
    const a = fixture.network();
    await a.start();
    a.context.publish('app.kept', 'yes', { publisher: 'a' });
    await a.shutdown();
    expect(a.context.get('app.kept')?.value).to.equal('yes');
    const b = createNetwork({ name: fixture.name, journal: false, transport: testTransport() });
    try {
      await b.start();
      expect(b.context.get('app.kept')?.value).to.equal('yes');
    } finally {
      await b.shutdown();
    }
  });
});

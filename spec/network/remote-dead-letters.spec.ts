/**
 * Dead letters no local node journaled (a publish to a remote node that failed for good, a
 * received signal whose deliveries ran out) survive a restart of a network whose journal is
 * durable, like a node's own dead letters, and a reprocess or purge after it takes them out for
 * good.
 * The transport is a fake (no server): its publishes fail or succeed as the spec says, and it
 * hands the network a received signal that used up its deliveries. A "crash" is a copy of the
 * journal file taken while the network still runs.
 */
import { expect } from 'chai';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetwork, FileJournal, type Network, type PublishAck, type Signal, type Transport, type TransportCounts, type TransportHost } from '../../lib/index.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

const NO_COUNTS: TransportCounts = {
  published: 0,
  stored: 0,
  duplicatePubAcks: 0,
  publishFailed: 0,
  publishRetried: 0,
  publishRefused: 0,
  publishPending: 0,
  delivered: 0,
  redeliveries: 0,
  absorbed: 0,
  acked: 0,
  naked: 0,
  terminated: 0,
  duplicate: 0,
  undecodable: 0,
  inProgress: 0,
  unacked: 0,
};

/**
 * A transport whose publishes all fail, are all stored, or wait for a PubAck that never comes
 * (`hang`: closing the session fails them, as the NATS one does once its last try fails); it
 * keeps its host and what it published.
 */
function fakeTransport(publishes: 'fail' | 'store' | 'hang') {
  const published: Signal[] = [];
  const waiting: ((e: Error) => void)[] = [];
  let host: TransportHost | undefined;
  const transport: Transport = {
    kind: 'fake',
    bind(h) {
      host = h;
      return {
        start: () => Promise.resolve(),
        addNode: () => undefined,
        publish(signal): Promise<PublishAck> {
          if (publishes === 'fail') return Promise.reject(Object.assign(new Error('stream gone'), { code: 'E_STREAM' }));
          if (publishes === 'hang') return new Promise<PublishAck>((_, reject) => waiting.push(reject));
          published.push(signal);
          return Promise.resolve({ duplicate: false });
        },
        settled: () => undefined,
        stopConsuming: () => Promise.resolve(),
        close: async () => {
          const failed = waiting.splice(0);
          for (const reject of failed) reject(Object.assign(new Error('closed before its PubAck'), { code: 'E_CLOSED' }));
          // Rejected before the close resolves: the network's handlers of these publishes run first, as with the real session.
          return { nakedAtClose: 0, publishesAwaited: failed.length, publishesFailed: failed.length, errors: [] };
        },
        counts: () => NO_COUNTS,
      };
    },
  };
  return { transport, published, host: () => host! };
}

describe('network: dead letters made without a local handler survive a restart (durable journal)', () => {
  let dir: string;
  let clock: VirtualClock;
  const networks: Network[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-remote-dl-'));
    clock = new VirtualClock();
  });
  afterEach(async () => {
    await Promise.all(networks.splice(0).map((n) => n.shutdown({ force: true })));
    await rm(dir, { recursive: true, force: true });
  });

  /** A started network on `path` with remote node `far` and local node `sink` (whose handler records what it handles). */
  const network = async (path: string, publishes: 'fail' | 'store' | 'hang', handled: string[] = []) => {
    const fake = fakeTransport(publishes);
    const net = createNetwork({ name: `remote-dl-${networks.length}`, clock, journal: new FileJournal({ path }), transport: fake.transport });
    net.remote('far');
    net.node('sink', { retry: false, handle: (s) => void handled.push(s.id) });
    networks.push(net);
    await net.start();
    return { net, fake };
  };
  /** Every record queued so far is on disk once a send resolves (its batch, and every one before it, is written). */
  const flush = async (net: Network): Promise<void> => {
    await net.idle();
    expect((await net.send('sink', { type: 'flush' })).status).to.equal('accepted');
    await net.idle();
  };
  let crashes = 0;
  const crash = async (path: string): Promise<string> => {
    const copy = join(dir, `crash-${++crashes}.jsonl`);
    await copyFile(path, copy);
    return copy;
  };

  it('a transport-failed and a max-deliveries dead letter come back with their entries, and a reprocess or purge after the restart takes them out for good', async () => {
    const first = await network(join(dir, 'journal.jsonl'), 'fail');
    const failed = await first.net.send('far', { type: 'order', payload: { n: 1 }, idempotencyKey: 'order-1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed, 'the publish failed').to.be.instanceOf(Error);
    await first.net.send('far', { type: 'cancel', payload: { n: 3 } }).catch(() => undefined);
    const received = createSignal({ type: 'order', payload: { n: 2 } }, 'sink', clock.now(), { maxBytes: 1024, maxDepth: 8 });
    first.fake.host().giveUp('sink', received, new Error('refused 5 times'), 5);
    await flush(first.net);
    const before = first.net.dlq.list().map((d) => ({ id: d.id, node: d.node, reason: d.reason, attempts: d.attempts, code: d.error.code, payload: d.signal.payload }));
    expect(before.map((d) => d.reason)).to.deep.equal(['transport-failed', 'transport-failed', 'max-deliveries']);

    const handled: string[] = [];
    const secondPath = await crash(join(dir, 'journal.jsonl'));
    const second = await network(secondPath, 'store', handled);
    const after = second.net.dlq.list().map((d) => ({ id: d.id, node: d.node, reason: d.reason, attempts: d.attempts, code: d.error.code, payload: d.signal.payload }));
    expect(after).to.deep.equal(before);
    expect(second.net.dlq.get(before[0]!.id)?.signal.idempotencyKey).to.equal('order-1');

    // Reprocessed after the restart: published to `far` this time, and handled by `sink`; one purged.
    expect(second.net.dlq.purge({ type: 'cancel' })).to.equal(1);
    for (const d of [before[0]!, before[2]!]) expect(second.net.dlq.reprocess(d.id).status).to.equal('accepted');
    await flush(second.net);
    expect(second.fake.published.map((s) => s.id)).to.deep.equal([before[0]!.id]);
    expect(handled).to.include(received.id);
    expect(second.net.dlq.size).to.equal(0);
    const c = second.net.counts();
    expect(c.redelivered).to.equal(2);
    expect(c.forwarded + c.completed).to.equal(c.accepted + c.redelivered);

    // Gone for good: another restart brings neither back.
    const third = await network(await crash(secondPath), 'store');
    expect(third.net.dlq.list()).to.deep.equal([]);
  });

  it('a publish that fails while the network shuts down is journaled before the journal closes, and comes back at the next start', async () => {
    const path = join(dir, 'journal.jsonl');
    const first = await network(path, 'hang');
    const receipt = first.net.post('far', { type: 'order', payload: { n: 4 } });
    expect(receipt.status).to.equal('accepted');
    const report = await first.net.shutdown({ force: true });
    expect(report.transport?.publishesFailed).to.equal(1);
    expect(first.net.dlq.list().map((d) => d.reason)).to.deep.equal(['transport-failed']);
    const second = await network(path, 'store');
    expect(second.net.dlq.list().map((d) => ({ id: d.id, reason: d.reason, payload: d.signal.payload }))).to.deep.equal([
      { id: receipt.status === 'accepted' ? receipt.id : '', reason: 'transport-failed', payload: { n: 4 } },
    ]);
  });
});

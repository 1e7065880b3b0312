/**
 * What a durable network knows again after a crash: its dead letter queue (entries as they were,
 * reprocessed and purged ones gone for good, through compactions too) and the idempotency keys of
 * its dedup window (a producer that sends again after a crash hears `duplicate`). A "crash" is a
 * copy of the journal file taken while the network still runs, opened by a new network: no
 * graceful shutdown, only what was on disk.
 */
import { expect } from 'chai';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { LifecycleError } from '../../lib/network/errors.ts';
import type { DeadLetter } from '../../lib/delivery/dead-letter-queue.ts';
import { createNetwork, type Network } from '../../lib/index.ts';
import type { SignalHandler } from '../../lib/node/node-options.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

const WINDOW_MS = 60_000;

/** The parts of a dead letter that must survive a restart. */
const described = (d: DeadLetter): unknown => ({
  id: d.id,
  node: d.node,
  partition: d.partition,
  reason: d.reason,
  attempts: d.attempts,
  firstFailureAt: d.firstFailureAt,
  lastFailureAt: d.lastFailureAt,
  deadLetteredAt: d.deadLetteredAt,
  error: { name: d.error.name, message: d.error.message, code: d.error.code, category: d.error.category },
  payload: d.signal.payload,
  key: d.signal.idempotencyKey,
  hops: d.signal.hops.map((h) => [h.node, h.attempt, h.outcome]),
});

describe('delivery/file-journal: what a restart knows again', () => {
  let dir: string;
  let clock: VirtualClock;
  let crashes = 0;
  const networks: Network[] = [];
  const journals = new Map<Network, FileJournal>();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-restart-'));
    clock = new VirtualClock();
  });
  afterEach(async () => {
    await Promise.all(networks.splice(0).map((n) => n.shutdown({ force: true })));
    await rm(dir, { recursive: true, force: true });
  });

  /** A started network on `path` with a node `work` (no retries) and a node `sink`. */
  const network = async (path: string, handle: SignalHandler, maxBytes?: number): Promise<Network> => {
    const journal = new FileJournal({ path, ...(maxBytes === undefined ? {} : { maxBytes }) });
    const net = createNetwork({ name: `restart-${networks.length}`, clock, dedup: { windowMs: WINDOW_MS }, journal });
    journals.set(net, journal);
    net.node('work', { partitions: 2, retry: false, breaker: false, handle });
    net.node('sink', { handle: () => {} });
    networks.push(net);
    await net.start();
    return net;
  };
  /** Waits until every record queued so far is on disk: a send resolves once its batch, and every batch before it, is written. */
  const flush = async (net: Network): Promise<void> => {
    await net.idle();
    expect((await net.send('sink', { type: 'flush' })).status).to.equal('accepted');
  };
  /** The file as a crash would leave it now, under a new name for the next network. */
  const crash = async (path: string): Promise<string> => {
    const copy = join(dir, `crash-${++crashes}.jsonl`);
    await copyFile(path, copy);
    return copy;
  };
  const failing: SignalHandler = (s) => {
    throw Object.assign(new Error(`boom ${String((s.payload as { n: number }).n)}`), { code: 'E_BOOM' });
  };

  describe('dead letters', () => {
    it('come back with their entries; a reprocess after the restart is journaled, and purged ones stay purged', async () => {
      const path = join(dir, 'dlq.jsonl');
      const first = await network(path, failing);
      for (let n = 0; n < 10; n++) await first.send('work', { type: 'job', payload: { n }, idempotencyKey: `job-${n}` });
      await flush(first);
      const before = first.dlq.list();
      expect(before).to.have.length(10);

      const handled: unknown[] = [];
      const second = await network(await crash(path), (s) => void handled.push(s.payload));
      expect(second.dlq.list().map(described)).to.deep.equal(before.map(described));
      expect(second.counts()).to.include({ deadLettered: 0, accepted: 0 });
      const reprocessed = before[0]!.id;
      expect(second.dlq.reprocess(reprocessed)?.status).to.equal('accepted');
      await second.idle();
      expect(handled).to.deep.equal([{ n: 0 }]);
      expect(second.dlq.purge({ limit: 3 })).to.equal(3);
      await flush(second);

      const third = await network(await crash(join(dir, 'crash-1.jsonl')), (s) => void handled.push(s.payload));
      expect(third.dlq.list().map((d) => d.id)).to.deep.equal(before.slice(4).map((d) => d.id));
      await third.idle();
      expect(handled, 'the reprocessed one is not handled again').to.deep.equal([{ n: 0 }]);
    });

    it('a compaction keeps the dead letters still queued, and not the purged ones', async () => {
      const path = join(dir, 'dlq-compact.jsonl');
      const first = await network(path, (s) => (s.type === 'bad' ? failing(s, undefined as never) : undefined), 4096);
      for (let n = 0; n < 5; n++) await first.send('work', { type: 'bad', payload: { n } });
      await flush(first);
      expect(first.dlq.purge({ limit: 2 })).to.equal(2);
      const queued = first.dlq.list().map(described);
      // Enough completed signals to pass maxBytes several times over.
      for (let n = 0; n < 200; n++) await first.send('work', { type: 'good', payload: { n } });
      await flush(first);
      expect(journals.get(first)!.stats().compactions).to.be.at.least(2);
      const second = await network(await crash(path), () => {});
      expect(second.dlq.list().map(described)).to.deep.equal(queued);
    });
  });

  it('a shutdown begun while start() reads the journal leaves the network closed', async () => {
    const net = createNetwork({ name: 'restart-race', clock, journal: new FileJournal({ path: join(dir, 'race.jsonl') }) });
    net.node('work', { handle: () => {} });
    const started = net.start();
    await net.shutdown({ timeoutMs: 1_000 });
    const outcome = await started.then(
      () => 'started',
      (e: unknown) => e,
    );
    expect(outcome, 'the shutdown wins: start() rejects').to.be.instanceOf(LifecycleError);
    expect(net.state).to.equal('terminated');
    expect(net.post('work', { type: 'job' }).status).to.equal('rejected');
  });

  describe('idempotency keys', () => {
    it('a key completed before the crash is a duplicate after it', async () => {
      const path = join(dir, 'dedup.jsonl');
      const first = await network(path, () => {});
      expect((await first.send('work', { type: 'job', payload: 1, idempotencyKey: 'K' })).status).to.equal('accepted');
      await flush(first);
      const handled: unknown[] = [];
      const second = await network(await crash(path), (s) => void handled.push(s.payload));
      expect((await second.send('work', { type: 'job', payload: 2, idempotencyKey: 'K' })).status).to.equal('duplicate');
      expect((await second.send('work', { type: 'job', payload: 3, idempotencyKey: 'other' })).status).to.equal('accepted');
      await second.idle();
      expect(handled).to.deep.equal([3]);
    });

    it('a key pending at the crash is recovered, handled once, and its re-send is a duplicate', async () => {
      const path = join(dir, 'dedup-pending.jsonl');
      const first = await network(path, () => new Promise<void>(() => {}));
      expect((await first.send('work', { type: 'job', payload: 1, idempotencyKey: 'K' })).status).to.equal('accepted');
      const handled: unknown[] = [];
      const second = await network(await crash(path), (s) => void handled.push(s.payload));
      expect((await second.send('work', { type: 'job', payload: 2, idempotencyKey: 'K' })).status).to.equal('duplicate');
      await second.idle();
      expect(handled).to.deep.equal([1]);
      expect(second.counts()).to.include({ redelivered: 1, duplicate: 1, accepted: 0 });
    });

    it('a key dead-lettered before the crash is a duplicate after it, as it was before', async () => {
      const path = join(dir, 'dedup-dlq.jsonl');
      const first = await network(path, failing);
      await first.send('work', { type: 'job', payload: { n: 1 }, idempotencyKey: 'K' });
      expect((await first.send('work', { type: 'job', payload: { n: 2 }, idempotencyKey: 'K' })).status).to.equal('duplicate');
      await flush(first);
      const second = await network(await crash(path), () => {});
      expect((await second.send('work', { type: 'job', payload: { n: 3 }, idempotencyKey: 'K' })).status).to.equal('duplicate');
    });

    it('a compaction keeps the keys inside the window, and only those', async () => {
      const path = join(dir, 'dedup-compact.jsonl');
      const first = await network(path, () => {}, 4096);
      await first.send('work', { type: 'job', payload: 0, idempotencyKey: 'old' });
      await clock.advance(WINDOW_MS + 1);
      await first.send('work', { type: 'job', payload: 0, idempotencyKey: 'recent' });
      // Enough signals (with default keys: none to remember) to compact several times.
      for (let n = 0; n < 200; n++) await first.send('work', { type: 'filler', payload: { n } });
      await flush(first);
      expect(journals.get(first)!.stats().compactions).to.be.at.least(2);
      const second = await network(await crash(path), () => {});
      expect((await second.send('work', { type: 'job', payload: 1, idempotencyKey: 'recent' })).status).to.equal('duplicate');
      expect((await second.send('work', { type: 'job', payload: 1, idempotencyKey: 'old' })).status).to.equal('accepted', 'older than the window: not kept');
    });

    it('keys older than the window at restart are forgotten, as they would have been', async () => {
      const path = join(dir, 'dedup-aged.jsonl');
      const first = await network(path, () => {});
      await first.send('work', { type: 'job', payload: 0, idempotencyKey: 'K' });
      await flush(first);
      await clock.advance(2 * WINDOW_MS + 1);
      const second = await network(await crash(path), () => {});
      expect((await second.send('work', { type: 'job', payload: 1, idempotencyKey: 'K' })).status).to.equal('accepted');
    });
  });
});

import { expect } from 'chai';
import { sleep } from '../../lib/util/clock.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: partitioned mailboxes', () => {
  it('handles signals of one key strictly in order, one at a time, and keys concurrently, while sends arrive mid-drain', async () => {
    // Sends are interleaved with partial drains (a few ms of virtual time at a time, handlers of
    // 1-5 ms), so signals arrive while earlier ones of their key are queued, in flight, or just
    // done with the partition idle or busy: the cases a post-everything-first test never meets.
    // Handlers only record; every check runs here, outside them.
    const { net, clock } = testNetwork();
    const keys = ['a', 'b', 'c', 'd'];
    const started: Record<string, number[]> = {};
    const finished: Record<string, number[]> = {};
    const overlaps: string[] = [];
    const busyKeys = new Set<string>();
    let running = 0;
    let maxRunning = 0;
    net.node('worker', {
      partitions: 8,
      async handle(s) {
        const { key, n } = s.payload as { key: string; n: number };
        if (busyKeys.has(key)) overlaps.push(`${key}:${n}`);
        busyKeys.add(key);
        (started[key] ??= []).push(n);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(clock, 1 + ((n * 7) % 5));
        (finished[key] ??= []).push(n);
        running--;
        busyKeys.delete(key);
      },
    });
    await net.start();
    const next: Record<string, number> = {};
    let posted = 0;
    for (let round = 0; round < 24; round++) {
      for (let i = 0; i <= round % 3; i++) {
        for (const key of keys) {
          const n = (next[key] ??= 0);
          next[key] = n + 1;
          net.post('worker', { type: 'job', payload: { key, n }, partitionKey: key });
          posted++;
        }
      }
      await clock.advance((round % 4) + 1);
    }
    while (net.counts().active > 0) await clock.advance(1);
    expect(overlaps, 'signals of one key handled at once').to.deep.equal([]);
    for (const key of keys) {
      const expected = Array.from({ length: next[key]! }, (_, i) => i);
      expect(started[key], `start order of ${key}`).to.deep.equal(expected);
      expect(finished[key], `end order of ${key}`).to.deep.equal(expected);
    }
    expect(maxRunning).to.be.greaterThan(1);
    expect(net.counts()).to.deep.include({ accepted: posted, completed: posted, deadLettered: 0 });
  });

  it('never runs more partitions at once than the concurrency limit', async () => {
    const { net, clock } = testNetwork();
    let running = 0;
    let maxRunning = 0;
    net.node('worker', {
      partitions: 16,
      concurrency: 3,
      async handle() {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(clock, 1);
        running--;
      },
    });
    await net.start();
    for (let i = 0; i < 100; i++) net.post('worker', { type: 'job', partitionKey: `k${i}` });
    while (net.counts().active > 0) await clock.advance(1);
    expect(maxRunning).to.equal(3);
    expect(net.stats('worker').completed).to.equal(100);
  });

  it('handles synchronous handlers without growing the stack', async () => {
    const { net } = testNetwork();
    let n = 0;
    net.node('sync', { capacity: 200_000, partitions: 1, handle: () => void n++ });
    await net.start();
    for (let i = 0; i < 100_000; i++) net.post('sync', { type: 't', partitionKey: 'one' });
    await net.idle();
    expect(n).to.equal(100_000);
  });

  it('routes a key to the same partition every time', async () => {
    const { net } = testNetwork();
    const partitions = new Set<number>();
    net.node('w', { partitions: 16, handle: (_s, ctx) => void partitions.add(ctx.partition) });
    await net.start();
    const receipts = Array.from({ length: 10 }, () => net.post('w', { type: 't', partitionKey: 'sensor-7' }));
    await net.idle();
    expect(new Set(receipts.map((r) => (r.status === 'accepted' ? r.partition : -1))).size).to.equal(1);
    expect(partitions.size).to.equal(1);
  });
});

import { expect } from 'chai';
import { sleep } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: partitioned mailboxes', () => {
  it('handles signals of one key strictly in order, one at a time, and keys concurrently', async () => {
    const { net, clock } = testNetwork();
    const order: Record<string, number[]> = {};
    let running = 0;
    let maxRunning = 0;
    const busyKeys = new Set<string>();
    net.node('worker', {
      partitions: 8,
      async handle(s) {
        const { key, n } = s.payload as { key: string; n: number };
        expect(busyKeys.has(key), `key ${key} handled twice at once`).to.equal(false);
        busyKeys.add(key);
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(clock, 10 - (n % 7));
        (order[key] ??= []).push(n);
        running--;
        busyKeys.delete(key);
      },
    });
    await net.start();
    for (let n = 0; n < 40; n++) for (const key of ['a', 'b', 'c', 'd']) net.post('worker', { type: 'job', payload: { key, n }, partitionKey: key });
    while (net.counts().active > 0) await clock.advance(5);
    for (const key of ['a', 'b', 'c', 'd']) expect(order[key]).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
    expect(maxRunning).to.be.greaterThan(1);
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

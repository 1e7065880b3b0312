import { expect } from 'chai';
import { testNetwork } from '../support/networks.ts';

describe('network: journal and replay', () => {
  it('returns the processed signals of a time range, by node and type', async () => {
    const { net, clock } = testNetwork();
    net.node('a', { handle: () => {} });
    net.node('b', { handle: () => {} });
    await net.start();
    const t0 = clock.now();
    net.post('a', { type: 'x', payload: 1 });
    await clock.advance(1000);
    net.post('a', { type: 'y', payload: 2 });
    net.post('b', { type: 'x', payload: 3 });
    await clock.advance(1000);
    net.post('a', { type: 'x', payload: 4 });
    await net.idle();
    const all = await net.replay({});
    expect(all.signals.map((s) => s.payload)).to.deep.equal([1, 2, 3, 4]);
    expect((await net.replay({ from: t0 + 500, to: t0 + 1500 })).signals.map((s) => s.payload)).to.deep.equal([2, 3]);
    expect((await net.replay({ node: 'a', type: 'x' })).signals.map((s) => s.payload)).to.deep.equal([1, 4]);
  });

  it('re-sends a range past deduplication, as new signals caused by the originals', async () => {
    const { net } = testNetwork();
    const seen: unknown[] = [];
    net.node('a', { handle: (s) => void seen.push([s.payload, s.headers['plexus-replay-of'] !== undefined]) });
    await net.start();
    net.post('a', { type: 'x', payload: 1, idempotencyKey: 'once' });
    await net.idle();
    const { receipts, signals } = await net.replay({ node: 'a', resend: true });
    await net.idle();
    expect(receipts.map((r) => r.status)).to.deep.equal(['accepted']);
    expect(seen).to.deep.equal([
      [1, false],
      [1, true],
    ]);
    const replayed = await net.replay({ node: 'a' });
    expect(replayed.signals[1]!.causationId).to.equal(signals[0]!.id);
  });

  it('keeps a bounded number of signals', async () => {
    const { net } = testNetwork({ journal: { capacity: 10 } });
    net.node('a', { partitions: 1, handle: () => {} });
    await net.start();
    for (let i = 0; i < 25; i++) net.post('a', { type: 'x', payload: i });
    await net.idle();
    expect((await net.replay({})).signals.map((s) => s.payload)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i + 15));
  });
});

import { expect } from 'chai';
import { testNetwork } from '../support/networks.ts';
import { DedupWindow } from '../../lib/delivery/dedup-window.ts';

describe('network: deduplication', () => {
  it('tells the sender duplicate, does not process it again, and counts it', async () => {
    const { net } = testNetwork();
    let handled = 0;
    net.node('w', { handle: () => void handled++ });
    await net.start();
    const first = net.post('w', { type: 't', idempotencyKey: 'order-1' });
    const second = net.post('w', { type: 't', idempotencyKey: 'order-1' });
    await net.idle();
    expect(first.status).to.equal('accepted');
    expect(second).to.include({ status: 'duplicate', idempotencyKey: 'order-1' });
    expect(handled).to.equal(1);
    expect(net.stats('w').duplicates).to.equal(1);
  });

  it('forgets a key after the window (default 5 minutes)', async () => {
    const { net, clock } = testNetwork();
    let handled = 0;
    net.node('w', { handle: () => void handled++ });
    await net.start();
    net.post('w', { type: 't', idempotencyKey: 'k' });
    await clock.advance(299_999);
    expect(net.post('w', { type: 't', idempotencyKey: 'k' }).status).to.equal('duplicate');
    await clock.advance(1);
    expect(net.post('w', { type: 't', idempotencyKey: 'k' }).status).to.equal('accepted');
    await net.idle();
    expect(handled).to.equal(2);
  });

  it('a refused (backpressure) signal can be sent again with the same key', async () => {
    const { net } = testNetwork();
    net.node('w', { capacity: 20, handle: () => new Promise(() => {}) });
    await net.start();
    for (let i = 0; i < 19; i++) net.post('w', { type: 't' });
    expect(net.post('w', { type: 't', idempotencyKey: 'retry-me' }).status).to.equal('rejected');
    expect(net.post('w', { type: 't', idempotencyKey: 'retry-me' }).status).to.equal('rejected');
  });

  describe('DedupWindow', () => {
    it('keeps memory bounded by the key cap', () => {
      const w = new DedupWindow(300_000, 1000);
      for (let i = 0; i < 50_000; i++) w.admit(`k${i}`, i);
      expect(w.size).to.equal(1000);
      expect(w.evictedEarly).to.equal(49_000);
      expect(w.has('k49999', 50_000)).to.equal(true);
      expect(w.has('k0', 50_000)).to.equal(false);
    });

    it('lets expired keys leave from the front as time passes', () => {
      const w = new DedupWindow(10_000, 1_000_000);
      for (let i = 0; i < 1000; i++) w.admit(`k${i}`, i);
      expect(w.size).to.equal(1000);
      expect(w.has('k0', 9_999)).to.equal(true);
      w.has('x', 10_599);
      expect(w.size).to.equal(400);
      expect(w.has('k599', 10_599)).to.equal(false);
      expect(w.has('k600', 10_599)).to.equal(true);
      w.has('x', 100_000);
      expect(w.size).to.equal(0);
    });
  });
});

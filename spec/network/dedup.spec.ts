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

  it('remembers a key for at least the window (default 5 minutes), and forgets it by twice that', async () => {
    const { net, clock } = testNetwork();
    let handled = 0;
    net.node('w', { handle: () => void handled++ });
    await net.start();
    net.post('w', { type: 't', idempotencyKey: 'k' });
    await clock.advance(299_999);
    expect(net.post('w', { type: 't', idempotencyKey: 'k' }).status).to.equal('duplicate');
    await clock.advance(300_001);
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
    it('keeps memory bounded by the key cap, and the newest half of the cap always remembered', () => {
      const w = new DedupWindow(300_000, 1000);
      for (let i = 0; i < 50_000; i++) {
        expect(w.admit(`k${i}`, i)).to.equal(true);
        expect(w.size).to.be.at.most(1000);
      }
      for (let i = 49_500; i < 50_000; i++) expect(w.admit(`k${i}`, 50_000), `k${i}`).to.equal(false);
      expect(w.has('k0', 50_000)).to.equal(false);
      expect(w.evictedEarly).to.be.greaterThan(40_000);
    });

    it('remembers every key for at least the window, and drops old generations whole', () => {
      const w = new DedupWindow(10_000, 1_000_000);
      for (let i = 0; i < 1000; i++) w.admit(`k${i}`, i * 20); // over 20 s
      // Shortly after the last key, every key seen within the last 10 s is still remembered.
      for (let i = 0; i < 1000; i++) if (i * 20 > 19_981 - 10_000) expect(w.has(`k${i}`, 19_981), `k${i}`).to.equal(true);
      expect(w.has('k999', 19_980 + 9_999)).to.equal(true);
      w.has('x', 100_000);
      expect(w.size).to.equal(0);
      expect(w.evictedEarly).to.equal(0);
    });

    it('holds for random arrival times: a key seen less than the window ago is always a duplicate', () => {
      const w = new DedupWindow(1000, 1_000_000);
      const seen = new Map<string, number>();
      let now = 0;
      for (let i = 0; i < 20_000; i++) {
        now += (i * 7919) % 13;
        const key = `k${(i * 104_729) % 3000}`;
        const first = seen.get(key);
        const fresh = w.admit(key, now);
        if (first !== undefined && now - first < 1000) expect(fresh, `${key} seen at ${first}, again at ${now}`).to.equal(false);
        if (fresh) seen.set(key, now);
        if (first !== undefined && now - first >= 2000) expect(fresh, `${key} seen at ${first}, again at ${now}`).to.equal(true);
      }
    });
  });
});

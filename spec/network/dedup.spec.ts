import { expect } from 'chai';
import { testNetwork } from '../support/networks.ts';
import { DedupScope } from '../../lib/delivery/dedup-scope.ts';
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
    expect(net.stats('w').duplicate).to.equal(1);
  });

  it('remembers a key for exactly the window (default 5 minutes): a repeat at 5 minutes is a new signal', async () => {
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

  it('a full node still answers duplicate for a repeat, and does not record the key of a signal it refuses', async () => {
    const { net, clock } = testNetwork();
    const release: (() => void)[] = [];
    net.node('w', { capacity: 20, handle: () => new Promise<void>((r) => release.push(r)) });
    const kinds: string[] = [];
    net.events$.subscribe((e) => (e.kind === 'duplicate' || e.kind === 'rejected') && kinds.push(e.kind));
    await net.start();
    expect(net.post('w', { type: 't', idempotencyKey: 'a' }).status).to.equal('accepted');
    for (let i = 0; i < 18; i++) net.post('w', { type: 't' });
    await clock.advance(299_999);
    expect(net.stats('w').fill).to.be.at.least(0.95);
    expect(net.post('w', { type: 't', idempotencyKey: 'a' })).to.include({ status: 'duplicate', idempotencyKey: 'a' });
    const refused = net.post('w', { type: 't', idempotencyKey: 'b' });
    expect(refused.status === 'rejected' && refused.reason).to.equal('backpressure');
    expect(net.post('w', { type: 't', idempotencyKey: 'b' }).status, 'a refused key was not recorded').to.equal('rejected');
    await clock.advance(1); // 'a' was first seen 300,000 ms ago: no longer a duplicate, and the node is still full
    expect(net.post('w', { type: 't', idempotencyKey: 'a' }).status).to.equal('rejected');
    expect(kinds).to.deep.equal(['duplicate', 'rejected', 'rejected', 'rejected']);
    expect(net.stats('w')).to.include({ duplicate: 1, rejected: 3 });
    for (const r of release.splice(0)) r();
    await clock.advance(0);
    expect(net.post('w', { type: 't', idempotencyKey: 'b' }).status, 'the retry of a refused signal is accepted').to.equal('accepted');
    expect(net.post('w', { type: 't', idempotencyKey: 'b' }).status).to.equal('duplicate');
    const c = net.counts();
    expect(c.sent).to.equal(c.accepted + c.duplicate + c.rejected);
    while (release.length > 0 || net.counts().active > 0) {
      for (const r of release.splice(0)) r();
      await clock.advance(0);
    }
  });

  it("keeps each node's keys apart: the same key at two nodes is two signals", async () => {
    const { net } = testNetwork();
    const handled: string[] = [];
    net.node('a', { handle: (s) => void handled.push('a:' + s.idempotencyKey) });
    net.node('b', { handle: (s) => void handled.push('b:' + s.idempotencyKey) });
    await net.start();
    expect(net.post('a', { type: 't', idempotencyKey: 'order-1' }).status).to.equal('accepted');
    expect(net.post('b', { type: 't', idempotencyKey: 'order-1' }).status).to.equal('accepted');
    expect(net.post('a', { type: 't', idempotencyKey: 'order-1' }).status).to.equal('duplicate');
    expect(net.post('b', { type: 't', idempotencyKey: 'order-1' }).status).to.equal('duplicate');
    await net.idle();
    expect(handled.sort()).to.deep.equal(['a:order-1', 'b:order-1']);
    const c = net.counts();
    expect(c.sent).to.equal(c.accepted + c.duplicate + c.rejected);
    expect(c.duplicate).to.equal(2);
  });

  it('bounds the keys of all nodes together by maxKeys: memory does not grow with the number of nodes', async () => {
    const { net } = testNetwork({ dedup: { maxKeys: 1000 } });
    for (let n = 0; n < 50; n++) net.node('n' + n, { handle: () => {} });
    await net.start();
    // 50 nodes × 100 keys = 5,000 keys: far past the cap of the network, though each node saw 100.
    for (let i = 0; i < 100; i++) for (let n = 0; n < 50; n++) net.post('n' + n, { type: 't', idempotencyKey: 'k' + i });
    await net.idle();
    // The newest half of the cap (500 keys: the last 10 of every node) is remembered ...
    for (let n = 0; n < 50; n++) expect(net.post('n' + n, { type: 't', idempotencyKey: 'k99' }).status, 'n' + n).to.equal('duplicate');
    // ... and the oldest were forgotten, network-wide.
    expect(net.post('n0', { type: 't', idempotencyKey: 'k0' }).status).to.equal('accepted');
    await net.idle();
  });

  it('exports the keys held and the keys forgotten early as metrics', async () => {
    const { net } = testNetwork({ dedup: { maxKeys: 100 } });
    net.node('a', { handle: () => {} });
    net.node('b', { handle: () => {} });
    await net.start();
    for (let i = 0; i < 20; i++) net.post('a', { type: 't', idempotencyKey: 'a' + i });
    await net.idle();
    let text = await net.metrics.text();
    expect(text).to.match(/plexus_dedup_keys\{network="spec"\} 20\n/);
    expect(text).to.match(/plexus_dedup_evicted_early_total\{network="spec"\} 0\n/);
    for (let i = 0; i < 100; i++) net.post('b', { type: 't', idempotencyKey: 'b' + i }); // b's keys push a's out
    await net.idle();
    text = await net.metrics.text();
    expect(Number(/plexus_dedup_keys\{network="spec"\} (\d+)/.exec(text)?.[1])).to.be.at.most(100);
    expect(Number(/plexus_dedup_evicted_early_total\{network="spec"\} (\d+)/.exec(text)?.[1])).to.be.at.least(20);
    expect(net.post('a', { type: 't', idempotencyKey: 'a0' }).status).to.equal('accepted');
    await net.idle();
  });

  it('has no dedup metrics with dedup off', async () => {
    const { net } = testNetwork({ dedup: false });
    net.node('a', { handle: () => {} });
    await net.start();
    expect(await net.metrics.text()).to.not.include('plexus_dedup_');
  });

  describe('DedupScope', () => {
    it('shares one window: two scopes see their own keys, within one key cap', () => {
      const w = new DedupWindow(300_000, 100);
      const a = new DedupScope(w);
      const b = new DedupScope(w);
      expect(a.admit('k', 0)).to.equal(true);
      expect(b.has('k', 0)).to.equal(false);
      expect(b.admit('k', 0)).to.equal(true);
      expect(a.admit('k', 0)).to.equal(false);
      expect(w.size).to.equal(2);
      for (let i = 0; i < 1000; i++) b.admit('b' + i, 1);
      expect(w.size).to.be.at.most(100);
      expect(a.has('k', 1)).to.equal(false); // pushed out by b's keys: the cap is the window's
    });
  });

  describe('DedupWindow', () => {
    it('keeps memory bounded by the key cap, and the newest half of the cap always remembered', () => {
      const window = new DedupWindow(300_000, 1000);
      const w = new DedupScope(window);
      for (let i = 0; i < 50_000; i++) {
        expect(w.admit(`k${i}`, i)).to.equal(true);
        expect(window.size).to.be.at.most(1000);
      }
      for (let i = 49_500; i < 50_000; i++) expect(w.admit(`k${i}`, 50_000), `k${i}`).to.equal(false);
      expect(w.has('k0', 50_000)).to.equal(false);
      expect(window.evictedEarly).to.be.greaterThan(40_000);
    });

    it('remembers every key for at least the window, and drops old generations whole', () => {
      const window = new DedupWindow(10_000, 1_000_000);
      const w = new DedupScope(window);
      for (let i = 0; i < 1000; i++) w.admit(`k${i}`, i * 20); // over 20 s
      // Shortly after the last key, every key seen within the last 10 s is still remembered.
      for (let i = 0; i < 1000; i++) if (i * 20 > 19_981 - 10_000) expect(w.has(`k${i}`, 19_981), `k${i}`).to.equal(true);
      expect(w.has('k999', 19_980 + 9_999)).to.equal(true);
      w.has('x', 100_000);
      expect(window.size).to.equal(0);
      expect(window.evictedEarly).to.equal(0);
    });

    it('holds for random arrival times: a key seen less than the window ago is always a duplicate', () => {
      const w = new DedupScope(new DedupWindow(1000, 1_000_000));
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

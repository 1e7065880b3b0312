import { expect } from 'chai';
import type { PressureEvent } from '../../lib/index.ts';
import { isBackpressureError } from '../../lib/mailbox/backpressure-error.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: flow control', () => {
  it('warns at 80% full and refuses at 95% with a backpressure receipt', async () => {
    const { net } = testNetwork();
    const release: (() => void)[] = [];
    net.node('slow', { capacity: 100, partitions: 1, handle: () => new Promise<void>((r) => release.push(r)) });
    const pressure: PressureEvent[] = [];
    net.events$.subscribe((e) => e.kind === 'pressure' && pressure.push(e));
    await net.start();
    const statuses: string[] = [];
    for (let i = 0; i < 100; i++) statuses.push(net.post('slow', { type: 't', partitionKey: 'one' }).status);
    expect(statuses.filter((s) => s === 'accepted')).to.have.length(95);
    const refused = net.post('slow', { type: 't' });
    expect(refused.status).to.equal('rejected');
    if (refused.status === 'rejected') {
      expect(refused.reason).to.equal('backpressure');
      expect(isBackpressureError(refused.error)).to.equal(true);
      expect(refused.error.code).to.equal('PLEXUS_BACKPRESSURE');
    }
    expect(pressure.map((p) => p.level)).to.deep.equal(['warning', 'critical']);
    expect(pressure[0]!.fill).to.be.closeTo(0.8, 0.001);
    // Draining brings the level back down, and the events say so.
    while (release.length > 0 || net.counts().active > 0) {
      for (const r of release.splice(0)) r();
      await new Promise((r) => setImmediate(r));
    }
    expect(pressure.map((p) => p.level)).to.deep.equal(['warning', 'critical', 'warning', 'normal']);
    expect(net.stats('slow').rejected).to.equal(6);
  });
});

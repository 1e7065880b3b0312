import { expect } from 'chai';
import { partitionOf } from '../../lib/mailbox/partition-of.ts';

describe('mailbox/partitionOf', () => {
  it('is stable and in range', () => {
    expect(partitionOf('sensor-7', 16)).to.equal(partitionOf('sensor-7', 16));
    for (let i = 0; i < 1000; i++) {
      const p = partitionOf(`k${i}`, 7);
      expect(p).to.be.within(0, 6);
    }
  });

  it('spreads keys over the partitions', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`user-${i}`, 16)]++;
    for (const c of counts) expect(c).to.be.within(700, 1300);
  });
});

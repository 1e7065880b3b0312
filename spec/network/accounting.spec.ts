import { expect } from 'chai';
import { testNetwork } from '../support/networks.ts';

describe('network: accounting', () => {
  it('every signal of a mixed flood ends somewhere: processed + dead + duplicate + rejected = sent', async () => {
    const { net, clock } = testNetwork({ dlq: { capacity: 100_000 } });
    let processed = 0;
    net.node('w', {
      capacity: 2_000,
      partitions: 16,
      breaker: false,
      retry: { maxAttempts: 2, baseDelayMs: 5, jitterMode: 'none' },
      handle: (s) => {
        if ((s.payload as { fail: boolean }).fail) throw new Error('planned failure');
        processed++;
      },
    });
    await net.start();
    let sent = 0;
    const tally = { accepted: 0, duplicate: 0, rejected: 0 };
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3_000; i++) {
        const k = round * 3_000 + i;
        const draft = k % 11 === 0 ? { type: 5 } : { type: 't', payload: { fail: k % 7 === 0 }, idempotencyKey: `k${k % 2 === 0 ? k : k - 1}`, partitionKey: `p${k % 64}` };
        const r = net.post('w', draft as never);
        sent++;
        tally[r.status]++;
      }
      await clock.advance(100);
    }
    await clock.advance(1000);
    await net.idle();
    const dead = net.dlq.size;
    expect(tally.duplicate).to.be.greaterThan(0);
    expect(tally.rejected).to.be.greaterThan(1000); // invalid ones and over-capacity ones
    expect(dead).to.be.greaterThan(0);
    expect(processed + dead + tally.duplicate + tally.rejected).to.equal(sent);
    const c = net.counts();
    expect(c.sent).to.equal(sent);
    expect(c.completed).to.equal(processed);
    expect(c.deadLettered).to.equal(dead);
    expect(c.active).to.equal(0);
  });
});

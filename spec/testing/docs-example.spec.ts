/**
 * The example of docs/testing.md, verbatim apart from this comment and the describe title: if it breaks, the docs lie.
 * It imports through the package's own exports (`plexus`, `plexus/testing`), as a user would.
 */
import { expect } from 'chai';
import { createNetwork } from 'plexus';
import { VirtualClock, recordEvents, expectEvents, createFailingHandler } from 'plexus/testing';

describe('worker (the docs/testing.md example)', () => {
  it('retries a failing job and then completes it', async () => {
    const clock = new VirtualClock();
    const net = createNetwork({ name: 't', clock });
    // Fails calls 1 and 2, succeeds from call 3 on.
    const handle = createFailingHandler({ burst: { from: 1, count: 2 } });
    net.node('worker', { partitions: 4, retry: { maxAttempts: 3, baseDelayMs: 10, jitter: 0 }, handle });
    using rec = recordEvents(net.events$); // subscribe before sending
    await net.start();

    const receipt = await net.send('worker', { type: 'job', payload: { n: 1 }, partitionKey: 'a' });
    expect(receipt.status).to.equal('accepted');

    // Drives the virtual clock through the retry backoff until the event arrives.
    await rec.waitFor({ kind: 'completed', node: 'worker' }, { clock, timeoutMs: 1_000 });

    expectEvents(rec).toIncludeInOrder([
      { kind: 'accepted', payload: { n: 1 } },
      { kind: 'failed', attempt: 1 },
      { kind: 'failed', attempt: 2 },
      { kind: 'completed', attempt: 3 },
    ]);
    expectEvents(rec).not.toInclude({ kind: 'dead-lettered' });
    expect(handle.calls).to.equal(3);
    await net.shutdown({ timeoutMs: 1_000 });
  });
});

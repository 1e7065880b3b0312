import { expect } from 'chai';
import type { HeldEvent, NetworkEvent } from '../../lib/index.ts';
import { DEFAULT_RESET_TIMEOUT_MS } from '../../lib/resilience/breaker/options.ts';
import { createSeededRandom } from '../../lib/testing/random.ts';
import { testNetwork } from '../support/networks.ts';

function record(net: { events$: { subscribe(f: (e: NetworkEvent) => void): unknown } }): NetworkEvent[] {
  const events: NetworkEvent[] = [];
  net.events$.subscribe((e) => events.push(e));
  return events;
}

describe('network: a node breaker counts signals, not attempts', () => {
  it('a handler failing 20% of attempts, with retries, completes everything without the breaker opening (seeded, virtual time)', async () => {
    const { net, clock } = testNetwork();
    const failAttempt = createSeededRandom(20);
    let attempts = 0;
    net.node('flaky', {
      retry: { maxAttempts: 8, random: createSeededRandom(7) }, // 0.2^8: no signal should run out of attempts
      handle: async () => {
        attempts++;
        if (failAttempt() < 0.2) throw new Error('transient');
      },
    });
    const events = record(net);
    await net.start();
    const n = 5000;
    for (let i = 0; i < n; i++) expect(net.post('flaky', { type: 't', partitionKey: 'k' + (i % 64) }).status).to.equal('accepted');
    const started = clock.now();
    while (net.counts().active > 0) await clock.advance(100);
    const s = net.stats('flaky');
    expect(s.completed).to.equal(n);
    expect(s.deadLettered).to.equal(0);
    expect(s.failedAttempts, 'the handler did fail, and was retried').to.be.greaterThan(n / 10);
    expect(attempts).to.equal(n + s.failedAttempts);
    expect(events.filter((e) => e.kind === 'breaker')).to.deep.equal([]);
    expect(net.breaker('flaky')!.trips).to.equal(0);
    // No reset timeout (30 s) was waited out: only the retries' backoff.
    expect(clock.now() - started).to.be.below(DEFAULT_RESET_TIMEOUT_MS);
  });

  it('a signal that succeeds on a retry is a success: every signal failing twice first never trips it', async () => {
    const { net, clock } = testNetwork();
    const tries = new Map<string, number>();
    net.node('db', {
      retry: { maxAttempts: 3, jitterMode: 'none' },
      handle: (s) => {
        const t = (tries.get(s.id) ?? 0) + 1;
        tries.set(s.id, t);
        if (t < 3) throw new Error('warming up');
      },
    });
    await net.start();
    for (let i = 0; i < 100; i++) net.post('db', { type: 't', partitionKey: 'k' + i });
    while (net.counts().active > 0) await clock.advance(50);
    expect(net.stats('db')).to.include({ completed: 100, deadLettered: 0, failedAttempts: 200 });
    expect(net.breaker('db')!.trips).to.equal(0);
  });

  it('a signal counts as one failure once its retries are used up: failureThreshold signals open it, not attempts', async () => {
    const { net, clock } = testNetwork();
    net.node('db', {
      partitions: 1,
      retry: { maxAttempts: 3, jitterMode: 'none' },
      breaker: { failureThreshold: 3, resetTimeoutMs: 60_000 },
      handle: () => {
        throw new Error('down');
      },
    });
    await net.start();
    for (let i = 0; i < 2; i++) net.post('db', { type: 't' });
    while (net.counts().active > 0) await clock.advance(50);
    expect(net.stats('db')).to.include({ deadLettered: 2, failedAttempts: 6, breakerState: 'closed' });
    expect(net.breaker('db')!.failureCount).to.equal(2);
    net.post('db', { type: 't' });
    while (net.stats('db').deadLettered < 3) await clock.advance(50);
    expect(net.breaker('db')!.state).to.equal('open');
  });

  it('a node whose breaker holds signals says so: a held event, stats.held, and idle() ends once it closes', async () => {
    const { net, clock } = testNetwork();
    let healthy = false;
    net.node('db', {
      partitions: 1,
      retry: false,
      breaker: { failureThreshold: 1, resetTimeoutMs: 1000, successThreshold: 1 },
      handle: () => {
        if (!healthy) throw new Error('down');
      },
    });
    const events = record(net);
    await net.start();
    net.post('db', { type: 't' });
    await net.idle();
    expect(net.breaker('db')!.state).to.equal('open');
    net.post('db', { type: 't', payload: { n: 1 } });
    await clock.advance(0);
    const held = events.filter((e): e is HeldEvent => e.kind === 'held');
    expect(held).to.have.length(1);
    expect(held[0]).to.include({ node: 'db', reason: 'breaker-open', retryAfterMs: 1000, partition: 0 });
    expect(net.stats('db')).to.include({ held: 1, breakerState: 'open' });
    let idle = false;
    void net.idle().then(() => (idle = true));
    healthy = true;
    await clock.advance(999);
    expect(idle).to.equal(false);
    await clock.advance(1);
    await net.idle();
    expect(idle).to.equal(true);
    expect(net.stats('db')).to.include({ held: 0, completed: 1, breakerState: 'closed' });
  });

  it('half-open: a probe signal whose first attempt fails gives its probe slot back and probes again on the retry', async () => {
    const { net, clock } = testNetwork();
    let down = true;
    const tries = new Map<string, number>();
    net.node('db', {
      partitions: 1,
      retry: { maxAttempts: 2, jitterMode: 'none', baseDelayMs: 100 },
      breaker: { failureThreshold: 1, resetTimeoutMs: 1000, successThreshold: 1 },
      handle: (s) => {
        const t = (tries.get(s.id) ?? 0) + 1;
        tries.set(s.id, t);
        if (down || t === 1) throw new Error('down');
      },
    });
    await net.start();
    net.post('db', { type: 't' });
    while (net.counts().active > 0) await clock.advance(50);
    expect(net.breaker('db')!.state).to.equal('open');
    down = false; // from now on each signal fails its first attempt and passes its retry
    net.post('db', { type: 't' });
    await clock.advance(1000); // half-open: the held signal is the probe
    await clock.advance(100); // its retry
    expect(net.stats('db')).to.include({ completed: 1, held: 0, breakerState: 'closed' });
  });
});

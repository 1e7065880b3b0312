import { expect } from 'chai';
import { isBreakerOpenError, isRateLimitedError, isShuttingDownError, isInvalidOptionsError } from '../../lib/resilience/errors.ts';
import type { NetworkEvent } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { testNetwork } from '../support/networks.ts';

function record(net: { events$: { subscribe(f: (e: NetworkEvent) => void): unknown } }): NetworkEvent[] {
  const events: NetworkEvent[] = [];
  net.events$.subscribe((e) => events.push(e));
  return events;
}

describe('network: resilience in the signal path', () => {
  it('opens a node breaker after consecutive failures, holds signals while open, probes and closes', async () => {
    const { net, clock } = testNetwork();
    let healthy = false;
    const handled: number[] = [];
    net.node('db', {
      partitions: 1,
      retry: false,
      breaker: { failureThreshold: 3, resetTimeoutMs: 1000, successThreshold: 2 },
      handle: (s) => {
        if (!healthy) throw new Error('db down');
        handled.push((s.payload as { n: number }).n);
      },
    });
    const events = record(net);
    await net.start();
    for (let n = 0; n < 3; n++) net.post('db', { type: 't', payload: { n } });
    await net.idle();
    expect(net.breaker('db')!.state).to.equal('open');
    expect(net.dlq.size).to.equal(3);
    // While open, new signals wait in their partition instead of failing.
    for (let n = 3; n < 6; n++) net.post('db', { type: 't', payload: { n } });
    await clock.advance(500);
    expect(net.stats('db')).to.include({ inFlight: 1, queueDepth: 2, breakerState: 'open' });
    healthy = true;
    await clock.advance(500);
    await net.idle();
    expect(handled).to.deep.equal([3, 4, 5]);
    expect(net.breaker('db')!.state).to.equal('closed');
    const transitions = events.filter((e) => e.kind === 'breaker').map((e) => (e.kind === 'breaker' ? `${e.from}->${e.to}` : ''));
    expect(transitions).to.deep.equal(['closed->open', 'open->half-open', 'half-open->closed']);
    expect(await net.metrics.text()).to.match(/plexus_breaker_trips_total\{node="db",network="spec"\} 1/);
    expect(net.audit.recoveries().map((r) => `${r.name}:${r.strategy}`)).to.deep.equal(['db:circuit-break']);
  });

  it('runs the degrade handler while the breaker is open (GRACEFUL_DEGRADE) and records it', async () => {
    const { net } = testNetwork();
    const degraded: number[] = [];
    net.node('svc', {
      retry: false,
      breaker: { failureThreshold: 1, resetTimeoutMs: 60_000 },
      handle: () => {
        throw new Error('down');
      },
      degrade: (s) => void degraded.push((s.payload as { n: number }).n),
    });
    const events = record(net);
    await net.start();
    net.post('svc', { type: 't', payload: { n: 0 } });
    await net.idle();
    net.post('svc', { type: 't', payload: { n: 1 } });
    await net.idle();
    expect(degraded).to.deep.equal([1]);
    expect(events.some((e) => e.kind === 'recovery' && e.strategy === 'graceful-degrade' && e.succeeded)).to.equal(true);
    expect(net.audit.recoveries().map((r) => [r.name, r.strategy, r.succeeded])).to.deep.equal([
      ['svc', 'circuit-break', true],
      ['svc', 'graceful-degrade', true],
    ]);
  });

  it('runs the fallback when retries are used up (FALLBACK), dead-letters when it fails too', async () => {
    const { net, clock } = testNetwork();
    const fellBack: unknown[] = [];
    net.node('svc', {
      breaker: false,
      retry: { maxAttempts: 2, baseDelayMs: 10, jitterMode: 'none' },
      handle: () => {
        throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
      },
      fallback: (s) => {
        if ((s.payload as { ok: boolean }).ok) fellBack.push(s.payload);
        else throw new Error('fallback failed too');
      },
    });
    await net.start();
    net.post('svc', { type: 't', payload: { ok: true } });
    net.post('svc', { type: 't', payload: { ok: false } });
    await clock.advance(100);
    await net.idle();
    expect(fellBack).to.deep.equal([{ ok: true }]);
    expect(net.dlq.size).to.equal(1);
    expect(net.dlq.list()[0]!.error.message).to.equal('fallback failed too');
    const recoveries = net.audit.recoveries().map((r) => `${r.strategy}:${r.succeeded}`);
    expect(recoveries).to.include.members(['fallback:true', 'fallback:false', 'retry:false']);
    expect(net.audit.byCategory('network').length).to.equal(4); // two signals × two attempts
    expect(net.stats('svc').completed).to.equal(1);
  });

  it('classifies failures: the dead letter and the failed event carry the category', async () => {
    const { net } = testNetwork();
    net.classifier.register((e) => ((e as Error).message === 'quota' ? { category: 'resource', severity: 'high' } : undefined));
    net.node('svc', {
      retry: false,
      breaker: false,
      handle: () => {
        throw new Error('quota');
      },
    });
    const events = record(net);
    await net.start();
    net.post('svc', { type: 't' });
    await net.idle();
    expect(net.dlq.list()[0]!.error.category).to.equal('resource');
    const failed = events.find((e) => e.kind === 'failed');
    expect(failed?.kind === 'failed' && failed.error.category).to.equal('resource');
    const entry = net.audit.byName('svc')[0]!;
    expect(entry.kind === 'error' && entry.error.severity).to.equal('high');
  });

  it('keeps per-partition order while a signal is retried', async () => {
    const { net, clock } = testNetwork();
    const log: string[] = [];
    let failures = 2;
    net.node('w', {
      partitions: 4,
      breaker: false,
      retry: { maxAttempts: 3, baseDelayMs: 50, jitterMode: 'none' },
      handle: (s) => {
        const { id } = s.payload as { id: string };
        if (id === 'a1' && failures-- > 0) throw new Error('again');
        log.push(id);
      },
    });
    await net.start();
    for (const id of ['a1', 'a2', 'a3']) net.post('w', { type: 't', payload: { id }, partitionKey: 'A' });
    net.post('w', { type: 't', payload: { id: 'b1' }, partitionKey: 'B' });
    await clock.advance(10); // a1 failed once and waits for its retry, holding partition A
    net.post('w', { type: 't', payload: { id: 'a4' }, partitionKey: 'A' });
    await clock.advance(1000);
    await net.idle();
    expect(log.filter((x) => x.startsWith('a'))).to.deep.equal(['a1', 'a2', 'a3', 'a4']);
    expect(log.indexOf('b1')).to.be.lessThan(log.indexOf('a1')); // B was not held up by A's retries
  });

  it('rate-limits a node (signals wait, nothing is refused) and per key from a header', async () => {
    const { net, clock } = testNetwork();
    const at: Record<string, number[]> = {};
    net.node('api', {
      partitions: 16,
      rateLimit: { algorithm: 'token-bucket', ratePerSec: 10, burst: 10 },
      rateLimitPerKey: { header: 'user', limiter: { algorithm: 'fixed-window', limit: 2, windowMs: 1000 } },
      handle: (s) => void (at[s.headers.user!] ??= []).push(clock.now()),
    });
    const events = record(net);
    await net.start();
    const t0 = clock.now();
    for (let i = 0; i < 6; i++) net.post('api', { type: 't', headers: { user: 'alice' }, partitionKey: `a${i}` });
    for (let i = 0; i < 14; i++) net.post('api', { type: 't', headers: { user: `u${i}` }, partitionKey: `u${i}` });
    for (let i = 0; i < 30 && net.counts().active > 0; i++) await clock.advance(100);
    expect(net.counts().completed).to.equal(20);
    // Alice gets at most 2 per second whatever the node allows.
    const alice = at.alice!.map((t) => Math.floor((t - t0) / 1000));
    for (const second of new Set(alice)) expect(alice.filter((s) => s === second).length).to.be.at.most(2);
    // The node as a whole: a burst of 10, then 10 per second.
    const all = Object.values(at)
      .flat()
      .map((t) => t - t0);
    expect(all.filter((t) => t < 1).length).to.equal(10);
    expect(all.filter((t) => t <= 1000).length).to.be.at.most(21);
    expect(events.some((e) => e.kind === 'throttled')).to.equal(true);
    expect(await net.metrics.text()).to.match(/plexus_rate_limit_violations_total\{name="api",network="spec"\} [1-9]/);
  });
});

describe('network: protect, configure', () => {
  it('runs an operation through the chain: retries, then the breaker fails fast', async () => {
    const { net, clock } = testNetwork();
    net.operation('charge', { retry: { maxAttempts: 2, baseDelayMs: 10, jitterMode: 'none' }, breaker: { failureThreshold: 2, resetTimeoutMs: 5000 } });
    const events = record(net);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw Object.assign(new Error('gateway'), { code: 'ECONNREFUSED' });
    };
    for (let i = 0; i < 2; i++) {
      const p = net.protect('charge', failing).catch((e: unknown) => e);
      await clock.advance(50);
      expect(((await p) as Error).message).to.equal('gateway');
    }
    expect(calls).to.equal(4);
    const refused = await net.protect('charge', failing).catch((e: unknown) => e);
    expect(isBreakerOpenError(refused)).to.equal(true);
    expect(calls).to.equal(4);
    expect(net.breaker('charge')!.state).to.equal('open');
    expect(await net.metrics.text()).to.match(/plexus_operation_breaker_state\{operation="charge",network="spec"\} 1/);
    expect(events.filter((e) => e.kind === 'breaker').map((e) => (e.kind === 'breaker' ? [e.name, e.to] : []))).to.deep.equal([['op:charge', 'open']]);
    expect(events.some((e) => e.kind === 'retry' && e.name === 'charge')).to.equal(true);
  });

  it('applies the network rate limit and per-key limits to operations', async () => {
    const { net } = testNetwork({ rateLimit: { algorithm: 'fixed-window', limit: 3, windowMs: 1000 } });
    const ok = () => Promise.resolve('ok');
    const results = await Promise.all(Array.from({ length: 5 }, () => net.protect('read', ok).catch((e: unknown) => e)));
    expect(results.filter((r) => r === 'ok')).to.have.length(3);
    expect(results.filter((r) => isRateLimitedError(r))).to.have.length(2);
    expect((results.find((r) => isRateLimitedError(r)) as { retryAfterMs: number }).retryAfterMs).to.be.greaterThan(0);
  });

  it('refuses operations once the network is shutting down', async () => {
    const { net } = testNetwork();
    await net.start();
    void net.shutdown();
    const e = await net.protect('late', () => 1).catch((x: unknown) => x);
    expect(isShuttingDownError(e)).to.equal(true);
  });

  it('changes node settings at run time, validated, all or nothing', async () => {
    const { net, clock } = testNetwork();
    let running = 0;
    let max = 0;
    net.node('w', {
      partitions: 8,
      concurrency: 1,
      retry: { maxAttempts: 1 },
      handle: async () => {
        running++;
        max = Math.max(max, running);
        await sleep(clock, 10);
        running--;
      },
    });
    await net.start();
    for (let i = 0; i < 16; i++) net.post('w', { type: 't', partitionKey: `k${i}` });
    await clock.advance(15);
    expect(max).to.equal(1);
    net.configure('w', { concurrency: 4 });
    await clock.advance(100);
    expect(max).to.equal(4);
    expect(() => net.configure('w', { concurrency: 2, retry: { maxAttempts: 0 } })).to.throw(/retry.maxAttempts/);
    expect(net.breaker('w')!.options.failureThreshold).to.equal(5);
    net.configure('w', { breaker: { failureThreshold: 9 }, retry: { maxAttempts: 4 } });
    expect(net.breaker('w')!.options.failureThreshold).to.equal(9);
    try {
      net.configure('w', { breaker: { failureThreshold: -1 } });
      expect.fail();
    } catch (e) {
      expect(isInvalidOptionsError(e)).to.equal(true);
    }
    expect(net.breaker('w')!.options.failureThreshold).to.equal(9);
    expect(() => net.configure('nobody', {})).to.throw(/no node or operation/);
  });
});

describe('network: resource guard', () => {
  it('refuses sends and operations while the heap is over the limit, and lets them through after', async () => {
    let heap = 100;
    const { net, clock } = testNetwork({ resources: { maxHeapBytes: 1000, sampleIntervalMs: 10, readHeap: () => heap } });
    let handled = 0;
    net.node('w', { handle: () => void handled++ });
    await net.start();
    expect(net.post('w', { type: 't' }).status).to.equal('accepted');
    heap = 5000;
    await clock.advance(10);
    const refused = net.post('w', { type: 't' });
    expect(refused).to.include({ status: 'rejected', reason: 'resource-exhausted' });
    expect(refused.status === 'rejected' && refused.error.code).to.equal('PLEXUS_RESOURCE_EXHAUSTED');
    const op = await net.protect('read', () => 1).catch((e: unknown) => e);
    expect((op as { code?: string }).code).to.equal('PLEXUS_RESOURCE_EXHAUSTED');
    heap = 100;
    await clock.advance(10);
    expect(net.post('w', { type: 't' }).status).to.equal('accepted');
    await net.idle();
    expect(handled).to.equal(2);
    const c = net.counts();
    expect(c.sent).to.equal(c.accepted + c.duplicate + c.rejected);
  });
});

describe('network: breaker pressure', () => {
  it('publishes a pressure level that rises with the mailbox fill and with failures', async () => {
    const { net } = testNetwork();
    net.node('w', { capacity: 100, partitions: 1, retry: false, breaker: { failureThreshold: 10 }, handle: () => new Promise<void>(() => {}) });
    await net.start();
    const breaker = net.breaker('w')!;
    expect(breaker.pressureLevel).to.equal(0);
    for (let i = 0; i < 50; i++) net.post('w', { type: 't' });
    expect(breaker.pressureLevel).to.be.closeTo(0.5, 0.01);
    expect(breaker.health()).to.include({ state: 'closed' });
    expect(await net.metrics.text()).to.match(/plexus_pressure_level\{node="w",network="spec"\} 0\.5/);
  });
});

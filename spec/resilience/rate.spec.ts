import { expect } from 'chai';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { TokenBucket } from '../../lib/resilience/rate/token-bucket.ts';
import { FixedWindow } from '../../lib/resilience/rate/fixed-window.ts';
import { SlidingWindow } from '../../lib/resilience/rate/sliding-window.ts';
import { LeakyBucket } from '../../lib/resilience/rate/leaky-bucket.ts';
import { KeyedRateLimiter } from '../../lib/resilience/rate/keyed.ts';
import { CombinedRateLimiter } from '../../lib/resilience/rate/combined.ts';
import { createRateLimiter } from '../../lib/resilience/rate/create.ts';
import { ALLOWED, type RateLimiter } from '../../lib/resilience/rate/types.ts';
import { isInvalidOptionsError, isRateLimitedError } from '../../lib/resilience/errors.ts';

/** Advances `ms` in steps, taking every permit offered after each step (t in (0, ms]). */
async function passesOver(clock: VirtualClock, l: RateLimiter, ms: number, stepMs = 1): Promise<number> {
  let n = 0;
  for (let t = 0; t < ms; t += stepMs) {
    await clock.advance(stepMs);
    while (l.tryAcquire().allowed) n++;
  }
  return n;
}

describe('resilience/rate limiters', () => {
  describe('token bucket', () => {
    it('lets the burst through at once, then exactly ratePerSec per second', async () => {
      const clock = new VirtualClock();
      const tb = new TokenBucket({ ratePerSec: 10, burst: 5 }, clock);
      let n = 0;
      while (tb.tryAcquire().allowed) n++;
      expect(n).to.equal(5);
      const refused = tb.tryAcquire();
      expect(refused).to.deep.equal({ allowed: false, retryAfterMs: 100 });
      expect(await passesOver(clock, tb, 10_000)).to.equal(100);
      expect(tb.violations).to.be.greaterThan(0);
    });

    it('allowed decisions are a shared constant (no allocation); more than burst is never allowed', () => {
      const tb = new TokenBucket({ ratePerSec: 10, burst: 5 }, new VirtualClock());
      expect(tb.tryAcquire()).to.equal(ALLOWED);
      expect(tb.tryAcquire(6).retryAfterMs).to.equal(Infinity);
      expect(() => tb.tryAcquire(0)).to.throw(/permits/);
    });

    it('acquire waits for tokens on the clock and throws RateLimitedError past timeoutMs', async () => {
      const clock = new VirtualClock();
      const tb = new TokenBucket({ ratePerSec: 10, burst: 1 }, clock);
      tb.tryAcquire();
      let got = false;
      const p = tb.acquire({ timeoutMs: 500 }).then(() => (got = true));
      await clock.advance(99);
      expect(got).to.equal(false);
      await clock.advance(1);
      expect(got).to.equal(true);
      await p;
      const err = await tb.acquire({ permits: 1, timeoutMs: 50 }).catch((e: unknown) => e);
      expect(isRateLimitedError(err)).to.equal(true);
      expect((err as { retryAfterMs: number }).retryAfterMs).to.equal(100);
    });

    it('acquire rejects with the signal reason on abort', async () => {
      const clock = new VirtualClock();
      const tb = new TokenBucket({ ratePerSec: 1, burst: 1 }, clock);
      tb.tryAcquire();
      const ac = new AbortController();
      const p = tb.acquire({ timeoutMs: 5000, signal: ac.signal }).catch((e: Error) => e.message);
      await clock.advance(10);
      ac.abort(new Error('gone'));
      expect(await p).to.equal('gone');
    });

    it('configure keeps earned tokens and validates', async () => {
      const clock = new VirtualClock();
      const tb = new TokenBucket({ ratePerSec: 10, burst: 10 }, clock);
      for (let i = 0; i < 10; i++) tb.tryAcquire();
      await clock.advance(500); // 5 tokens at the old rate
      tb.configure({ ratePerSec: 100 });
      expect(tb.tokens).to.be.closeTo(5, 1e-9);
      expect(() => tb.configure({ ratePerSec: 0 }))
        .to.throw(/tokenBucket.ratePerSec.*> 0/)
        .that.satisfies(isInvalidOptionsError);
    });
  });

  describe('fixed window', () => {
    it('allows `limit` per aligned window and names the wait to the next window', async () => {
      const clock = new VirtualClock();
      const fw = new FixedWindow({ limit: 3, windowMs: 1000 }, clock);
      await clock.advance(400);
      expect([1, 2, 3, 4].map(() => fw.tryAcquire().allowed)).to.deep.equal([true, true, true, false]);
      expect(fw.check().retryAfterMs).to.equal(600);
      await clock.advance(600);
      expect(fw.tryAcquire().allowed).to.equal(true);
      expect(await passesOver(clock, fw, 10_000, 10)).to.equal(2 + 30);
    });
  });

  describe('sliding window (two-bucket weighted counter)', () => {
    it('weights the previous window by the part of it still inside the sliding window', async () => {
      const clock = new VirtualClock();
      const sw = new SlidingWindow({ limit: 10, windowMs: 1000 }, clock);
      for (let i = 0; i < 10; i++) expect(sw.tryAcquire().allowed).to.equal(true);
      expect(sw.tryAcquire().allowed).to.equal(false);
      await clock.advance(1000); // new window: previous = 10 with weight 1
      expect(sw.estimate).to.equal(10);
      expect(sw.tryAcquire().allowed).to.equal(false);
      await clock.advance(300); // weight 0.7 → estimate 7
      expect(sw.estimate).to.be.closeTo(7, 1e-9);
      expect([1, 2, 3, 4].map(() => sw.tryAcquire().allowed)).to.deep.equal([true, true, true, false]);
    });

    it('retryAfterMs is when the weighted estimate leaves room', async () => {
      const clock = new VirtualClock();
      const sw = new SlidingWindow({ limit: 10, windowMs: 1000 }, clock);
      for (let i = 0; i < 10; i++) sw.tryAcquire();
      await clock.advance(1000);
      const d = sw.check();
      expect(d.retryAfterMs).to.equal(100); // at 100 ms: 10 * 0.9 = 9, room for one
      await clock.advance(d.retryAfterMs);
      expect(sw.tryAcquire().allowed).to.equal(true);
    });

    it('never lets more than limit through in any sliding window once steady', async () => {
      const clock = new VirtualClock();
      const sw = new SlidingWindow({ limit: 20, windowMs: 1000 }, clock);
      const times: number[] = [];
      for (let t = 0; t < 5000; t += 5) {
        while (sw.tryAcquire().allowed) times.push(clock.now());
        await clock.advance(5);
      }
      for (let i = 0; i < times.length; i++) {
        const inWindow = times.filter((x) => x > times[i]! - 1000 && x <= times[i]!).length;
        expect(inWindow).to.be.at.most(20);
      }
      expect(times.length).to.be.within(95, 101); // ~20/s over 5 s
    });
  });

  describe('leaky bucket (queue)', () => {
    it('lets requests leave at a constant rate, never in bursts', async () => {
      const clock = new VirtualClock();
      const lb = new LeakyBucket({ ratePerSec: 100, capacity: 10 }, clock);
      const t0 = clock.now();
      expect(lb.tryAcquire().allowed).to.equal(true);
      expect(lb.tryAcquire()).to.deep.equal({ allowed: false, retryAfterMs: 10 });
      const left: number[] = [];
      const all = [1, 2, 3, 4].map(() => lb.acquire({ timeoutMs: 1000 }).then(() => left.push(clock.now() - t0)));
      expect(lb.queued).to.equal(4);
      await clock.advance(100);
      await Promise.all(all);
      expect(left).to.deep.equal([10, 20, 30, 40]);
      expect(lb.queued).to.equal(0);
    });

    it('refuses when the queue is full or the wait exceeds timeoutMs', async () => {
      const clock = new VirtualClock();
      const lb = new LeakyBucket({ ratePerSec: 10, capacity: 2 }, clock);
      lb.tryAcquire();
      const a = lb.acquire({ timeoutMs: 10_000 });
      const b = lb.acquire({ timeoutMs: 10_000 });
      const full = await lb.acquire({ timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(isRateLimitedError(full)).to.equal(true);
      await clock.advance(200);
      await Promise.all([a, b]);
      expect(lb.tryAcquire().allowed).to.equal(false); // b left at 200: next slot is 300
      const late = await lb.acquire({ timeoutMs: 50 }).catch((e: unknown) => e);
      expect(isRateLimitedError(late)).to.equal(true);
      expect(lb.violations).to.equal(3);
    });

    it('a steady caller gets exactly ratePerSec', async () => {
      const clock = new VirtualClock();
      const lb = new LeakyBucket({ ratePerSec: 50, capacity: 5 }, clock);
      expect(await passesOver(clock, lb, 10_000)).to.equal(500);
    });
  });

  describe('keyed', () => {
    it('keeps a limiter per key and bounds memory by LRU', () => {
      const clock = new VirtualClock();
      const k = new KeyedRateLimiter({ limiter: { algorithm: 'token-bucket', ratePerSec: 1, burst: 2 }, maxKeys: 3, clock });
      expect([k.tryAcquire('a'), k.tryAcquire('a'), k.tryAcquire('a')].map((d) => d.allowed)).to.deep.equal([true, true, false]);
      expect(k.tryAcquire('b').allowed).to.equal(true);
      k.tryAcquire('c');
      k.tryAcquire('a'); // a is now most recent: b is the LRU
      k.tryAcquire('d');
      expect(k.size).to.equal(3);
      expect(k.evictions).to.equal(1);
      expect(k.violations).to.equal(2); // a refused twice (one of them after touching)
    });

    it('drops idle keys', async () => {
      const clock = new VirtualClock();
      const k = new KeyedRateLimiter({ limiter: { algorithm: 'fixed-window', limit: 1 }, idleMs: 1000, clock });
      k.tryAcquire('a');
      k.tryAcquire('b');
      await clock.advance(1000);
      k.tryAcquire('c');
      expect(k.size).to.equal(1);
      expect(() => new KeyedRateLimiter({ limiter: { algorithm: 'nope' } as never })).to.throw(/algorithm/);
    });
  });

  describe('combined', () => {
    it('all layers must allow; a later refusal consumes nothing from earlier layers', () => {
      const clock = new VirtualClock();
      const network = new TokenBucket({ ratePerSec: 1, burst: 10 }, clock);
      const node = new TokenBucket({ ratePerSec: 1, burst: 2 }, clock);
      const key = new KeyedRateLimiter({ limiter: { algorithm: 'token-bucket', ratePerSec: 1, burst: 1 }, clock });
      const c = new CombinedRateLimiter({ network, node, key, clock });
      expect(c.tryAcquire(1, 'u1')).to.equal(ALLOWED);
      const d = c.tryAcquire(1, 'u1'); // key refuses
      expect(d.allowed).to.equal(false);
      expect(network.tokens).to.equal(9);
      expect(node.tokens).to.equal(1);
      expect(key.violations).to.equal(1);
      expect(network.violations).to.equal(0);
      expect(c.tryAcquire(1, 'u2').allowed).to.equal(true);
      expect(c.tryAcquire(1, 'u3').allowed).to.equal(false); // node refuses now
      expect(node.violations).to.equal(1);
      expect(network.tokens).to.equal(8);
      expect(c.violations).to.equal(2);
      expect(c.tryAcquire(1).allowed).to.equal(false); // no key: key layer skipped, node still empty
    });

    it('acquire waits until every layer allows', async () => {
      const clock = new VirtualClock();
      const a = createRateLimiter({ algorithm: 'token-bucket', ratePerSec: 10, burst: 1 }, clock);
      const b = createRateLimiter({ algorithm: 'fixed-window', limit: 1, windowMs: 1000 }, clock);
      const c = new CombinedRateLimiter({ network: a, node: b, clock });
      await c.acquire();
      let done = false;
      const p = c.acquire({ timeoutMs: 2000 }).then(() => (done = true));
      await clock.advance(999);
      expect(done).to.equal(false);
      await clock.advance(1);
      await p;
      expect(done).to.equal(true);
      expect(() => c.configure({ node: { limit: -1 } })).to.throw(/fixedWindow.limit/);
      expect(() => c.configure({ bogus: {} })).to.throw(/unknown option/);
    });
  });
});

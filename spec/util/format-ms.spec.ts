import { expect } from 'chai';
import { BreakerOpenError, RateLimitedError, TimeoutError } from '../../lib/resilience/errors.ts';
import { formatEvents, formatTrace, recordEvents, VirtualClock } from '../../lib/testing/index.ts';
import { formatMs } from '../../lib/util/format-ms.ts';
import { Subject } from 'rxjs';
import type { NetworkEvent } from '../../lib/observe/events.ts';
import { ev, fakeSignal } from '../testing/fake-events.ts';

describe('util/formatMs: times in messages are rounded', () => {
  it('rounds to whole milliseconds, one decimal below 10 ms, and keeps Infinity', () => {
    expect([438.70239, 10.5, 9.96, 2.345, 0.04, 0, Infinity].map(formatMs)).to.deep.equal(['439', '11', '10', '2.3', '0', '0', 'Infinity']);
  });

  it('prints rounded times in the resilience errors, keeping the exact value in the fields', () => {
    const limited = new RateLimitedError('api', 438.70239000000004);
    expect(limited.message).to.equal('Rate limit "api" exceeded; retry after 439 ms');
    expect(limited.retryAfterMs).to.equal(438.70239000000004);
    expect(limited.details['retryAfterMs']).to.equal(438.70239000000004);
    expect(new BreakerOpenError('db', 29_999.700000000004, 'open').message).to.equal('Circuit breaker "db" is open; retry after 30000 ms');
    expect(new TimeoutError(1_000 / 3, 'handler of w').message).to.equal('The handler of w timed out after 333 ms');
  });

  it('prints rounded relative times in event listings and wait-for timeouts', async () => {
    const s = fakeSignal();
    const listing = formatEvents([ev('started', s, { at: 1000.123456 }), ev('completed', s, { at: 1438.825796 })]);
    expect(listing).to.include('#1 +439ms completed');
    const src = new Subject<NetworkEvent>();
    const clock = new VirtualClock();
    const rec = recordEvents(src);
    const failure = (await rec.waitFor({ kind: 'failed' }, { clock, timeoutMs: 100 / 3 }).catch((e: unknown) => e)) as Error;
    expect(failure.message).to.include('nothing matched within 33ms;');
    rec.stop();
  });

  it('formatTrace prints times relative to the first step on request, rounded either way', () => {
    const s = fakeSignal();
    const t0 = Date.UTC(2026, 0, 1) + 0.25;
    const src = new Subject<NetworkEvent>();
    const rec = recordEvents(src);
    src.next(ev('started', s, { at: t0 }));
    src.next(ev('completed', s, { at: t0 + 12.6 }));
    const trace = rec.trace(s.correlationId);
    expect(
      formatTrace(trace, { relativeTimes: true })
        .split('\n')
        .map((l) => l.slice(l.indexOf('@'))),
    ).to.deep.equal(['@+0', '@+13']);
    expect(formatTrace(trace))
      .to.include(`@${Date.UTC(2026, 0, 1)}`)
      .and.to.include(`@${Date.UTC(2026, 0, 1) + 13}`);
    rec.stop();
  });
});

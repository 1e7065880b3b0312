import { expect } from 'chai';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { appendHop, SignalEnvelope } from '../../lib/signal/envelope.ts';
import { EnvelopeProblem, readEnvelope } from '../../lib/signal/read-envelope.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1 << 20, maxDepth: 32 };
const plain = (s: Signal): Record<string, unknown> => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;

describe('signal/readEnvelope', () => {
  it('rebuilds a frozen envelope, history included, from its JSON form', () => {
    const s = createSignal({ type: 'job', payload: { n: 1 }, partitionKey: 'k', headers: { tenant: 'a' }, urgency: 0.7 }, 'worker', 1_700_000_000_000.5, LIMITS, undefined, 'edge');
    appendHop(s, { node: 'worker', partition: 2, attempt: 1, startedAt: 1, finishedAt: 2, outcome: 'failed' });
    const back = readEnvelope(plain(s));
    expect(back).to.be.instanceOf(SignalEnvelope);
    expect(plain(back as Signal)).to.deep.equal(plain(s));
    expect(Object.isFrozen(back) && Object.isFrozen((back as Signal).hops) && Object.isFrozen((back as Signal).headers)).to.equal(true);
  });

  it('defaults the keys to the id, headers and hops to empty; takes the times from apart when given', () => {
    const back = readEnvelope(
      { id: 'a-1', type: 't', version: '1.0', target: 'w', urgency: 0.5, hops: [{ node: 'w', partition: 0, attempt: 1, outcome: 'completed' }] },
      { times: [10, 11, 12] },
    ) as Signal;
    expect([back.partitionKey, back.idempotencyKey, back.correlationId, back.createdAt]).to.deep.equal(['a-1', 'a-1', 'a-1', 10]);
    expect(back.headers).to.deep.equal({});
    expect([back.hops[0]!.startedAt, back.hops[0]!.finishedAt]).to.deep.equal([11, 12]);
  });

  it('names the problem of a malformed envelope instead of building one', () => {
    const good = plain(createSignal({ type: 'job', payload: 1 }, 'worker', 1, LIMITS));
    const cases: Array<[unknown, RegExp]> = [
      [[], /must be an object/],
      [{ ...good, id: '' }, /id must be/],
      [{ ...good, type: 7 }, /type must be/],
      [{ ...good, partitionKey: '' }, /partitionKey must be/],
      [{ ...good, source: 3 }, /source must be/],
      [{ ...good, createdAt: 'now' }, /createdAt must be/],
      [{ ...good, urgency: null }, /urgency must be/],
      [{ ...good, headers: { a: 1 } }, /headers must be/],
      [{ ...good, hops: {} }, /hops must be an array/],
      [{ ...good, hops: [{ node: 'w', partition: 0, attempt: 1, startedAt: 1, finishedAt: 2, outcome: 'exploded' }] }, /hop 0 is malformed/],
    ];
    for (const [raw, reason] of cases) {
      const r = readEnvelope(raw);
      expect(r, JSON.stringify(raw)).to.be.instanceOf(EnvelopeProblem);
      expect((r as EnvelopeProblem).reason).to.match(reason);
    }
    expect(readEnvelope(good, { times: [1, 2] })).to.be.instanceOf(EnvelopeProblem); // times without hops to match
  });
});

import { expect } from 'chai';
import { PartitionedMailbox } from '../../lib/mailbox/partitioned-mailbox.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const sig = (id: string, createdAt = 1000): Signal => ({ id, createdAt }) as Signal;

describe('mailbox/PartitionedMailbox', () => {
  it('keeps each partition in order, past its head, and counts what waits', () => {
    const m = new PartitionedMailbox(4, 0);
    for (const id of ['a1', 'a2', 'a3']) m.push(1, sig(id));
    m.push(3, sig('b1'));
    expect(m.queued).to.equal(4);
    expect([m.depthOf(0), m.depthOf(1), m.depthOf(3)]).to.deep.equal([0, 3, 1]);
    expect([...m.waiting()].map((s) => s.id)).to.deep.equal(['a1', 'a2', 'a3', 'b1']);
    const p = m.claim();
    expect(p).to.equal(1);
    expect([m.shift(p)?.id, m.shift(p)?.id]).to.deep.equal(['a1', 'a2']);
    m.push(1, sig('a4'));
    expect([m.shift(p)?.id, m.shift(p)?.id, m.shift(p)]).to.deep.equal(['a3', 'a4', undefined]);
    expect(m.hasWork(1)).to.equal(false);
    expect(m.queued).to.equal(1);
  });

  it('hands out ready partitions in turn, never one that is busy, and requeues a released one with work', () => {
    const m = new PartitionedMailbox(3, 0);
    m.push(2, sig('x1'));
    m.push(0, sig('y1'));
    m.push(2, sig('x2'));
    expect(m.claim()).to.equal(2);
    expect(m.claim()).to.equal(0);
    expect(m.claim()).to.equal(-1);
    m.shift(2);
    m.push(2, sig('x3')); // busy: not ready again until released
    expect(m.hasReady).to.equal(false);
    m.release(2);
    m.shift(0);
    m.release(0); // nothing left: idle
    expect(m.claim()).to.equal(2);
    expect(m.claim()).to.equal(-1);
    m.push(0, sig('y2'));
    expect(m.claim()).to.equal(0);
  });

  it('reports ages, and drains everything partition by partition', () => {
    const m = new PartitionedMailbox(2, 1000);
    m.push(1, sig('a', 1010));
    m.push(0, sig('b', 1020));
    m.push(1, sig('c', 1030));
    expect(m.oldestAge(1100)).to.equal(90);
    expect(m.averageAge(1100)).to.equal(80);
    expect(m.drainAll().map((s) => s.id)).to.deep.equal(['b', 'a', 'c']);
    expect([m.queued, m.oldestAge(1100), m.averageAge(1100), m.depthOf(1)]).to.deep.equal([0, 0, 0, 0]);
  });
});

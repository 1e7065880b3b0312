import { expect } from 'chai';
import { createFailoverLease, type FailoverLease } from '../../lib/control/failover-lease.ts';
import type { KeyValueStore } from '../../lib/control/key-value-store.ts';
import { flushMicrotasks, VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { killable, MemoryKeyValueStore } from '../support/memory-key-value.ts';

const LEASE_MS = 1_000;
const RENEW_MS = 300;

/** Process `name` contending for the group with its one member `member`; logs its holding intervals on the clock. */
function process(store: MemoryKeyValueStore, clock: VirtualClock, name: string, member: string, log: { name: string; from: number; to?: number }[]) {
  const view = killable(store);
  const seen: (string | undefined)[] = [];
  let healthy = true;
  const lease: FailoverLease = createFailoverLease({
    store: view,
    key: 'failover.pay',
    holder: name,
    clock,
    leaseMs: LEASE_MS,
    renewMs: RENEW_MS,
    candidate: () => (healthy ? member : undefined),
    onActive: (active) => seen.push(active),
    onHolding: (holding) => {
      if (holding) log.push({ name, from: clock.now() });
      else log.findLast((interval) => interval.name === name)!.to = clock.now();
    },
    onError: () => {},
  });
  return {
    lease,
    seen,
    kill: () => view.kill(),
    set healthy(value: boolean) {
      healthy = value;
    },
  };
}

/** No two holding intervals overlap. */
function expectNoOverlap(log: { name: string; from: number; to?: number }[]): void {
  const sorted = [...log].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.from, `${sorted[i]!.name} began before ${sorted[i - 1]!.name} ended`).to.be.at.least(sorted[i - 1]!.to ?? Number.POSITIVE_INFINITY);
}

describe('failover lease (shared key-value lock)', () => {
  it('exactly one of two processes holds the group, and renewals keep it there', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const a = process(store, clock, 'A', 'pay-a', log);
    const b = process(store, clock, 'B', 'pay-b', log);
    a.lease.start();
    b.lease.start();
    await flushMicrotasks();
    await clock.advance(10 * LEASE_MS);
    expect([a.lease.holding, b.lease.holding]).to.deep.equal([true, false]);
    expect(log).to.deep.equal([{ name: 'A', from: clock.now() - 10 * LEASE_MS }]);
    expect(b.seen.at(-1)).to.equal('pay-a');
    expect(store.writes.length).to.be.greaterThan(10 * Math.floor(LEASE_MS / RENEW_MS) - 2);
    await a.lease.stop();
    await b.lease.stop();
  });

  it('when the holder dies, the other takes over within the lease, never while the holder could still act', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const a = process(store, clock, 'A', 'pay-a', log);
    const b = process(store, clock, 'B', 'pay-b', log);
    a.lease.start();
    await flushMicrotasks();
    b.lease.start();
    await clock.advance(2 * LEASE_MS);
    const killedAt = clock.now();
    a.kill();
    await clock.advance(LEASE_MS + RENEW_MS);
    expect(b.lease.holding).to.equal(true);
    expect(b.seen.at(-1)).to.equal('pay-b');
    const takeover = log.find((interval) => interval.name === 'B')!.from;
    expect(takeover - killedAt).to.be.at.most(LEASE_MS + RENEW_MS);
    // The dead holder's own clock still ran: it stepped down when its lease ran out, before B took over.
    expect(a.lease.holding).to.equal(false);
    expectNoOverlap(log);
    await b.lease.stop();
  });

  it('a holder cut off from the store steps down at the end of its lease, before anyone else can take it', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const a = process(store, clock, 'A', 'pay-a', log);
    const b = process(store, clock, 'B', 'pay-b', log);
    a.lease.start();
    await flushMicrotasks();
    b.lease.start();
    await clock.advance(LEASE_MS);
    a.kill();
    for (let step = 0; step < 30; step++) await clock.advance(100);
    const aInterval = log.find((interval) => interval.name === 'A')!;
    const bInterval = log.find((interval) => interval.name === 'B')!;
    expect(aInterval.to).to.be.a('number');
    expect(bInterval.from).to.be.at.least(aInterval.to!);
    expectNoOverlap(log);
  });

  it('a holder cut off for longer than its lease steps down, and takes the group back a lease after the store answers again', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    let cutOff = false;
    const errors: string[] = [];
    const cut = <T>(call: () => Promise<T>): Promise<T> => (cutOff ? Promise.reject(new Error('no route to the store')) : call());
    const lease = createFailoverLease({
      store: { ...killable(store), update: (key, value, revision) => cut(() => store.update(key, value, revision)), create: (key, value) => cut(() => store.create(key, value)) },
      key: 'failover.pay',
      holder: 'A',
      clock,
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      candidate: () => 'pay-a',
      onActive: () => {},
      onHolding: (holding) => {
        if (holding) log.push({ name: 'A', from: clock.now() });
        else log.at(-1)!.to = clock.now();
      },
      onError: (_error, operation) => errors.push(operation),
    });
    lease.start();
    await flushMicrotasks();
    await clock.advance(RENEW_MS);
    cutOff = true;
    const cutAt = clock.now();
    for (let step = 0; step < 20; step++) await clock.advance(100);
    const whileCut = lease.holding;
    cutOff = false;
    const healedAt = clock.now();
    for (let step = 0; step < 25 && !lease.holding; step++) await clock.advance(100);
    expect(whileCut).to.equal(false);
    expect(log[0]!.to! - cutAt).to.be.at.most(LEASE_MS);
    expect(errors).to.include('failover.renew');
    expect(lease.holding).to.equal(true);
    expect(log[1]!.from - healedAt).to.be.at.most(LEASE_MS + RENEW_MS);
    await lease.stop();
  });

  it('a change by the holder while a renewal is in flight loses nothing: both go through, the lock stays', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const view = killable(store);
    // Updates wait at a gate the spec opens, as writes on their way over a network.
    let open: () => void = () => {};
    let gate = Promise.resolve();
    const slow: KeyValueStore = {
      ...view,
      update: async (key, value, revision) => {
        await gate;
        return view.update(key, value, revision);
      },
    };
    const lease = createFailoverLease({
      store: slow,
      key: 'failover.pay',
      holder: 'A',
      clock,
      leaseMs: LEASE_MS,
      renewMs: RENEW_MS,
      candidate: () => 'pay-a',
      onActive: () => {},
      onHolding: (holding) => {
        if (holding) log.push({ name: 'A', from: clock.now() });
        else log.at(-1)!.to = clock.now();
      },
      onError: () => {},
    });
    lease.start();
    await flushMicrotasks();
    gate = new Promise<void>((resolve) => (open = resolve));
    // The renewal timer fires here; its write is still on its way when the change is asked for.
    await clock.advance(RENEW_MS);
    const changed = lease.change('pay-a2', true, { by: 'alice', reason: 'move within A' });
    open();
    await changed;
    await clock.advance(3 * LEASE_MS);
    expect(lease.holding).to.equal(true);
    expect(lease.member).to.equal('pay-a2');
    expect(log).to.have.length(1);
    await lease.stop();
  });

  it('a holder hands over to a member of another process at once (change), and on stop', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const a = process(store, clock, 'A', 'pay-a', log);
    const b = process(store, clock, 'B', 'pay-b', log);
    a.lease.start();
    await flushMicrotasks();
    b.lease.start();
    await clock.advance(RENEW_MS);
    await a.lease.change('pay-b', false, { by: 'alice', reason: 'maintenance on pay-a' });
    await flushMicrotasks();
    await flushMicrotasks();
    expect([a.lease.holding, b.lease.holding]).to.deep.equal([false, true]);
    expect(a.seen.at(-1)).to.equal('pay-b');
    expect(log.map((interval) => [interval.name, interval.from - log[0]!.from])).to.deep.equal([
      ['A', 0],
      ['B', RENEW_MS],
    ]);
    // b hands over naming its own member; a hosts another, so it takes the group a renewal interval later.
    await b.lease.stop();
    await flushMicrotasks();
    const stoppedAt = clock.now();
    await clock.advance(RENEW_MS);
    expect(a.lease.holding).to.equal(true);
    expect(log.at(-1)).to.deep.include({ name: 'A', from: stoppedAt + RENEW_MS });
    expectNoOverlap(log);
    await a.lease.stop();
  });

  it('a process with no healthy member does not contend; it takes the free group once a member turns healthy (poke)', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const log: { name: string; from: number; to?: number }[] = [];
    const a = process(store, clock, 'A', 'pay-a', log);
    a.healthy = false;
    a.lease.start();
    await clock.advance(3 * LEASE_MS);
    const before = a.lease.holding;
    a.healthy = true;
    await a.lease.stop();
    const c = process(store, clock, 'C', 'pay-c', log);
    c.healthy = false;
    c.lease.start();
    await flushMicrotasks();
    c.healthy = true;
    c.lease.poke();
    await flushMicrotasks();
    await flushMicrotasks();
    expect(before).to.equal(false);
    expect(c.lease.holding).to.equal(true);
    await c.lease.stop();
  });
});

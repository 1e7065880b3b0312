import { expect } from 'chai';
import { createFailoverLease, type FailoverLease } from '../../lib/control/failover-lease.ts';
import type { KeyValueEntry, KeyValueStore } from '../../lib/control/key-value-store.ts';
import { disposable } from '../../lib/resilience/emitter.ts';
import { flushMicrotasks, VirtualClock } from '../../lib/testing/virtual-clock.ts';

/** A compare-and-set conflict as the stores throw it (KeyValueConflictError's code). */
const conflict = (): Error => Object.assign(new Error('conflict'), { code: 'PLEXUS_KEY_VALUE_CONFLICT' });

/** A tiny shared store: one revision counter, CAS, watch deliveries on microtasks. */
class TinyStore {
  readonly entries = new Map<string, KeyValueEntry>();
  readonly watchers = new Set<(entry: KeyValueEntry) => void>();
  revision = 0;
  write(key: string, value: string, expect: number | 'absent' | 'any'): number {
    const current = this.entries.get(key);
    if (expect === 'absent' && current !== undefined && !current.deleted) throw conflict();
    if (typeof expect === 'number' && current?.revision !== expect) throw conflict();
    const entry = { key, value, revision: ++this.revision, deleted: false };
    this.entries.set(key, entry);
    for (const watcher of this.watchers) queueMicrotask(() => watcher(entry));
    return entry.revision;
  }
  /** The view of one process: `kill()` cuts it off for good (a SIGKILL: no call answers, no watch delivers). */
  view(): KeyValueStore & { kill(): void } {
    let dead = false;
    const alive = <T>(fn: () => T): Promise<T> => (dead ? new Promise<T>(() => {}) : Promise.resolve().then(fn));
    return {
      kill: () => void (dead = true),
      get: (key) => alive(() => this.entries.get(key)),
      put: (key, value) => alive(() => this.write(key, value, 'any')),
      create: (key, value) => alive(() => this.write(key, value, 'absent')),
      update: (key, value, revision) => alive(() => this.write(key, value, revision)),
      delete: (key) => alive(() => void this.write(key, '', 'any')),
      watch: (_prefix, onEntry) => {
        const watcher = (entry: KeyValueEntry): void => {
          if (!dead) onEntry(entry);
        };
        this.watchers.add(watcher);
        for (const entry of this.entries.values()) queueMicrotask(() => watcher(entry));
        return disposable(() => this.watchers.delete(watcher));
      },
    };
  }
}

const LEASE_MS = 1_000;
const RENEW_MS = 300;

/** Process `name` contending for the group with its one member `member`; logs its holding intervals on the clock. */
function process(store: TinyStore, clock: VirtualClock, name: string, member: string, log: { name: string; from: number; to?: number }[]) {
  const view = store.view();
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
    const store = new TinyStore();
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
    expect(store.revision).to.be.greaterThan(10 * Math.floor(LEASE_MS / RENEW_MS) - 2);
    await a.lease.stop();
    await b.lease.stop();
  });

  it('when the holder dies, the other takes over within the lease, never while the holder could still act', async () => {
    const clock = new VirtualClock();
    const store = new TinyStore();
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
    const store = new TinyStore();
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

  it('a holder hands over to a member of another process at once (change), and on stop', async () => {
    const clock = new VirtualClock();
    const store = new TinyStore();
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
    await b.lease.stop();
    await flushMicrotasks();
    await flushMicrotasks();
    expect(a.lease.holding).to.equal(true);
    expectNoOverlap(log);
    await a.lease.stop();
  });

  it('a process with no healthy member does not contend; it takes the free group once a member turns healthy (poke)', async () => {
    const clock = new VirtualClock();
    const store = new TinyStore();
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

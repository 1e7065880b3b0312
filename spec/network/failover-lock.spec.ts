import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import type { NetworkEvent } from '../../lib/index.ts';
import { flushMicrotasks, VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { killable, MemoryKeyValueStore } from '../support/memory-key-value.ts';
import { testNetwork } from '../support/networks.ts';

const LEASE_MS = 1_000;
const RENEW_MS = 300;

/** A "process": a network on the shared clock whose local member is `mine` (the other member is a plain node here too, never preferred). */
function processNetwork(name: string, clock: VirtualClock, store: MemoryKeyValueStore, members: string[], journal: FileJournal | false = false) {
  const view = killable(store);
  const { net } = testNetwork({ name, clock, journal, health: { intervalMs: 1_000, timeoutMs: 100, readEventLoopLagMs: () => 0, readHeapUsed: () => 100, heapLimitBytes: 1_000 } });
  for (const member of members) net.node(member, { breaker: {}, handle: () => {} });
  const group = net.failover('pay', { members, lock: { store: view, leaseMs: LEASE_MS, renewMs: RENEW_MS } });
  const lockEvents: string[] = [];
  net.events$.subscribe((event: NetworkEvent) => {
    if (event.kind === 'failover' && event.action.startsWith('lock')) lockEvents.push(event.action);
  });
  return { net, group, view, lockEvents };
}

describe('network: failover groups with a shared lock', () => {
  it('one process holds the group, the other follows the member the lock names and refuses to switch; the holder renews', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const a = processNetwork('a', clock, store, ['pay-a', 'pay-b']);
    const b = processNetwork('b', clock, store, ['pay-a', 'pay-b']);
    const activeBeforeStart = a.group.active;
    await a.net.start();
    await flushMicrotasks();
    await b.net.start();
    await clock.advance(5 * LEASE_MS);
    const refused = await b.group.switchTo('pay-b', { by: 'bob' }).catch((error: Error) => error);
    expect(activeBeforeStart).to.equal(undefined);
    expect([a.group.holding, b.group.holding]).to.deep.equal([true, false]);
    expect([a.group.active, b.group.active]).to.deep.equal(['pay-a', 'pay-a']);
    expect(b.net.post('pay', { type: 'charge' })).to.include({ target: 'pay-a' });
    expect(refused).to.match(/holds it/);
    expect(b.net.health().failover.pay!.lock).to.deep.include({ holding: false });
    // The holder switches by hand: the other process follows, with the same audit entry.
    await a.group.switchTo('pay-b', { by: 'alice', reason: 'maintenance' });
    await flushMicrotasks();
    expect(b.group.active).to.equal('pay-b');
    expect(b.group.audit().at(-1)).to.include({ from: 'pay-a', to: 'pay-b', by: 'alice', reason: 'maintenance' });
    await a.net.shutdown();
    await b.net.shutdown();
  });

  it('when the holder dies, the other takes over within the lease; when the holder shuts down, at once', async () => {
    const clock = new VirtualClock();
    const store = new MemoryKeyValueStore();
    const a = processNetwork('a', clock, store, ['pay-a', 'pay-b']);
    const b = processNetwork('b', clock, store, ['pay-a', 'pay-b']);
    await a.net.start();
    await flushMicrotasks();
    await b.net.start();
    await clock.advance(LEASE_MS);
    // In b, pay-a is down: b takes the group with pay-b.
    b.net.breaker('pay-a')!.isolate();
    const followedBefore = b.group.active;
    a.view.kill();
    const killedAt = clock.now();
    let takenAt: number | undefined;
    while (takenAt === undefined && clock.now() - killedAt < 3 * LEASE_MS) {
      await clock.advance(50);
      if (b.group.holding) takenAt = clock.now();
    }
    expect(takenAt! - killedAt).to.be.within(LEASE_MS - RENEW_MS, LEASE_MS + RENEW_MS);
    expect(a.group.holding).to.equal(false);
    expect(followedBefore).to.equal('pay-a');
    expect(b.group.audit().at(-1)).to.include({ from: 'pay-a', to: 'pay-b', by: 'group' });
    expect(b.lockEvents).to.deep.equal(['lock-taken']);
    expect(b.group.audit().at(-1)!.reason).to.match(/lease of .* expired/);
    await a.net.shutdown({ force: true });

    const c = processNetwork('c', clock, store, ['pay-a', 'pay-b']);
    await c.net.start();
    await clock.advance(LEASE_MS);
    expect(c.group.holding).to.equal(false);
    await b.net.shutdown();
    await flushMicrotasks();
    await flushMicrotasks();
    expect(c.group.holding).to.equal(true);
    await c.net.shutdown();
  });

  it('with a journal too, a restarted holder comes back with the same active member (the handover names it) and the whole trail', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plexus-failover-lock-'));
    try {
      const clock = new VirtualClock();
      const store = new MemoryKeyValueStore();
      const path = join(dir, 'journal.jsonl');
      const first = processNetwork('a', clock, store, ['pay-a', 'pay-b'], new FileJournal({ path }));
      await first.net.start();
      await first.group.switchTo('pay-b', { by: 'alice', reason: 'prefer b' });
      await clock.advance(LEASE_MS);
      const trail = first.group.audit();
      await first.net.shutdown();
      const second = processNetwork('a', clock, store, ['pay-a', 'pay-b'], new FileJournal({ path }));
      await second.net.start();
      await flushMicrotasks();
      await flushMicrotasks();
      expect([second.group.holding, second.group.active]).to.deep.equal([true, 'pay-b']);
      expect(second.net.post('pay', { type: 'charge' })).to.include({ target: 'pay-b' });
      const restored = second.group.audit();
      expect(JSON.parse(JSON.stringify(restored.slice(0, trail.length)))).to.deep.equal(JSON.parse(JSON.stringify(trail)));
      expect(restored.slice(trail.length).map((entry) => [entry.action, entry.to, entry.reason])).to.deep.equal([['acquire', 'pay-b', 'handed over to pay-b']]);
      await second.net.shutdown();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

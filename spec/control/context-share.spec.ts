/**
 * The context mirror shared through a key-value store (in memory here; a JetStream bucket with
 * NATS, see spec/network/context-nats.spec.ts): several mirrors, as several processes would be,
 * on one virtual clock.
 */
import { expect } from 'chai';
import { ContextMirror, type ContextChange, type ContextEntry } from '../../lib/control/context-mirror.ts';
import { ContextError } from '../../lib/control/context-errors.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { MemoryKeyValueStore } from '../support/memory-key-value.ts';

const LIMITS = { maxBytes: 1024, maxDepth: 8 };

interface Process {
  readonly context: ContextMirror;
  readonly changes: ContextChange[];
  readonly failures: string[];
}

/** Lets the store's deliveries (microtasks) and the writes' acknowledgements run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('control: context mirror shared through a key-value store', () => {
  let clock: VirtualClock;
  let store: MemoryKeyValueStore;

  beforeEach(() => {
    clock = new VirtualClock();
    store = new MemoryKeyValueStore();
  });

  function process(): Process {
    const changes: ContextChange[] = [];
    const failures: string[] = [];
    const context = new ContextMirror({ clock, limits: LIMITS, onChange: (c) => changes.push(c) });
    return { context, changes, failures };
  }
  async function shared(): Promise<Process> {
    const p = process();
    await p.context.share(store, (e, op) => p.failures.push(`${op}: ${e.message}`));
    return p;
  }

  it('a publish in one process reaches the others: get, the per-key watch and the prefix watch', async () => {
    const a = await shared();
    const b = await shared();
    const byKey: unknown[] = [];
    const byPrefix: string[][] = [];
    b.context.watch('node.store.breakerState').subscribe((e) => byKey.push(e?.value));
    b.context.watchPrefix('node.').subscribe((es) => byPrefix.push(es.map((e) => `${e.key}=${String(e.value)}`)));
    const published = a.context.publish('node.store.breakerState', 'open', { publisher: 'proc-a' });
    await settle();
    expect(b.context.get('node.store.breakerState')).to.deep.equal(published);
    expect(byKey).to.deep.equal([undefined, 'open']);
    expect(byPrefix).to.deep.equal([[], ['node.store.breakerState=open']]);
    expect(b.changes.map((c) => `${c.change}:${c.entry.key}:${c.entry.publisher}`)).to.deep.equal(['set:node.store.breakerState:proc-a']);
    expect(JSON.parse(store.raw('node.store.breakerState')!.value)).to.deep.equal({ value: 'open', publisher: 'proc-a', publishedAt: clock.now() });
    expect([a.failures, b.failures]).to.deep.equal([[], []]);
  });

  it('a process that shares late starts with the current values (watches start with them too)', async () => {
    const a = await shared();
    a.context.publish('network.health', 'healthy', { publisher: 'proc-a' });
    a.context.publish('node.x.pressureLevel', 'warning', { publisher: 'proc-a' });
    await settle();
    const late = await shared();
    expect(late.context.get('network.health')?.value).to.equal('healthy');
    const first: ContextEntry[][] = [];
    late.context.watchPrefix('').subscribe((es) => first.push(es));
    expect(first[0]?.map((e) => e.key)).to.have.members(['network.health', 'node.x.pressureLevel']);
  });

  it('values published before sharing are written at share, and win over the older value in the store', async () => {
    const a = await shared();
    a.context.publish('k', 'old', { publisher: 'a' });
    await settle();
    const b = process();
    b.context.publish('k', 'new', { publisher: 'b' });
    await b.context.share(store, () => undefined);
    await settle();
    expect(a.context.get('k')?.value).to.equal('new');
    expect(b.context.get('k')?.value).to.equal('new');
    expect(b.changes.map((c) => String(c.entry.value))).to.deep.equal(['new'], 'b never showed the older value');
  });

  it('remove deletes the key in the store: the other process sees it go', async () => {
    const a = await shared();
    const b = await shared();
    a.context.publish('k', 1, { publisher: 'a' });
    await settle();
    const seen: unknown[] = [];
    b.context.watch('k').subscribe((e) => seen.push(e?.value));
    expect(a.context.remove('k')).to.equal(true);
    await settle();
    expect(b.context.get('k')).to.equal(undefined);
    expect(seen).to.deep.equal([1, undefined]);
    expect(b.changes.map((c) => c.change)).to.deep.equal(['set', 'removed']);
    expect(store.raw('k')?.deleted).to.equal(true);
  });

  it('last writer wins in the store order, and a writer never flaps back to its own older value', async () => {
    const a = await shared();
    const b = await shared();
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    a.context.watch('k').subscribe((e) => seenA.push(e?.value));
    b.context.watch('k').subscribe((e) => seenB.push(e?.value));
    a.context.publish('k', 1, { publisher: 'a' });
    a.context.publish('k', 2, { publisher: 'a' });
    a.context.publish('k', 3, { publisher: 'a' });
    await settle();
    expect(seenA).to.deep.equal([undefined, 1, 2, 3]);
    expect(b.context.get('k')?.value).to.equal(3);
    b.context.publish('k', 4, { publisher: 'b' });
    a.context.publish('k', 5, { publisher: 'a' });
    await settle();
    expect([a.context.get('k')?.value, b.context.get('k')?.value]).to.deep.equal([5, 5]);
    expect(seenB.at(-1)).to.equal(5);
    expect(seenA).to.deep.equal([undefined, 1, 2, 3, 5], 'a saw 4 only under its own write in flight: held back, then outdated');
  });

  it('a re-publish of the same value without a TTL writes nothing; with a TTL it writes (the expiry moves)', async () => {
    const a = await shared();
    a.context.publish('k', 'v', { publisher: 'a' });
    a.context.publish('k', 'v', { publisher: 'a' });
    await settle();
    expect(store.writes).to.have.length(1);
    a.context.publish('t', 'v', { publisher: 'a', ttlMs: 1000 });
    a.context.publish('t', 'v', { publisher: 'a', ttlMs: 1000 });
    await settle();
    expect(store.writes).to.have.length(3);
  });

  it('TTL: the expiry travels in the value; every process drops it then, and it is deleted from the store once', async () => {
    const a = await shared();
    const b = await shared();
    a.context.publish('lease', 'a', { publisher: 'a', ttlMs: 1000 });
    await settle();
    expect(b.context.get('lease')?.expiresAt).to.equal(clock.now() + 1000);
    await clock.advance(999);
    expect(b.context.get('lease')?.value).to.equal('a');
    await clock.advance(1);
    await settle();
    expect([a.context.get('lease'), b.context.get('lease')]).to.deep.equal([undefined, undefined]);
    expect(b.changes.map((c) => c.change)).to.deep.equal(['set', 'expired']);
    expect(store.raw('lease')?.deleted).to.equal(true);
    expect(store.writes.filter((w) => w.deleted)).to.have.length(1, 'the second purge lost its compare-and-set');
    expect([a.failures, b.failures]).to.deep.equal([[], []]);
  });

  it('TTL: a process that starts after a value expired treats it as absent and purges it', async () => {
    const a = process();
    a.context.publish('gone', 'x', { publisher: 'a', ttlMs: 1000 });
    a.context.publish('kept', 'y', { publisher: 'a', ttlMs: 5000 });
    await a.context.share(store, () => undefined);
    await settle();
    await a.context.unshare(); // the publisher is gone: nobody purges
    await clock.advance(1500);
    expect(store.raw('gone')?.deleted).to.equal(false);
    const late = await shared();
    await settle();
    expect(late.context.get('gone')).to.equal(undefined);
    expect(late.context.get('kept')?.value).to.equal('y');
    expect(store.raw('gone')?.deleted).to.equal(true);
    expect(late.changes.map((c) => `${c.change}:${c.entry.key}`)).to.deep.equal(['set:kept']);
  });

  it('a re-publish racing an expiry is not deleted: the purge is a compare-and-set on the expired revision', async () => {
    const a = await shared();
    const b = process();
    a.context.publish('k', 'v1', { publisher: 'a', ttlMs: 1000 });
    await settle();
    await b.context.share(store, () => undefined);
    // Another writer renews it just as the timers fire, before the watch brings the renewal.
    const expired = store.raw('k')!.revision;
    await store.put('k', JSON.stringify({ value: 'v2', publisher: 'c', publishedAt: clock.now(), expiresAt: clock.now() + 5000 }));
    await clock.advance(1000);
    await settle();
    expect(store.raw('k')?.revision).to.be.greaterThan(expired);
    expect(store.raw('k')?.deleted).to.equal(false);
    expect(a.context.get('k')?.value).to.equal('v2');
  });

  it('a value in the store that is no valid context value is refused and reported; the mirror goes on', async () => {
    const a = await shared();
    await store.put('bad.json', '{not json');
    await store.put('bad.shape', JSON.stringify({ value: 1 }));
    await store.put('bad key!', JSON.stringify({ value: 1, publisher: 'x', publishedAt: 0 }));
    await store.put('bad.deep', JSON.stringify({ value: [[[[[[[[[[1]]]]]]]]]], publisher: 'x', publishedAt: 0 }));
    await store.put('good', JSON.stringify({ value: 1, publisher: 'x', publishedAt: 0 }));
    await settle();
    expect(a.failures).to.have.length(4);
    expect(a.failures.every((f) => f.startsWith('context.read: '))).to.equal(true);
    expect(a.context.entries().map((e) => e.key)).to.deep.equal(['good']);
  });

  it('a failed write is reported, the local value stays, and the next publish of it writes it; a watch that cannot start fails share (the mirror stays in-process)', async () => {
    const a = await shared();
    store.failNext('put');
    a.context.publish('k', 1, { publisher: 'a' });
    await settle();
    expect(a.failures).to.deep.equal(['context.write: put failed (on purpose)']);
    expect(a.context.get('k')?.value).to.equal(1);
    expect(store.raw('k')).to.equal(undefined);
    // The same value again (the network's periodic publish): written this time, as the store lacks it.
    a.context.publish('k', 1, { publisher: 'a' });
    await settle();
    expect(store.raw('k')?.value).to.contain('"value":1');
    a.context.publish('k', 1, { publisher: 'a' });
    await settle();
    expect(store.writes.filter((w) => w.key === 'k')).to.have.length(1, 'in sync again: no more writes');

    const b = process();
    store.failNext('watch');
    let error: unknown;
    await b.context.share(store, () => undefined).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('watch failed (on purpose)');
    const writes = store.writes.length;
    b.context.publish('other', 2, { publisher: 'b' });
    await settle();
    expect(store.writes).to.have.length(writes, 'not shared: nothing written');
    expect(store.watchers).to.equal(1, "only a's watch runs");
  });

  it('unshare stops the watch and the writes (values stay readable); close unshares; a closed mirror cannot share', async () => {
    const a = await shared();
    const b = await shared();
    a.context.publish('k', 1, { publisher: 'a' });
    await settle();
    await b.context.unshare();
    expect(store.watchers).to.equal(1);
    a.context.publish('k', 2, { publisher: 'a' });
    b.context.publish('mine', 3, { publisher: 'b' });
    await settle();
    expect(b.context.get('k')?.value).to.equal(1);
    expect(store.raw('mine')).to.equal(undefined);
    a.context.close();
    await settle();
    expect(store.watchers).to.equal(0);
    const error = await a.context.share(store, () => undefined).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ContextError);
    expect((error as ContextError).reason).to.equal('closed');
  });
});

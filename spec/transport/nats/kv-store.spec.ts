/**
 * The JetStream key-value store of a transport session (`session.keyValue(bucket)`), against the
 * real server: revisions, compare-and-set conflicts (also between two connections), watches that
 * start from the current values, deletions, keys NATS would refuse, and the session's lifecycle.
 */
import { expect } from 'chai';
import { ErrorCode } from '../../../lib/error-codes.ts';
import { isKeyValueConflictError, KeyValueConflictError } from '../../../lib/control/key-value-errors.ts';
import type { KeyValueEntry, KeyValueStore } from '../../../lib/control/key-value-store.ts';
import type { TransportHost, TransportSession } from '../../../lib/transport/transport.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import { systemClock } from '../../../lib/util/clock.ts';
import { deleteBuckets, deleteStream, describeNats, testTransport, uniqueNetwork, until } from './support.ts';

function hostFor(network: string): TransportHost {
  return { network, clock: systemClock, capacity: () => 1, receive: () => 'accepted', giveUp: () => undefined, failure: () => undefined };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describeNats('transport/nats: key-value store (JetStream KV bucket)', () => {
  let network = '';
  let sessions: TransportSession[] = [];
  const BUCKETS = ['kv', 'other'];

  async function session(): Promise<TransportSession> {
    const s = testTransport().bind(hostFor(network));
    sessions.push(s);
    await s.start([]);
    return s;
  }
  async function store(bucket = 'kv'): Promise<KeyValueStore> {
    return (await session()).keyValue!(bucket);
  }

  beforeEach(() => {
    network = uniqueNetwork('kv');
    sessions = [];
  });
  afterEach(async () => {
    for (const s of sessions) await s.close();
    await deleteBuckets(network, BUCKETS);
    await deleteStream(network);
  });

  it('put, get and revisions: each write gets a higher revision; a missing or deleted key reads as undefined', async () => {
    const kv = await store();
    expect(await kv.get('a.b')).to.equal(undefined);
    const r1 = await kv.put('a.b', '{"v":1}');
    const r2 = await kv.put('a.c', '2');
    const r3 = await kv.put('a.b', '{"v":3}');
    expect(r2).to.be.greaterThan(r1);
    expect(r3).to.be.greaterThan(r2);
    expect(await kv.get('a.b')).to.deep.equal({ key: 'a.b', value: '{"v":3}', revision: r3, deleted: false });
    await kv.delete('a.b');
    expect(await kv.get('a.b')).to.equal(undefined);
    expect((await kv.get('a.c'))?.value).to.equal('2');
  });

  it('create on an existing key rejects with KeyValueConflictError (stable code); after a delete, create succeeds', async () => {
    const kv = await store();
    const r = await kv.create('lock', '"me"');
    const e = await rejection(kv.create('lock', '"you"'));
    expect(e).to.be.instanceOf(KeyValueConflictError);
    expect(isKeyValueConflictError(e)).to.equal(true);
    expect((e as KeyValueConflictError).code).to.equal(ErrorCode.KeyValueConflict);
    expect((e as KeyValueConflictError).operation).to.equal('create');
    expect((await kv.get('lock'))?.revision).to.equal(r);
    await kv.delete('lock');
    const r2 = await kv.create('lock', '"you"');
    expect(await kv.get('lock')).to.deep.include({ value: '"you"', revision: r2 });
  });

  it('update and delete compare-and-set on the revision: a stale revision rejects and changes nothing', async () => {
    const kv = await store();
    const r1 = await kv.create('lease', '1');
    const r2 = await kv.update('lease', '2', r1);
    const stale = await rejection(kv.update('lease', '3', r1));
    expect(isKeyValueConflictError(stale) && stale.operation === 'update' && stale.expectedRevision === r1).to.equal(true);
    expect(isKeyValueConflictError(await rejection(kv.update('lease', '3', 0)))).to.equal(true);
    expect(isKeyValueConflictError(await rejection(kv.update('never-written', '3', r2)))).to.equal(true);
    const staleDelete = await rejection(kv.delete('lease', r1));
    expect(isKeyValueConflictError(staleDelete) && staleDelete.operation === 'delete').to.equal(true);
    expect((await kv.get('lease'))?.value).to.equal('2');
    await kv.delete('lease', r2);
    expect(await kv.get('lease')).to.equal(undefined);
  });

  it('two connections racing one revision: exactly one update wins, the other gets a conflict', async () => {
    const a = await store();
    const b = await store();
    const r = await a.put('leader', '"none"');
    const results = await Promise.allSettled([a.update('leader', '"a"', r), b.update('leader', '"b"', r)]);
    const won = results.filter((x) => x.status === 'fulfilled');
    const lost = results.filter((x) => x.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(isKeyValueConflictError((lost[0] as PromiseRejectedResult).reason)).to.equal(true);
    const winner = results[0].status === 'fulfilled' ? '"a"' : '"b"';
    expect((await b.get('leader'))?.value).to.equal(winner);
  });

  it('a watch starts with the current entries under its prefix (ready once they arrived), then sees changes and deletions until disposed', async () => {
    const writer = await store();
    await writer.put('node.store.breakerState', '"closed"');
    await writer.put('node.stock.pressureLevel', '"low"');
    await writer.put('network.health', '"healthy"');
    await writer.put('node.gone', '1');
    await writer.delete('node.gone');
    const reader = await store();
    const seen: KeyValueEntry[] = [];
    // `node.st` is no whole token: the keys starting with it, whatever follows.
    const watch = reader.watch('node.st', (e) => seen.push(e));
    await watch.ready;
    expect(seen.map((e) => [e.key, e.value])).to.have.deep.members([
      ['node.store.breakerState', '"closed"'],
      ['node.stock.pressureLevel', '"low"'],
    ]);
    const all: KeyValueEntry[] = [];
    const everything = reader.watch('', (e) => all.push(e));
    await everything.ready;
    expect(all.map((e) => `${e.key}:${e.deleted}`)).to.have.members(['node.store.breakerState:false', 'node.stock.pressureLevel:false', 'network.health:false', 'node.gone:true']);
    everything.dispose();

    const r = await writer.put('node.store.breakerState', '"open"');
    await writer.put('network.health', '"degraded"');
    await writer.delete('node.stock.pressureLevel');
    await until(() => seen.length === 4, 'the change and the deletion');
    expect(seen[2]).to.deep.equal({ key: 'node.store.breakerState', value: '"open"', revision: r, deleted: false });
    expect(seen[3]).to.deep.include({ key: 'node.stock.pressureLevel', deleted: true, value: '' });
    watch.dispose();
    await writer.put('node.store.breakerState', '"half-open"');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).to.have.length(4);
  });

  it('a watch on an empty bucket is ready at once; keys NATS refuses (colons, spaces, empty parts) round-trip', async () => {
    const kv = await store();
    const seen: KeyValueEntry[] = [];
    const watch = kv.watch('', (e) => seen.push(e));
    await watch.ready;
    expect(seen).to.deep.equal([]);
    const keys = ['svc:billing.health', 'a b.c=d', 'ünï.cødé', 'x..y', 'tail.'];
    for (const k of keys) await kv.put(k, JSON.stringify(k));
    for (const k of keys) expect((await kv.get(k))?.value).to.equal(JSON.stringify(k));
    await until(() => seen.length === keys.length, 'every key through the watch');
    expect(seen.map((e) => e.key)).to.deep.equal(keys);
    // `svc:` is part of a token: the prefix still selects by the decoded key.
    const svc: string[] = [];
    const w2 = kv.watch('svc:', (e) => svc.push(e.key));
    await w2.ready;
    expect(svc).to.deep.equal(['svc:billing.health']);
  });

  it('each network has its own bucket of a name; one session shares a bucket between callers', async () => {
    const s = await session();
    const kv1 = await s.keyValue!('kv');
    expect(await s.keyValue!('kv')).to.equal(kv1);
    await kv1.put('k', '1');
    expect(await (await s.keyValue!('other')).get('k')).to.equal(undefined);
    const elsewhere = testTransport().bind(hostFor(`${network}-x`));
    await elsewhere.start([]);
    try {
      expect(await (await elsewhere.keyValue!('kv')).get('k')).to.equal(undefined);
    } finally {
      await elsewhere.close();
      await deleteBuckets(`${network}-x`, ['kv']);
      await deleteStream(`${network}-x`);
    }
  });

  it('before start and after close the store is refused (TransportError); closing the session stops its watches', async () => {
    const s = testTransport().bind(hostFor(network));
    sessions.push(s);
    expect(isTransportError(await rejection(s.keyValue!('kv')))).to.equal(true);
    await s.start([]);
    const kv = await s.keyValue!('kv');
    const seen: KeyValueEntry[] = [];
    await kv.watch('', (e) => seen.push(e)).ready;
    await s.close();
    expect(isTransportError(await rejection(s.keyValue!('kv')))).to.equal(true);
    expect(isTransportError(await rejection(kv.put('k', '1')))).to.equal(true);
    const other = await store();
    await other.put('k', '2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).to.deep.equal([]);
  });

  it('a start whose `connected` step fails leaves nothing connected, and the next start works', async () => {
    const s = testTransport().bind(hostFor(network));
    sessions.push(s);
    const failed = await rejection(
      s.start([], async () => {
        await s.keyValue!('kv');
        throw new Error('refused on purpose');
      }),
    );
    expect((failed as Error).message).to.equal('refused on purpose');
    expect(isTransportError(await rejection(s.keyValue!('kv')))).to.equal(true);
    await s.start([], async () => void (await s.keyValue!('kv')));
    await (await s.keyValue!('kv')).put('k', '1');
  });
});

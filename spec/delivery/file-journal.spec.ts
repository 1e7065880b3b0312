import { expect } from 'chai';
import sinon from 'sinon';
import { appendFile, mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { isJournalError, JournalError } from '../../lib/delivery/journal-error.ts';
import { decodeRecord, type Shapes } from '../../lib/delivery/record-decode.ts';
import { createNetwork } from '../../lib/index.ts';
import { isInvalidOptionsError } from '../../lib/resilience/errors.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { appendHop, reviseSignal, SignalEnvelope } from '../../lib/signal/envelope.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64 };
let t = 1_700_000_000_000;

function signal(payload: unknown, target = 'store', type = 'reading', extra: Partial<Parameters<typeof createSignal>[0]> = {}): Signal {
  return createSignal({ type, payload, ...extra }, target, t++, LIMITS);
}

function completedHop(s: Signal, at: number): void {
  appendHop(s, { node: s.target, partition: 0, attempt: 1, startedAt: at - 1, finishedAt: at, outcome: 'completed' });
}

/** The prototype of node's FileHandle (not exported), to spy on its writes. */
async function fileHandleProto(dir: string): Promise<{ writev: (...a: unknown[]) => unknown; datasync: () => Promise<void> }> {
  const fh = await open(join(dir, 'probe'), 'w');
  await fh.close();
  return Object.getPrototypeOf(fh);
}

describe('delivery/file-journal', () => {
  let dir: string;
  let path: string;
  const open_: FileJournal[] = [];
  const journal = (o: Partial<ConstructorParameters<typeof FileJournal>[0]> = {}): FileJournal => {
    const j = new FileJournal({ path, ...o });
    open_.push(j);
    return j;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-journal-'));
    path = join(dir, 'sub', 'journal.jsonl');
  });
  afterEach(async () => {
    sinon.restore();
    await Promise.all(open_.splice(0).map((j) => j.close().catch(() => {})));
    await rm(dir, { recursive: true, force: true });
  });

  it('validates its options at construction', () => {
    const bad: unknown[] = [undefined, {}, { path: '' }, { path, fsync: 'yes' }, { path, maxBytes: 0 }, { path, maxBytes: 1.5 }, { path, completedInMemory: 0 }];
    for (const o of bad)
      expect(() => new FileJournal(o as never), JSON.stringify(o))
        .to.throw()
        .that.satisfies(isInvalidOptionsError);
    const j = new FileJournal({ path });
    expect([j.durable, j.fsync, j.maxBytes, j.completedInMemory]).to.deep.equal([true, true, 64 * 1024 * 1024, 10_000]);
  });

  it('round-trips full envelopes (history included) across a reopen, as frozen SignalEnvelopes', async () => {
    const a = signal({ t: 21.5, unit: '°C', nested: [1, { x: null }] }, 'store', 'reading', { headers: { tenant: 'ü' }, source: 'edge', causationId: 'c-1', urgency: 0.7, partitionKey: 'sensor-7' });
    const b = signal(undefined, 'audit', 'tick');
    appendHop(b, { node: 'audit', partition: 1, attempt: 1, startedAt: 1, finishedAt: 2, outcome: 'failed' });
    const j1 = journal();
    await Promise.all([j1.append(a), j1.append(b)]);
    await j1.close();

    const back = await journal().pending();
    expect(back.map((s) => s.id)).to.deep.equal([a.id, b.id]);
    expect(JSON.parse(JSON.stringify(back))).to.deep.equal(JSON.parse(JSON.stringify([a, b])));
    for (const s of back) {
      expect(s).to.be.instanceOf(SignalEnvelope);
      expect(Object.isFrozen(s)).to.equal(true);
    }
    expect(back[1]!.hops).to.have.length(1);
    expect(back[1]!.payload).to.equal(undefined);
    expect(back[0]!.source).to.equal('edge');
  });

  it('group-commits: 1000 appends in one turn share one write and one fsync', async () => {
    const proto = await fileHandleProto(dir);
    const writes = sinon.spy(proto, 'writev');
    const syncs = sinon.spy(proto, 'datasync');
    const j = journal();
    const signals = Array.from({ length: 1000 }, (_, i) => signal({ i }));
    const started = performance.now();
    await Promise.all(signals.map((s) => j.append(s)));
    const ms = performance.now() - started;
    expect(writes.callCount).to.equal(1);
    expect(syncs.callCount).to.equal(1);
    expect(j.stats()).to.include({ batches: 1, fsyncs: 1, pending: 1000 });
    expect(ms).to.be.below(2000);
    await j.close();
    expect((await journal().pending()).map((s) => s.id)).to.deep.equal(signals.map((s) => s.id));
  });

  it('batches what arrives while a write is under way, and skips fsync when fsync is off', async () => {
    const j = journal({ fsync: false });
    const first = j.append(signal(1));
    await new Promise((r) => setImmediate(r)); // the first batch is now being written
    const rest = Array.from({ length: 50 }, (_, i) => j.append(signal(i)));
    await Promise.all([first, ...rest]);
    expect(j.stats().batches).to.be.at.most(3);
    expect(j.stats().fsyncs).to.equal(0);
    expect(await j.pending()).to.have.length(51);
  });

  it('lists only what was never settled; completed signals are queryable, across a reopen too', async () => {
    const s = Array.from({ length: 5 }, (_, i) => signal({ i }, i % 2 === 0 ? 'a' : 'b', i < 3 ? 'x' : 'y'));
    const j1 = journal();
    await Promise.all(s.map((x) => j1.append(x)));
    completedHop(s[0]!, 100);
    j1.settle(s[0]!, 'completed', 100);
    j1.settle(s[1]!, 'dead-lettered', 101);
    completedHop(s[3]!, 102);
    j1.settle(s[3]!, 'completed', 102);
    expect((await j1.pending()).map((x) => x.id)).to.deep.equal([s[2]!.id, s[4]!.id]);
    expect((await j1.query({})).map((x) => x.id)).to.deep.equal([s[0]!.id, s[3]!.id]);
    await j1.close();

    const j2 = journal();
    expect((await j2.pending()).map((x) => x.id)).to.deep.equal([s[2]!.id, s[4]!.id]);
    const done = await j2.query({});
    expect(done.map((x) => x.id)).to.deep.equal([s[0]!.id, s[3]!.id]);
    expect(done[0]!.hops.map((h) => h.outcome)).to.deep.equal(['completed'], 'the final history comes from the settle record');
    expect((await j2.query({ node: 'b' })).map((x) => x.id)).to.deep.equal([s[3]!.id]);
    expect((await j2.query({ type: 'x' })).map((x) => x.id)).to.deep.equal([s[0]!.id]);
    expect((await j2.query({ from: s[1]!.createdAt, to: s[3]!.createdAt })).map((x) => x.id)).to.deep.equal([s[3]!.id]);
  });

  it('a signal that ends before its batch is written gets one record; one still open gets two', async () => {
    const j1 = journal();
    await j1.pending(); // the file is read: records are encoded when their batch is written
    const s = Array.from({ length: 4 }, (_, i) => signal({ i }, 'a'));
    const appended = s.map((x) => j1.append(x));
    completedHop(s[0]!, 100);
    j1.settle(s[0]!, 'completed', 100);
    j1.settle(s[1]!, 'dead-lettered', 101);
    // Reprocessed in the same turn, and handled again: its dead-letter record, written at its
    // end, does not get the later hop.
    appended.push(j1.append(s[1]!));
    completedHop(s[1]!, 103);
    await Promise.all(appended);
    completedHop(s[2]!, 102);
    j1.settle(s[2]!, 'completed', 102);
    await j1.close();
    const shapes: Shapes = new Map();
    const records = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => decodeRecord(l, shapes)!);
    expect(records[0]).to.deep.equal({ op: 'shape', n: 0 });
    const summary = records
      .slice(1)
      .map((r) =>
        r.op === 'settle'
          ? ['settle', r.outcome, r.id, -1]
          : r.op === 'accept'
            ? ['accept', '', r.signal.id, r.signal.hops.length]
            : r.op === 'accept-settled'
              ? ['accept', r.outcome, r.signal.id, r.signal.hops.length]
              : [r.op],
      );
    expect(summary).to.deep.equal([
      ['accept', 'completed', s[0]!.id, 1],
      ['accept', 'dead-lettered', s[1]!.id, 0],
      ['accept', '', s[2]!.id, 0],
      ['accept', '', s[3]!.id, 0],
      ['accept', '', s[1]!.id, 1],
      ['settle', 'completed', s[2]!.id, -1],
    ]);
    const j2 = journal();
    expect((await j2.pending()).map((x) => x.id)).to.deep.equal([s[3]!.id, s[1]!.id]);
    const done = await j2.query({});
    expect(done.map((x) => x.id)).to.deep.equal([s[0]!.id, s[2]!.id]);
    expect(done.map((x) => x.hops.map((h) => h.finishedAt))).to.deep.equal([[100], [102]]);
  });

  it('a revised copy that ends (a schema upcast) gives the one record its final history', async () => {
    const j1 = journal();
    await j1.pending();
    const s = signal({ v: 1 }, 'a');
    const appended = j1.append(s);
    const revised = reviseSignal(s, { version: '2.0', payload: { v: 2 } });
    completedHop(revised, 200);
    j1.settle(revised, 'completed', 200);
    await appended;
    await j1.close();
    const done = await journal().query({});
    expect(done.map((x) => [x.id, x.version, x.hops.length])).to.deep.equal([[s.id, s.version, 1]]);
  });

  it('a hand-built envelope whose payload cannot be written fails its own append (encode), not its batch', async () => {
    const j = journal();
    await j.pending();
    const bad = new SignalEnvelope('bad-big', 't', '1.0', { n: 1n }, undefined, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({}));
    const good = signal('fine');
    const [badAppend, goodAppend] = await Promise.allSettled([j.append(bad), j.append(good)]);
    expect(goodAppend.status).to.equal('fulfilled');
    expect(badAppend.status).to.equal('rejected');
    expect(((badAppend as PromiseRejectedResult).reason as JournalError).failure).to.equal('encode');
    expect(j.stats()).to.include({ pending: 1 });
    await j.close();
    expect((await journal().pending()).map((x) => x.id)).to.deep.equal([good.id]);
  });

  it('keeps only the last completedInMemory completed signals indexed', async () => {
    const j = journal({ completedInMemory: 3 });
    const s = Array.from({ length: 10 }, (_, i) => signal({ i }));
    await Promise.all(s.map((x) => j.append(x)));
    for (const x of s) j.settle(x, 'completed', 1);
    expect((await j.query({})).map((x) => x.payload)).to.deep.equal([{ i: 7 }, { i: 8 }, { i: 9 }]);
    await j.close();
    expect((await journal({ completedInMemory: 3 }).query({})).map((x) => x.payload)).to.deep.equal([{ i: 7 }, { i: 8 }, { i: 9 }]);
  });

  it('a signal appended again after it was settled (a DLQ reprocess) is pending again', async () => {
    const x = signal(1);
    const j1 = journal();
    await j1.append(x);
    j1.settle(x, 'dead-lettered', 5);
    await j1.append(x);
    await j1.close();
    expect((await journal().pending()).map((s) => s.id)).to.deep.equal([x.id]);
  });

  it('ignores a torn last line, cuts it off, and appends cleanly after it', async () => {
    const [a, b] = [signal('a'), signal('b')];
    const j1 = journal();
    await j1.append(a);
    await j1.close();
    const whole = await readFile(path, 'utf8');
    await appendFile(path, whole.slice(0, Math.floor(whole.length / 2))); // crash mid-write

    const j2 = journal();
    expect((await j2.pending()).map((s) => s.id)).to.deep.equal([a.id]);
    expect(j2.stats().tornBytes).to.be.above(0);
    await j2.append(b);
    await j2.close();
    const j3 = journal();
    expect((await j3.pending()).map((s) => s.id)).to.deep.equal([a.id, b.id]);
    expect(j3.stats()).to.include({ skippedLines: 0, tornBytes: 0 });
  });

  it('skips a garbled line in the middle instead of failing', async () => {
    const a = signal('a');
    const j1 = journal();
    await j1.append(a);
    await j1.close();
    await appendFile(path, '{"op":"accept","signal":{"id":42}}\nnot json\n');
    const b = signal('b');
    const j2 = journal();
    await j2.append(b);
    await j2.close();
    const j3 = journal();
    expect((await j3.pending()).map((s) => s.id)).to.deep.equal([a.id, b.id]);
    expect(j3.stats().skippedLines).to.equal(2);
  });

  it('compacts past maxBytes: the file keeps only pending records, atomically, and stays bounded', async () => {
    const maxBytes = 16 * 1024;
    const j = journal({ maxBytes });
    const kept: Signal[] = [];
    let peak = 0;
    for (let round = 0; round < 20; round++) {
      const s = Array.from({ length: 20 }, (_, i) => signal({ round, i, pad: 'x'.repeat(100) }));
      await Promise.all(s.map((x) => j.append(x)));
      s.forEach((x, i) => {
        if (i === 0 && round % 5 === 0) kept.push(x);
        else j.settle(x, 'completed', 1);
      });
      peak = Math.max(peak, (await stat(path)).size);
    }
    await j.append(signal('last'));
    const st = j.stats();
    expect(st.compactions).to.be.at.least(2);
    expect(peak).to.be.below(maxBytes + 20 * 400, 'the file is rewritten once it passes maxBytes');
    expect(st.pending).to.equal(kept.length + 1);
    await j.close();
    const back = await journal({ maxBytes }).pending();
    expect(back.map((s) => s.id)).to.deep.equal([...kept.map((s) => s.id), back[back.length - 1]!.id]);
    expect(back[back.length - 1]!.payload).to.equal('last');
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).to.be.below(120, 'settled records are gone after compaction (401 signals went through)');
    expect(lines[0]!.startsWith('["s",'), 'a compacted file starts with its shapes').to.equal(true);
  });

  it("a restarted journal numbers its shapes afresh: a file read in order means each record's own", async () => {
    const j1 = journal();
    const first = [signal(1, 'a', 'x'), signal(2, 'a', 'x')];
    await Promise.all(first.map((x) => j1.append(x)));
    await j1.close();
    const j2 = journal();
    const second = [signal(3, 'b', 'y'), signal(4, 'a', 'x')];
    await j2.pending();
    await Promise.all(second.map((x) => j2.append(x)));
    await j2.close();
    const text = await readFile(path, 'utf8');
    expect(text.split('\n').filter((l) => l.startsWith('["s",0,'))).to.have.length(2, 'shape 0 is defined twice, differently');
    const back = await journal().pending();
    expect(back.map((x) => [x.target, x.type, x.payload])).to.deep.equal([
      ['a', 'x', 1],
      ['a', 'x', 2],
      ['b', 'y', 3],
      ['a', 'x', 4],
    ]);
  });

  it('skips and counts lines of another form (the JSON-object records of unreleased versions), and appends after them', async () => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(
      path,
      '{"op":"accept","signal":{"id":"019aaaac-2600-75e0-9f07-eec2e28db325","partitionKey":"k1","idempotencyKey":"i-1","type":"job","version":"1.0","source":"src","target":"worker","urgency":0.5,"headers":{"tenant":"t"},"payload":{"n":1},"hops":[]},"times":"4279aaaac2600200"}\n' +
        '{"op":"accept","signal":{"id":"019aaaac-2607-73c7-a341-c9339348c739","type":"job","version":"1.0","target":"worker","urgency":0.5,"headers":{},"hops":[]},"times":"4279aaaac2607800"}\n',
    );
    const j1 = journal();
    expect(await j1.pending()).to.deep.equal([]);
    expect(j1.stats().skippedLines).to.equal(2);
    const fresh = signal('new');
    await j1.append(fresh);
    await j1.close();
    const j2 = journal();
    expect((await j2.pending()).map((x) => x.id)).to.deep.equal([fresh.id]);
    expect(j2.stats().skippedLines).to.equal(2);
  });

  it('settled before the file was read: the old record does not come back as pending', async () => {
    const x = signal(1);
    const j1 = journal();
    await j1.append(x);
    await j1.close();
    const j2 = journal();
    j2.settle(x, 'completed', 9);
    expect(await j2.pending()).to.deep.equal([]);
    await j2.close();
    expect(await journal().pending()).to.deep.equal([]);
  });

  it('close flushes queued settles, is safe twice, and a closed journal refuses appends with JournalError', async () => {
    const x = signal(1);
    const j1 = journal();
    await j1.append(x);
    j1.settle(x, 'completed', 3);
    await Promise.all([j1.close(), j1.close()]);
    await j1.close();
    const err = await j1.append(signal(2)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(JournalError);
    expect(isJournalError(err) && err.code).to.equal('PLEXUS_JOURNAL');
    expect((err as JournalError).failure).to.equal('closed');
    expect(await journal().pending()).to.deep.equal([]);
  });

  it('a journal never used creates no file on close', async () => {
    await journal().close();
    expect(await stat(path).catch(() => undefined)).to.equal(undefined);
  });

  it('a failed write (disk full) rejects only its batch with JournalError; the file stays clean', async () => {
    const proto = await fileHandleProto(dir);
    const j = journal();
    const good = signal('good');
    await j.append(good);
    const real = proto.writev;
    const stub = sinon.stub(proto, 'writev').callsFake(async function (this: unknown) {
      await real.apply(this, [[Buffer.from('{"op":"acc')]]); // a partial write, then the disk is full
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    const lost = signal('lost');
    const err = await j.append(lost).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJournalError(err)).to.equal(true);
    expect((err as JournalError).failure).to.equal('write');
    expect((err as JournalError).details['systemCode']).to.equal('ENOSPC');
    expect((await j.pending()).map((s) => s.id)).to.deep.equal([good.id]);
    stub.restore();
    const after = signal('after');
    await j.append(after);
    await j.close();
    const j2 = journal();
    expect((await j2.pending()).map((s) => s.id)).to.deep.equal([good.id, after.id]);
    expect(j2.stats()).to.include({ skippedLines: 0, tornBytes: 0 });
  });

  it('a failed fsync fails the journal for good (later appends reject too)', async () => {
    const proto = await fileHandleProto(dir);
    const j = journal();
    await j.append(signal(0));
    sinon.stub(proto, 'datasync').rejects(Object.assign(new Error('EIO'), { code: 'EIO' }));
    const e1 = await j.append(signal(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((e1 as JournalError).failure).to.equal('fsync');
    sinon.restore();
    const e2 = await j.append(signal(2)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((e2 as JournalError).failure).to.equal('fsync');
  });

  it('an unreadable path rejects pending() and append() with JournalError', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const j = new FileJournal({ path: join(dir, 'file', 'journal.jsonl') }); // parent is a file
    open_.push(j);
    const e1 = await j.pending().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJournalError(e1)).to.equal(true);
    const e2 = await j.append(signal(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJournalError(e2)).to.equal(true);
  });

  it('works as a network journal: nothing pending after a clean shutdown, replay reads it back', async () => {
    const net = createNetwork({ name: 'fj', journal: journal() });
    const seen: unknown[] = [];
    net.node('store', { partitions: 2, handle: async (s) => void seen.push(s.payload) });
    await net.start();
    for (let i = 0; i < 20; i++) {
      const r = await net.send('store', { type: 'reading', payload: i });
      // An accepted receipt means the accept record is already in the file.
      if (i === 0 && r.status === 'accepted') expect(await readFile(path, 'utf8')).to.contain(r.id);
    }
    await net.idle();
    await net.shutdown({ timeoutMs: 5_000 });
    expect(seen).to.have.length(20);
    const j = journal();
    expect(await j.pending()).to.deep.equal([]);
    expect((await j.query({ node: 'store' })).map((s) => s.payload)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a journal that cannot write makes network.send reject with JournalError', async () => {
    const proto = await fileHandleProto(dir);
    const net = createNetwork({ name: 'fj-full', journal: journal() });
    net.node('store', { handle: () => {} });
    await net.start();
    sinon.stub(proto, 'writev').rejects(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    const err = await net.send('store', { type: 'reading', payload: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJournalError(err), String(err)).to.equal(true);
    sinon.restore();
    await net.idle();
    await net.shutdown({ timeoutMs: 1_000 });
  });

  it('a journal closed before first use refuses to be read (no handle left open)', async () => {
    const j = journal();
    await j.close();
    const err = await j.pending().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as JournalError).failure).to.equal('closed');
  });
});

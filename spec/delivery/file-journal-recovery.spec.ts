import { expect } from 'chai';
import sinon from 'sinon';
import { copyFileSync } from 'node:fs';
import { appendFile, copyFile, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import type { JournalError } from '../../lib/delivery/journal-error.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { appendHop, SignalEnvelope } from '../../lib/signal/envelope.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64 };
let t = 1_763_800_000_000.5;
const signal = (payload: unknown): Signal => createSignal({ type: 'job', payload, partitionKey: `k${Math.floor(t) % 3}` }, 'worker', (t += 0.25), LIMITS);
const done = (s: Signal): number => {
  const at = (t += 0.125);
  appendHop(s, { node: 'worker', partition: 1, attempt: 1, startedAt: at - 0.0625, finishedAt: at, outcome: 'completed' });
  return at;
};

describe('delivery/file-journal recovery', () => {
  let dir: string;
  let path: string;
  const opened: FileJournal[] = [];
  const journal = (p = path): FileJournal => {
    const j = new FileJournal({ path: p });
    opened.push(j);
    return j;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-recovery-'));
    path = join(dir, 'journal.jsonl');
  });
  afterEach(async () => {
    sinon.restore();
    await Promise.all(opened.splice(0).map((j) => j.close().catch(() => {})));
    await rm(dir, { recursive: true, force: true });
  });

  it('after a crash, pending() is exactly what was accepted on disk and not settled on disk', async () => {
    const j1 = journal();
    const s = Array.from({ length: 12 }, (_, i) => signal({ i }));
    await Promise.all(s.slice(0, 8).map((x) => j1.append(x)));
    j1.settle(s[0]!, 'completed', done(s[0]!));
    j1.settle(s[1]!, 'dead-lettered', t);
    j1.settle(s[2]!, 'completed', done(s[2]!) + 1); // `at` after the last hop: written out
    await j1.append(s[1]!); // reprocessed from the DLQ: pending again
    await Promise.all(s.slice(8).map((x) => j1.append(x))); // these batches carry the settles above
    j1.settle(s[3]!, 'completed', done(s[3]!));
    j1.settle(s[8]!, 'completed', done(s[8]!));
    // The crash: only what is in the file now survives (the two settles above are still queued).
    // A synchronous copy, in this same turn: the journal writes its queue from a setImmediate, which
    // an asynchronous copy would let run first (seen on Node 24 under load).
    const crashed = join(dir, 'crashed.jsonl');
    copyFileSync(path, crashed);

    const j2 = journal(crashed);
    // In order of acceptance: the reprocessed one was accepted again after the first eight.
    expect((await j2.pending()).map((x) => x.id)).to.deep.equal([3, 4, 5, 6, 7, 1, 8, 9, 10, 11].map((i) => s[i]!.id));
    const completed = await j2.query({});
    expect(completed.map((x) => x.id)).to.deep.equal([s[0]!.id, s[2]!.id]);
    expect(completed[1]!.hops).to.deep.equal(s[2]!.hops);
    // And what the first journal still had queued reaches its own file on close.
    await j1.close();
    expect((await journal().pending()).map((x) => x.id)).to.not.include.members([s[3]!.id, s[8]!.id]);
  });

  it('cuts off a record torn anywhere (even inside its times) and appends cleanly after it', async () => {
    const j1 = journal();
    const [a, b, c] = [signal('a'), signal('b'), signal('c')];
    await j1.append(a);
    await j1.close();
    const whole = await readFile(path, 'utf8');
    // The accept record of `a` (after its shape line), made `b`'s.
    const line = whole.trim().split('\n').pop()!.replace(a.id, b.id) + '\n';
    const record = Buffer.from(line);
    const times = (JSON.parse(line) as unknown[])[9] as string;
    for (const cut of [1, line.indexOf(times) + 5, record.length - 2]) {
      await copyFile(path, join(dir, 'base'));
      await appendFile(path, record.subarray(0, cut)); // crash mid-write
      const j2 = journal();
      expect(
        (await j2.pending()).map((x) => x.id),
        `cut at ${cut}`,
      ).to.deep.equal([a.id]);
      expect(j2.stats().tornBytes).to.equal(cut);
      await j2.append(c);
      await j2.close();
      const j3 = journal();
      expect((await j3.pending()).map((x) => x.id)).to.deep.equal([a.id, c.id]);
      expect(j3.stats()).to.include({ skippedLines: 0, tornBytes: 0 });
      await j3.close();
      await copyFile(join(dir, 'base'), path);
    }
  });

  it('refuses a malformed envelope at append (encode), and its settle cannot throw', async () => {
    const j = journal();
    const bad = new SignalEnvelope('bad-1', 42 as unknown as string, '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, Number.NaN, Object.freeze({}));
    const err = await j.append(bad).then(
      () => undefined,
      (e: unknown) => e as JournalError,
    );
    expect(err?.failure).to.equal('encode');
    expect(() => j.settle(bad, 'completed', 2)).to.not.throw();
    expect(() => j.settle({} as Signal, 'dead-lettered', 2)).to.not.throw();
    const good = signal('good');
    await j.append(good);
    await j.close();
    expect((await journal().pending()).map((x) => x.id)).to.deep.equal([good.id]);
  });

  it('a lost batch forgets the signals it made pending, not one pending from before', async () => {
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { writev: (...a: unknown[]) => Promise<unknown> };
    await fh.close();
    const j = journal();
    const old = signal('old');
    await j.append(old);
    sinon.stub(proto, 'writev').rejects(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    const fresh = signal('fresh');
    const results = await Promise.allSettled([j.append(old), j.append(fresh)]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(((results[1] as PromiseRejectedResult).reason as JournalError).failure).to.equal('write');
    expect((await j.pending()).map((x) => x.id)).to.deep.equal([old.id]);
    sinon.restore();
    await j.append(fresh);
    expect((await j.pending()).map((x) => x.id)).to.deep.equal([old.id, fresh.id]);
  });
});

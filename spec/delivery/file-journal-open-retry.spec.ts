/**
 * A FileJournal whose file could not be opened or read tries again at its next use (nothing was
 * read or written, so nothing can be lost), unlike a failed fsync, which stays failed for good
 * (see file-journal.spec.ts). And what a batch that never reached the file took with it (the
 * only line of a shape) is written again, so the records after it can be read back.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { isJournalError } from '../../lib/delivery/journal-error.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1024 * 1024, maxDepth: 64 };
let t = 1_700_000_000_000;
const reading = (payload: unknown): Signal => createSignal({ type: 'reading', payload }, 'store', t++, LIMITS);
const failureOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('delivery/file-journal: after a failed open or write', () => {
  let dir: string;
  let path: string;
  const journals: FileJournal[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-reopen-'));
    path = join(dir, 'journal.jsonl');
  });
  afterEach(async () => {
    sinon.restore();
    await Promise.all(journals.splice(0).map((j) => j.close().catch(() => {})));
    await rm(dir, { recursive: true, force: true });
  });
  const journal = (): FileJournal => {
    const j = new FileJournal({ path });
    journals.push(j);
    return j;
  };

  it('pending() and append() fail while the path is a directory, and work once it is free; what was written reads back', async () => {
    await mkdir(path);
    const j = journal();
    expect(isJournalError(await failureOf(j.pending()))).to.equal(true);
    // An append queued before the open fails with it (and its shape line with it).
    const early = reading('early');
    const lost = await failureOf(j.append(early));
    expect(isJournalError(lost), String(lost)).to.equal(true);
    await rm(path, { recursive: true });
    // Same shape as the failed append: its shape line must be written again with it.
    const later = reading('later');
    await j.append(later);
    expect((await j.pending()).map((s) => s.id)).to.deep.equal([later.id]);
    await j.close();
    const reopened = journal();
    expect((await reopened.pending()).map((s) => s.payload)).to.deep.equal(['later']);
    expect(reopened.stats().skippedLines).to.equal(0);
    expect(await readFile(path, 'utf8')).to.not.contain('early');
  });

  it('a failed write that held the only line of a new shape: the next batch writes it again, and an accepted signal of that shape reads back', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    await probe.close();
    const proto = Object.getPrototypeOf(probe) as { writev: () => Promise<unknown> };
    const j = journal();
    const first = reading('first');
    await j.append(first);
    const stub = sinon.stub(proto, 'writev').rejects(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
    // A new shape (another type): its shape line goes out with this batch, which fails.
    const lost = await failureOf(j.append(createSignal({ type: 'alarm', payload: 'lost' }, 'store', t++, LIMITS)));
    expect(isJournalError(lost), String(lost)).to.equal(true);
    stub.restore();
    const kept = createSignal({ type: 'alarm', payload: 'kept' }, 'store', t++, LIMITS);
    await j.append(kept);
    await j.close();
    const reopened = journal();
    expect((await reopened.pending()).map((s) => s.payload)).to.deep.equal(['first', 'kept']);
    expect(reopened.stats().skippedLines).to.equal(0);
  });
});

/**
 * `accepted` means on disk: the accept record holds the payload as it was sent, whatever the
 * sender does to the object afterwards, and every `send` settles (a payload that cannot be
 * written rejects its own send with a typed error; it never hangs).
 */
import { expect } from 'chai';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { isJournalError, type JournalError } from '../../lib/delivery/journal-error.ts';
import { createNetwork, type Network } from '../../lib/index.ts';
import type { Receipt } from '../../lib/node/receipt.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

/** Where a promise stands, read without awaiting it (so a promise that never settles cannot hang the spec). */
function watch<T>(p: Promise<T>): { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } {
  const w: { state: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { state: 'pending' };
  p.then(
    (v) => Object.assign(w, { state: 'fulfilled', value: v }),
    (e: unknown) => Object.assign(w, { state: 'rejected', error: e }),
  );
  return w;
}

describe('delivery/file-journal: accepted means on disk', () => {
  let dir: string;
  let path: string;
  let net: Network | undefined;
  const journals: FileJournal[] = [];
  const journal = (p = path): FileJournal => {
    const j = new FileJournal({ path: p });
    journals.push(j);
    return j;
  };
  /** A network whose node holds every signal (never settles it): what is on disk stays an accept record. */
  const holdingNetwork = async (): Promise<Network> => {
    const n = createNetwork({ name: 'accept', clock: new VirtualClock(), journal: journal() });
    n.node('hold', { handle: () => new Promise<void>(() => {}) });
    await n.start();
    return n;
  };
  /** What a crash would leave: a copy of the file as it is now, read by a fresh journal. */
  const pendingAfterCrash = async (): Promise<unknown[]> => {
    const copy = join(dir, `crash-${journals.length}.jsonl`);
    await copyFile(path, copy);
    return (await journal(copy).pending()).map((s) => s.payload);
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-accept-'));
    path = join(dir, 'journal.jsonl');
  });
  afterEach(async () => {
    await net?.shutdown({ force: true });
    net = undefined;
    await Promise.all(journals.splice(0).map((j) => j.close().catch(() => {})));
    await rm(dir, { recursive: true, force: true });
  });

  it('journals the payload as sent, not as the sender changed it after send', async () => {
    net = await holdingNetwork();
    const payload = { amount: 10, tags: ['a'] };
    const sent = net.send('hold', { type: 'order', payload });
    payload.amount = 99; // the sender reuses its object in the same turn
    payload.tags.push('b');
    const r = await sent;
    expect(r.status).to.equal('accepted');
    expect(await pendingAfterCrash()).to.deep.equal([{ amount: 10, tags: ['a'] }]);
  });

  it('a payload made unwritable after send (a BigInt) is still accepted, and on disk as sent', async () => {
    net = await holdingNetwork();
    const payload: Record<string, unknown> = { amount: 10 };
    const sent = watch(net.send('hold', { type: 'order', payload }));
    payload['amount'] = 10n;
    // A later send resolves only once everything queued before it is written.
    const later = await net.send('hold', { type: 'order', payload: { amount: 1 } });
    expect(later.status).to.equal('accepted');
    expect(sent.state, 'the first send settled').to.equal('fulfilled');
    expect((sent.value as Receipt).status).to.equal('accepted');
    expect(await pendingAfterCrash()).to.deep.equal([{ amount: 10 }, { amount: 1 }]);
  });

  it('a payload whose getter throws on its second read: the send rejects with JournalError (encode), never hangs', async () => {
    net = await holdingNetwork();
    let reads = 0;
    const payload = {
      get amount(): number {
        if (++reads > 1) throw new Error('read twice');
        return 10;
      },
    };
    const sent = watch(net.send('hold', { type: 'order', payload }));
    const later = await net.send('hold', { type: 'order', payload: { amount: 1 } });
    expect(later.status).to.equal('accepted');
    expect(sent.state, 'the first send settled').to.equal('rejected');
    expect(isJournalError(sent.error)).to.equal(true);
    expect((sent.error as JournalError).failure).to.equal('encode');
    expect(await pendingAfterCrash()).to.deep.equal([{ amount: 1 }]);
  });

  it('a lone send whose payload cannot be written settles (rejected) before the journal closes', async () => {
    net = await holdingNetwork();
    let reads = 0;
    const payload = {
      get amount(): number {
        if (++reads > 1) throw new Error('read twice');
        return 10;
      },
    };
    // One of the same shape first: the bad one's batch then has no shape line either, nothing to write.
    expect((await net.send('hold', { type: 'order', payload: { amount: 1 } })).status).to.equal('accepted');
    const sent = watch(net.send('hold', { type: 'order', payload }));
    // Closing the journal waits for every batch it queued: none may be left hanging.
    await net.shutdown({ force: true });
    net = undefined;
    expect(sent.state).to.equal('rejected');
    expect((sent.error as JournalError).failure).to.equal('encode');
  });

  it('a payload getter that posts while its payload is being journaled fails only that inner append', async () => {
    net = await holdingNetwork();
    const n = net;
    let reads = 0;
    const payload = {
      get amount(): number {
        // The second read is the journal's: a post from there must not write over this payload.
        if (++reads === 2) n.post('hold', { type: 'order', payload: { inner: 'x'.repeat(64) } });
        return 10;
      },
    };
    expect((await net.send('hold', { type: 'order', payload })).status).to.equal('accepted');
    await net.send('hold', { type: 'order', payload: { amount: 1 } });
    expect(net.counts().journalErrors).to.equal(1);
    expect(await pendingAfterCrash()).to.deep.equal([{ amount: 10 }, { amount: 1 }]);
  });

  it('a post whose payload is made cyclic after the post is journaled as posted, and its batch-mates too', async () => {
    net = await holdingNetwork();
    const bad: Record<string, unknown> = { amount: 1 };
    net.post('hold', { type: 'order', payload: bad });
    bad['self'] = bad; // a cycle, made after the post
    const ok = await net.send('hold', { type: 'order', payload: { amount: 2 } });
    expect(ok.status).to.equal('accepted');
    expect(await pendingAfterCrash()).to.deep.equal([{ amount: 1 }, { amount: 2 }]);
  });
});

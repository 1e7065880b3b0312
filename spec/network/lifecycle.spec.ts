import { expect } from 'chai';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { DUPLICATE_NETWORK_NAME_WARNING, FileJournal, type Journal, type Signal } from '../../lib/index.ts';
import { isJournalError } from '../../lib/delivery/journal-error.ts';
import { isLifecycleError } from '../../lib/network/errors.ts';
import { isInvalidOptionsError } from '../../lib/resilience/errors.ts';
import { readEnvelope } from '../../lib/signal/read-envelope.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: lifecycle and options', () => {
  it('refuses sends before start with a typed error, and starts once', async () => {
    const { net } = testNetwork();
    net.node('w', { handle: () => {} });
    const early = net.post('w', { type: 't' });
    expect(early).to.include({ status: 'rejected', reason: 'not-started' });
    expect(early.status === 'rejected' && isLifecycleError(early.error)).to.equal(true);
    await net.start();
    await net.start();
    expect(net.state).to.equal('running');
    expect(net.post('w', { type: 't' }).status).to.equal('accepted');
    await net.idle();
  });

  it('takes new nodes while running, refuses duplicates and bad names', async () => {
    const { net } = testNetwork();
    await net.start();
    net.node('late', { handle: () => {} });
    expect(net.post('late', { type: 't' }).status).to.equal('accepted');
    expect(() => net.node('late', { handle: () => {} })).to.throw(/already exists/);
    for (const bad of ['', 'has space', 'x'.repeat(200)]) {
      try {
        net.node(bad, { handle: () => {} });
        expect.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (e) {
        expect(isInvalidOptionsError(e), String(e)).to.equal(true);
      }
    }
    await net.idle();
  });

  it('validates options at construction, naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ partitions: 0 }, /partitions/],
      [{ capacity: -1 }, /capacity/],
      [{ concurrency: 1.5 }, /concurrency/],
      [{ flowControl: { warnAt: 0.99, rejectAt: 0.9 } }, /warnAt/],
      [{ retry: { maxAttempts: 0 } }, /maxAttempts/],
      [{ breaker: { failureThreshold: 0 } }, /failureThreshold/],
      [{ timeoutMs: 0 }, /timeoutMs/],
      [{ rateLimit: { algorithm: 'magic' } }, /algorithm/],
      [{ handle: 'not a function' }, /handle/],
    ];
    for (const [options, message] of bad) {
      const { net } = testNetwork();
      expect(() => net.node('n', { handle: () => {}, ...options } as never), JSON.stringify(options)).to.throw(message);
    }
    expect(() => testNetwork({ dedup: { windowMs: -5 } })).to.throw(/dedup.windowMs/);
    expect(() => testNetwork({ dlq: { capacity: 0 } })).to.throw(/dlq.capacity/);
    expect(() => testNetwork({ name: 'bad name' })).to.throw(/name/);
  });

  it('shutdown and dispose are safe to call twice and refuse new nodes after', async () => {
    const { net } = testNetwork();
    net.node('w', { handle: () => {} });
    await net.start();
    const a = net.shutdown();
    const b = net.shutdown();
    expect(a).to.equal(b);
    await a;
    await net[Symbol.asyncDispose]();
    expect(net.state).to.equal('terminated');
    expect(() => net.node('x', { handle: () => {} })).to.throw(/terminated/);
    await net.start().then(
      () => expect.fail('started after shutdown'),
      (e: unknown) => expect(isLifecycleError(e)).to.equal(true),
    );
  });

  it('warns once when a second network of one name starts while the first runs; a shut-down network frees its name', async () => {
    const name = `dup-${Math.random().toString(36).slice(2)}`;
    const emitWarning = sinon.stub(process, 'emitWarning');
    try {
      const duplicateWarnings = () => emitWarning.getCalls().filter((c) => (c.args[1] as { code?: string } | undefined)?.code === DUPLICATE_NETWORK_NAME_WARNING);
      const first = testNetwork({ name }).net;
      const second = testNetwork({ name }).net;
      const third = testNetwork({ name }).net;
      await first.start();
      await first.shutdown();
      await second.start(); // the first one shut down: its name is free
      expect(duplicateWarnings()).to.have.length(0);
      await third.start();
      expect(duplicateWarnings()).to.have.length(1);
      expect(String(duplicateWarnings()[0]!.args[0])).to.include(JSON.stringify(name));
      // Once per name: a fourth does not warn again.
      await testNetwork({ name }).net.start();
      expect(duplicateWarnings()).to.have.length(1);
    } finally {
      emitWarning.restore();
    }
  });

  it('completes events$ when terminated', async () => {
    const { net } = testNetwork();
    let completed = false;
    net.events$.subscribe({ complete: () => (completed = true) });
    await net.start();
    await net.shutdown();
    expect(completed).to.equal(true);
  });
});

describe('network: start() is all or nothing', () => {
  /** A durable journal whose `pending()` answers what the spec says, when it says. */
  function scriptedJournal(answers: (() => Promise<Signal[]>)[]) {
    let calls = 0;
    const journal: Journal = {
      durable: true,
      append: () => undefined,
      settle: () => undefined,
      query: () => [],
      pending: () => answers[calls++]!(),
      close: () => undefined,
    };
    return { journal, calls: () => calls };
  }
  const recovered = (id: string) => readEnvelope({ id, type: 'recovered', version: '1.0', target: 'w', partitionKey: 'k', createdAt: 0, urgency: 0.5 }) as Signal;

  it('a journal that cannot be read: start() rejects and the network stays created, refusing posts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plexus-start-'));
    try {
      // A directory where the journal's file should be: it cannot be opened.
      const { net } = testNetwork({ journal: new FileJournal({ path: dir }) });
      net.node('w', { handle: () => {} });
      const first = await net.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJournalError(first), String(first)).to.equal(true);
      expect(net.state).to.equal('created');
      expect(net.post('w', { type: 't' })).to.include({ status: 'rejected', reason: 'not-started' });
      // Tried again, not skipped.
      const second = await net.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJournalError(second), String(second)).to.equal(true);
      expect(net.state).to.equal('created');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a FileJournal that could not be opened opens at the next start(): the path fixed, the same network starts and recovers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plexus-start-'));
    try {
      // A journal file holding one accepted, never settled signal, as a crash leaves it.
      const left = join(dir, 'left.jsonl');
      const writer = new FileJournal({ path: left });
      await writer.append(recovered('0190a0c0-0000-7000-8000-000000000004'));
      await writer.close();
      // The network's journal path is a directory at first: it cannot be opened.
      const path = join(dir, 'journal.jsonl');
      await mkdir(path);
      const { net } = testNetwork({ journal: new FileJournal({ path }) });
      const handled: string[] = [];
      net.node('w', { handle: (s) => void handled.push(s.id) });
      const failed = await net.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJournalError(failed), String(failed)).to.equal(true);
      expect(net.state).to.equal('created');
      // Fixed: the directory is gone and the file is there.
      await rm(path, { recursive: true });
      await copyFile(left, path);
      await net.start();
      await net.idle();
      expect(net.state).to.equal('running');
      expect(handled).to.deep.equal(['0190a0c0-0000-7000-8000-000000000004']);
      // And it writes: a send is on disk, and its journal still works after the failed open.
      expect((await net.send('w', { type: 'after' })).status).to.equal('accepted');
      await net.idle();
      expect(handled).to.have.length(2);
      await net.shutdown();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a later start() does the recovery a failed one could not', async () => {
    const { journal, calls } = scriptedJournal([() => Promise.reject(new Error('disk not mounted')), () => Promise.resolve([recovered('0190a0c0-0000-7000-8000-000000000001')])]);
    const { net } = testNetwork({ journal });
    const handled: string[] = [];
    net.node('w', { handle: (s) => void handled.push(s.type) });
    await net.start().then(
      () => expect.fail('the first start should fail'),
      () => undefined,
    );
    expect(net.state).to.equal('created');
    await net.start();
    await net.idle();
    expect(calls()).to.equal(2);
    expect(net.state).to.equal('running');
    expect(handled).to.deep.equal(['recovered']);
  });

  it('posts made while start() recovers are refused, and none overtakes a recovered signal; concurrent starts share one', async () => {
    let release: (signals: Signal[]) => void = () => undefined;
    const { journal, calls } = scriptedJournal([() => new Promise<Signal[]>((resolve) => (release = resolve))]);
    const { net } = testNetwork({ journal });
    const handled: string[] = [];
    net.node('w', { partitions: 1, handle: (s) => void handled.push(s.type) });
    const starting = net.start();
    const again = net.start();
    await Promise.resolve();
    const during = net.post('w', { type: 'during', partitionKey: 'k' });
    release([recovered('0190a0c0-0000-7000-8000-000000000002')]);
    await Promise.all([starting, again]);
    const after = net.post('w', { type: 'after', partitionKey: 'k' });
    await net.idle();
    expect(during).to.include({ status: 'rejected', reason: 'not-started' });
    expect(after.status).to.equal('accepted');
    expect(calls()).to.equal(1);
    expect(handled).to.deep.equal(['recovered', 'after']);
  });

  it('a shutdown begun while start() recovers wins: the start rejects and opens nothing', async () => {
    let release: (signals: Signal[]) => void = () => undefined;
    const { journal } = scriptedJournal([() => new Promise<Signal[]>((resolve) => (release = resolve))]);
    const { net } = testNetwork({ journal });
    const handled: string[] = [];
    net.node('w', { handle: (s) => void handled.push(s.type) });
    const starting = net.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    const report = await net.shutdown();
    release([recovered('0190a0c0-0000-7000-8000-000000000003')]);
    const failed = await starting;
    expect(isLifecycleError(failed), String(failed)).to.equal(true);
    expect(net.state).to.equal('terminated');
    expect(report.drained).to.equal(0);
    expect(net.post('w', { type: 't' })).to.include({ status: 'rejected', reason: 'shutting-down' });
    expect(handled).to.deep.equal([]);
  });
});

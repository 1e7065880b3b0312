import { expect } from 'chai';
import sinon from 'sinon';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

/** The prototype of node's FileHandle (not exported), to make its fsync fail. */
async function fileHandleProto(dir: string): Promise<{ datasync: () => Promise<void> }> {
  const fh = await open(join(dir, 'probe'), 'w');
  await fh.close();
  return Object.getPrototypeOf(fh);
}

describe('control: the journal health check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-journal-health-'));
  });
  afterEach(async () => {
    sinon.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('a FileJournal failed for good (fsync) makes the essential journal component, and the network, unhealthy', async () => {
    const journal = new FileJournal({ path: join(dir, 'journal.jsonl'), fsync: true });
    const { net, clock } = testNetwork({ journal, health: { intervalMs: 1_000, readEventLoopLagMs: () => 0, readHeapUsed: () => 1, heapLimitBytes: 100 } });
    net.node('w', { handle: () => {} });
    await net.start();
    await net.send('w', { type: 't' });
    expect(net.health().components.journal).to.deep.include({ status: 'healthy', essential: true });
    sinon.stub(await fileHandleProto(dir), 'datasync').rejects(Object.assign(new Error('EIO'), { code: 'EIO' }));
    const refused = await net.send('w', { type: 't' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(Error);
    await clock.advance(1_000);
    const component = net.health().components.journal!;
    expect(component.status).to.equal('unhealthy');
    expect(component.details).to.include({ failure: 'fsync' });
    expect(net.health().status).to.equal('unhealthy');
    sinon.restore();
    await net.shutdown({ timeoutMs: 1_000, force: true });
  });
});

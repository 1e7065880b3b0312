/**
 * Two real processes: a child process hosts the node `worker` (worker-child.ts); this process
 * sends to it through JetStream.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork, type NetworkCounts } from '../../../lib/index.ts';
import { NATS_URL, deleteStream, describeNats, expectIdentities, postAll, testTransport, uniqueNetwork } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');

/** Spawns the worker; resolves `ready` once it consumes, `done` with its final counts. */
export function spawnWorker(network: string, signals: number): { ready: Promise<void>; done: Promise<{ counts: NetworkCounts }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'worker-child.ts'), NATS_URL, network, String(signals)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<{ counts: NetworkCounts }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) onReady();
      const m = /done (.*)\n/.exec(out);
      if (m !== null) resolve(JSON.parse(m[1]!) as { counts: NetworkCounts });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`worker exited with ${code}: ${err}`))));
  });
  ready.catch(() => undefined);
  return { ready: Promise.race([ready, done.then(() => undefined)]), done };
}

describeNats('transport/nats: two processes', () => {
  it('a child process hosts the worker; every signal posted here completes there, and the counts add up', async () => {
    const N = 3_000;
    const name = uniqueNetwork('proc');
    const a = createNetwork({ name, transport: testTransport() });
    a.remote('worker');
    try {
      const child = spawnWorker(name, N);
      await child.ready;
      await a.start();
      await postAll(
        a,
        'worker',
        Array.from({ length: N }, (_, n) => ({ type: 'job', payload: { n }, partitionKey: `p${n % 32}` })),
      );
      await a.idle();
      const { counts } = await child.done;
      const ca = a.counts();
      expectIdentities(ca);
      expectIdentities(counts);
      expect(ca.forwarded).to.equal(N);
      expect(counts.received).to.equal(N);
      expect(counts.completed).to.equal(N);
      expect(counts.transport?.acked).to.equal(N);
      expect(counts.active).to.equal(0);
    } finally {
      await a.shutdown();
      await deleteStream(name);
    }
  });
});

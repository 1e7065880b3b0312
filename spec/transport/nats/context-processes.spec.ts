/**
 * The context mirror shared by two (then three) real processes of one network through its
 * JetStream key-value bucket: a child process publishes (context-child.ts), this process sees it
 * through its watch; a process started after the publish finds the value at start; a removal
 * here reaches the children; a TTL ends the value everywhere.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork, type ContextEntry, type Network } from '../../../lib/index.ts';
import { NATS_URL, deleteBuckets, deleteStream, describeNats, testTransport, uniqueNetwork, until } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');

interface SeenEntry {
  key: string;
  value: unknown;
  publisher: string;
  expiresAt?: number;
}

/** A running context-child.ts: its output lines, and a way to send it commands. */
class Child {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  #err = '';

  constructor(network: string, publisher: string) {
    this.process = spawn(process.execPath, ['--import', 'tsx', '--conditions', 'plexus-source', join(HERE, 'context-child.ts'), NATS_URL, network, publisher], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.process.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        this.lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
    this.process.stderr!.on('data', (d: Buffer) => (this.#err += d.toString()));
  }

  send(line: string): void {
    this.process.stdin!.write(`${line}\n`);
  }

  /** The entries of the last `ready` or `seen` line. */
  get view(): SeenEntry[] | undefined {
    const last = this.lines.filter((l) => l.startsWith('ready ') || l.startsWith('seen ')).at(-1);
    return last === undefined ? undefined : (JSON.parse(last.slice(last.indexOf(' ') + 1)) as SeenEntry[]);
  }

  async waitFor(what: string, cond: (lines: string[]) => boolean): Promise<void> {
    await until(() => cond(this.lines) || this.process.exitCode !== null, what, 20_000);
    if (!cond(this.lines)) throw new Error(`child exited (${this.process.exitCode}) before ${what}: ${this.#err}`);
  }

  async exit(): Promise<void> {
    if (this.process.exitCode !== null) return;
    this.send('exit');
    await this.waitFor('done', (ls) => ls.includes('done')).catch(() => this.process.kill('SIGKILL'));
  }
}

describeNats('transport/nats: the context mirror shared by processes (JetStream key-value)', function () {
  this.timeout(60_000);
  let name = '';
  let parent: Network | undefined;
  const children: Child[] = [];

  beforeEach(() => {
    name = uniqueNetwork('ctxproc');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await c.exit();
    await parent?.shutdown({ timeoutMs: 2_000 });
    parent = undefined;
    await deleteBuckets(name, ['context']);
    await deleteStream(name);
  });

  it('a child publishes, this process sees it through its watch; a late process finds it at start; a removal here reaches both', async () => {
    parent = createNetwork({ name, transport: testTransport(), journal: false });
    await parent.start();
    const seen: (ContextEntry | undefined)[] = [];
    parent.context.watch('app.greeting').subscribe((e) => seen.push(e));

    const first = new Child(name, 'child-1');
    children.push(first);
    await first.waitFor('the first child to start', (ls) => ls.some((l) => l.startsWith('ready ')));
    expect(first.view).to.deep.equal([]);
    first.send('publish app.greeting - {"hello":"from child 1"}');
    await until(() => seen.at(-1) !== undefined, 'the child publish to reach this process');
    expect(seen.at(-1)).to.deep.include({ key: 'app.greeting', value: { hello: 'from child 1' }, publisher: 'child-1' });
    expect(parent.context.get('app.greeting')?.value).to.deep.equal({ hello: 'from child 1' });

    // Started after the publish: the current value is there when its start resolves.
    const late = new Child(name, 'child-2');
    children.push(late);
    await late.waitFor('the late child to start', (ls) => ls.some((l) => l.startsWith('ready ')));
    expect(late.view).to.deep.equal([{ key: 'app.greeting', value: { hello: 'from child 1' }, publisher: 'child-1' }]);

    expect(parent.context.remove('app.greeting')).to.equal(true);
    await first.waitFor('the removal to reach the first child', () => first.view?.length === 0);
    await late.waitFor('the removal to reach the late child', () => late.view?.length === 0);
    expect(seen.at(-1)).to.equal(undefined);
  });

  it('a value published with a TTL in a child ends in every process when the TTL passes (the expiry travels in the value)', async () => {
    parent = createNetwork({ name, transport: testTransport(), journal: false });
    await parent.start();
    const child = new Child(name, 'child-ttl');
    children.push(child);
    await child.waitFor('the child to start', (ls) => ls.some((l) => l.startsWith('ready ')));
    const sent = Date.now();
    child.send('publish app.lease 1500 "child-ttl"');
    await until(() => parent!.context.get('app.lease') !== undefined, 'the lease to arrive');
    const entry = parent.context.get('app.lease')!;
    expect(entry.expiresAt! - entry.publishedAt).to.equal(1500);
    await until(() => parent!.context.get('app.lease') === undefined, 'the lease to expire here', 10_000);
    expect(Date.now() - sent).to.be.at.least(1400);
    await child.waitFor('the lease to expire in the child', () => child.view?.length === 0);
    // Purged from the bucket: a process starting now does not find it.
    const late = new Child(name, 'child-late');
    children.push(late);
    await late.waitFor('the late child to start', (ls) => ls.some((l) => l.startsWith('ready ')));
    expect(late.view).to.deep.equal([]);
  });
});

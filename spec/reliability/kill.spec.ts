/**
 * A process killed during shutdown loses nothing it accepted. A child process (kill-child.ts)
 * runs a network on a FileJournal, prints every accepted id, starts a graceful shutdown with a
 * slow drain and gets SIGKILLed halfway through it. Then: every id it reported accepted is either
 * settled as completed in the journal file or listed by `pending()`; and a fresh network on the
 * same file re-delivers exactly the pending ones, so together they cover every accepted id. A
 * producer that then sends every job again by its idempotency key gets `duplicate` for what
 * reached the disk: no job is handled twice (double handlings = 0).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork } from '../../lib/index.ts';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { decodeRecord, type Shapes } from '../../lib/delivery/record-decode.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CHILD = join(HERE, 'kill-child.ts');
const SIGNALS = 500;
/** Kill once this many signals are settled in the file (the whole drain takes ~1 s). */
const KILL_AFTER_SETTLED = 150;

interface ChildRun {
  readonly accepted: string[];
  readonly refused: number;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  readonly settledAtKill: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The idempotency key of job `n`, as kill-child.ts sends it. */
const jobKey = (n: number): string => `job-${n}`;

/** Settled in the file before the crash, as `readSettled` found them, keyed by idempotency key. */
async function completedKeys(path: string, completedIds: ReadonlySet<string>): Promise<Set<string>> {
  const j = new FileJournal({ path });
  // `query` answers from the completed signals read back from the file (all of them: fewer than completedInMemory).
  const keys = new Set((await j.query({})).filter((s) => completedIds.has(s.id)).map((s) => s.idempotencyKey));
  await j.close();
  return keys;
}

/**
 * A restart on the file the child left, then a producer that cannot tell what got through
 * sending every job again by its key. Returns how often each key was handled after the restart
 * and the statuses of the re-sends, once everything is idle.
 */
async function restartAndResend(path: string): Promise<{ handledByKey: Map<string, number>; resent: Map<string, string>; redelivered: number; handledIds: string[] }> {
  const handledByKey = new Map<string, number>();
  const handledIds: string[] = [];
  const net = createNetwork({ name: 'kill-restart', journal: new FileJournal({ path }) });
  net.node('slow', {
    partitions: 4,
    handle: (s) => {
      handledIds.push(s.id);
      handledByKey.set(s.idempotencyKey, (handledByKey.get(s.idempotencyKey) ?? 0) + 1);
    },
  });
  await net.start();
  const resent = new Map<string, string>();
  for (let n = 0; n < SIGNALS; n++) resent.set(jobKey(n), (await net.send('slow', { type: 'job', payload: { n }, idempotencyKey: jobKey(n) })).status);
  await net.idle();
  const redelivered = net.counts().redelivered;
  await net.shutdown({ timeoutMs: 5_000 });
  return { handledByKey, resent, redelivered, handledIds };
}

/** Keys handled twice: more than once after the restart, or again after a completion already on disk. */
function doubleHandlings(handledByKey: ReadonlyMap<string, number>, completedBefore: ReadonlySet<string>): string[] {
  return [...handledByKey].filter(([key, times]) => times > 1 || completedBefore.has(key)).map(([key]) => key);
}

/** Settle records of each outcome in the file, by id (complete lines only, as a crash leaves them). */
async function readSettled(path: string): Promise<{ completed: Set<string>; deadLettered: Set<string> }> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const completed = new Set<string>();
  const deadLettered = new Set<string>();
  const shapes: Shapes = new Map();
  for (const line of text.split('\n').slice(0, -1)) {
    const r = decodeRecord(line, shapes);
    if (r?.op === 'settle') (r.outcome === 'completed' ? completed : deadLettered).add(r.id);
    else if (r?.op === 'accept-settled') (r.outcome === 'completed' ? completed : deadLettered).add(r.signal.id);
  }
  return { completed, deadLettered };
}

/**
 * Runs the child and SIGKILLs it: mid-drain (after the shutdown line, once some signals settled),
 * or mid-send (as soon as `killAtAccepted` ids were reported).
 */
function runAndKill(path: string, killAtAccepted?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(SIGNALS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const accepted: string[] = [];
    let refused = 0;
    let stderr = '';
    let rest = '';
    let settledAtKill = -1;
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never reached shutdown in time; stderr:\n${stderr}`));
    }, 20_000);
    const killMidDrain = async (): Promise<void> => {
      // Poll the file rather than guess a delay: kill once some, but surely not all, have settled.
      for (let waited = 0; waited < 5_000; waited += 5) {
        settledAtKill = (await readSettled(path)).completed.size;
        if (settledAtKill >= KILL_AFTER_SETTLED) break;
        await sleep(5);
      }
      child.kill('SIGKILL');
    };
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const msg = JSON.parse(line) as { accepted?: string; refused?: string; phase?: string };
        if (msg.accepted !== undefined) {
          accepted.push(msg.accepted);
          if (accepted.length === killAtAccepted) child.kill('SIGKILL');
        } else if (msg.refused !== undefined) refused++;
        else if (msg.phase === 'shutdown' && killAtAccepted === undefined) void killMidDrain();
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ accepted, refused, exit: { code, signal }, settledAtKill });
    });
  });
}

describe('reliability/process killed during shutdown', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-kill-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loses no accepted signal: each is completed in the journal or pending, and a restart handles the pending', async () => {
    const path = join(dir, 'journal.jsonl');
    const run = await runAndKill(path);
    expect(run.exit.signal, `child exited on its own (code ${run.exit.code})`).to.equal('SIGKILL');
    expect(run.refused).to.equal(0);
    expect(run.accepted).to.have.length(SIGNALS);
    expect(new Set(run.accepted).size).to.equal(SIGNALS);

    // What the dead process left behind.
    const settled = await readSettled(path);
    const before = new FileJournal({ path });
    const pending = await before.pending();
    const pendingIds = new Set(pending.map((s) => s.id));
    const indexed = await before.query({ node: 'slow' });
    await before.close();
    expect(settled.deadLettered.size).to.equal(0);
    expect(pending.length, 'killed mid-drain: some signals were still pending').to.be.above(0);
    expect(settled.completed.size, 'killed mid-drain: some signals were done').to.be.at.least(KILL_AFTER_SETTLED);
    expect(
      [...pendingIds].filter((id) => settled.completed.has(id)),
      'pending and completed are disjoint',
    ).to.deep.equal([]);
    const lost = run.accepted.filter((id) => !settled.completed.has(id) && !pendingIds.has(id));
    expect(lost, 'accepted ids neither completed nor pending').to.deep.equal([]);
    expect(new Set(indexed.map((s) => s.id))).to.deep.equal(settled.completed, 'query() reads the completed ones back');
    for (const s of pending) expect(s.target).to.equal('slow');

    // A fresh network on the same file re-delivers the pending ones at start; the producer sends
    // every job again by its key, and each is a duplicate: all were accepted before the crash.
    const completedBefore = await completedKeys(path, settled.completed);
    expect(completedBefore.size).to.equal(settled.completed.size);
    const restarted = await restartAndResend(path);
    const handled = restarted.handledIds;
    expect(doubleHandlings(restarted.handledByKey, completedBefore), 'double handlings').to.deep.equal([]);
    expect(
      [...restarted.resent.values()].filter((status) => status !== 'duplicate'),
      'every re-send is a duplicate',
    ).to.deep.equal([]);
    expect(restarted.redelivered).to.equal(pending.length);
    expect(new Set(handled)).to.deep.equal(pendingIds, 'every pending id was handled, and only those');
    const covered = new Set([...settled.completed, ...handled]);
    expect(run.accepted.filter((id) => !covered.has(id))).to.deep.equal([]);

    // And after a clean shutdown nothing is left pending.
    const after = new FileJournal({ path });
    expect(await after.pending()).to.deep.equal([]);
    expect((await after.query({ node: 'slow' })).length).to.equal(SIGNALS);
    await after.close();
  });

  it('killed mid-send: every id reported accepted was already on disk', async () => {
    const path = join(dir, 'journal.jsonl');
    const run = await runAndKill(path, 200);
    expect(run.exit.signal).to.equal('SIGKILL');
    expect(run.accepted.length).to.be.at.least(200);
    const settled = await readSettled(path);
    const j = new FileJournal({ path });
    const pendingIds = new Set((await j.pending()).map((s) => s.id));
    await j.close();
    // An accepted receipt is sent only after the accept record is written (and fsynced).
    expect(run.accepted.filter((id) => !settled.completed.has(id) && !pendingIds.has(id))).to.deep.equal([]);

    // The producer sends every job again after a restart: what reached the disk is a duplicate,
    // the rest is handled now, and no job is handled twice.
    const completedBefore = await completedKeys(path, settled.completed);
    const restarted = await restartAndResend(path);
    expect(doubleHandlings(restarted.handledByKey, completedBefore), 'double handlings').to.deep.equal([]);
    for (let n = 0; n < SIGNALS; n++) {
      const key = jobKey(n);
      const handledBefore = completedBefore.has(key) ? 1 : 0;
      expect(handledBefore + (restarted.handledByKey.get(key) ?? 0), `${key} handled once in all`).to.equal(1);
    }
    expect(restarted.resent.size).to.equal(SIGNALS);
    expect([...restarted.resent.values()].filter((s) => s === 'duplicate').length, 'at least the reported ones are duplicates').to.be.at.least(run.accepted.length);
  });
});

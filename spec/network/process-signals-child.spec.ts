/**
 * SIGTERM to a busy process loses nothing. A child process (fixtures/sigterm-child.ts) runs a
 * network on a FileJournal hooked with `shutdownOnSignals()`, accepts jobs durably and handles
 * them slowly; the parent sends it SIGTERM while signals are queued and in flight.
 *
 * - One SIGTERM: the child drains, runs its checkpoint and cleanup handlers, reports and exits 0;
 *   every accepted job is completed or dead-lettered in the journal, none pending.
 * - A second SIGTERM during a long drain: the shutdown is forced, the report says so and lists
 *   what it handed back, the child exits 1; those jobs are still journaled (pending), and a
 *   network restarted on the same journal handles exactly them.
 *
 * Either way, with counts: accepted = completed + dead-lettered + pending before the restart,
 * and accepted = completed + dead-lettered after it. Real time, bounded (about 1 s and 3 s).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork, FileJournal } from '../../lib/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/sigterm-child.ts', import.meta.url));
const TWO_NETWORKS = fileURLToPath(new URL('./fixtures/two-networks-child.ts', import.meta.url));

interface ChildReport {
  forced: boolean;
  timedOut: boolean;
  activeAtStart: number;
  drained: number;
  remaining: number;
  leftover: string[];
  checkpoints: number;
  handlers: { phase: string; name: string; outcome: string }[];
  counts: { accepted: number; completed: number; deadLettered: number; handedBack: number; active: number };
}

interface ChildRun {
  readonly accepted: string[];
  readonly done: number;
  readonly doneAtSignals: number[];
  readonly report: ChildReport | undefined;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  readonly stderr: string;
}

/**
 * Runs the child; sends SIGTERM once every job is sent, and a second one (when `forceAfterDone`
 * is given) once that many jobs were handled after the first.
 */
function runChild(path: string, args: { count: number; handlerMs: number; partitions: number; forceAfterDone?: number }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(args.count), String(args.handlerMs), String(args.partitions)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const accepted: string[] = [];
    const doneAtSignals: number[] = [];
    let done = 0;
    let report: ChildReport | undefined;
    let stderr = '';
    let rest = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not finish in time; stderr:\n${stderr}`));
    }, 40_000);
    const signal = (): void => {
      doneAtSignals.push(done);
      child.kill('SIGTERM');
    };
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const msg = JSON.parse(line) as { accepted?: string; phase?: string; done?: number; report?: ChildReport };
        if (msg.accepted !== undefined) accepted.push(msg.accepted);
        else if (msg.done !== undefined) {
          done++;
          if (args.forceAfterDone !== undefined && doneAtSignals.length === 1 && done >= doneAtSignals[0]! + args.forceAfterDone) signal();
        } else if (msg.phase === 'sent') signal();
        else if (msg.report !== undefined) report = msg.report;
      }
    });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(guard);
      resolve({ accepted, done, doneAtSignals, report, exit: { code, signal: sig }, stderr });
    });
  });
}

/** What the journal file holds: completed ids, dead letters, and the pending (accepted, never settled) ids. */
async function readJournal(path: string): Promise<{ completed: Set<string>; deadLettered: Set<string>; pending: Set<string> }> {
  const j = new FileJournal({ path });
  const recovery = await j.recover();
  const completed = new Set((await j.query({})).map((s) => s.id));
  await j.close();
  return { completed, deadLettered: new Set(recovery.deadLetters.map((d) => d.signal.id)), pending: new Set(recovery.pending.map((s) => s.id)) };
}

/** A second process on the same journal: handles what was left, then shuts down. */
async function restart(path: string): Promise<{ handled: string[]; redelivered: number; dlqSize: number; after: Awaited<ReturnType<typeof readJournal>> }> {
  const handled: string[] = [];
  const net = createNetwork({ name: 'sigterm-restart', journal: new FileJournal({ path }) });
  net.node('slow', { partitions: 4, retry: false, handle: (s) => void handled.push(s.id) });
  await net.start();
  await net.idle();
  const redelivered = net.counts().redelivered;
  const dlqSize = net.dlq.size;
  await net.shutdown({ timeoutMs: 5_000 });
  return { handled, redelivered, dlqSize, after: await readJournal(path) };
}

/** Jobs 0, 25, 50, … fail: the dead letters among the first `n`. */
const failingAmong = (n: number): number => Math.ceil(n / 25);

describe('network: SIGTERM to a busy child process (shutdownOnSignals, FileJournal)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-sigterm-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('one SIGTERM: drains everything queued and in flight, runs the handlers, exits 0; nothing is left pending', async () => {
    const path = join(dir, 'journal.jsonl');
    const COUNT = 300;
    const run = await runChild(path, { count: COUNT, handlerMs: 10, partitions: 4 });
    expect(run.exit, run.stderr).to.deep.equal({ code: 0, signal: null });
    expect(run.accepted).to.have.length(COUNT);
    const report = run.report!;
    expect(run.doneAtSignals[0], 'busy when signalled: jobs still queued').to.be.below(COUNT);
    expect(report.activeAtStart, 'signals queued and in flight at the SIGTERM').to.be.above(0);
    expect(report).to.include({ forced: false, timedOut: false, remaining: 0 });
    expect(report.leftover).to.deep.equal([]);
    expect(report.drained).to.equal(report.activeAtStart);
    expect(report.handlers).to.deep.equal([
      { phase: 'save-state', name: 'checkpoint', outcome: 'ok' },
      { phase: 'cleanup-resources', name: 'keep-alive', outcome: 'ok' },
    ]);
    const checkpoint = JSON.parse(await readFile(`${path}.checkpoint.json`, 'utf8')) as { handled: number; counts: { completed: number; deadLettered: number; active: number } };
    expect(checkpoint.handled).to.equal(COUNT);
    expect(checkpoint.counts).to.include({ completed: COUNT - failingAmong(COUNT), deadLettered: failingAmong(COUNT), active: 0 });

    const journal = await readJournal(path);
    expect({ completed: journal.completed.size, deadLettered: journal.deadLettered.size, pending: journal.pending.size }).to.deep.equal({
      completed: COUNT - failingAmong(COUNT),
      deadLettered: failingAmong(COUNT),
      pending: 0,
    });
    const lost = run.accepted.filter((id) => !journal.completed.has(id) && !journal.deadLettered.has(id));
    expect(lost, 'accepted ids neither completed nor dead-lettered').to.deep.equal([]);

    const restarted = await restart(path);
    expect(restarted.handled, 'nothing to redo').to.deep.equal([]);
    expect(restarted.dlqSize, 'the dead letters are still there to reprocess').to.equal(failingAmong(COUNT));
  });

  it('a second SIGTERM during a long drain forces it: the report says so, the rest stays journaled and a restart handles exactly it', async () => {
    const path = join(dir, 'journal.jsonl');
    const COUNT = 400;
    // Two partitions of 50 ms jobs: a drain of 10 s, cut after 30 more jobs by the second SIGTERM.
    const run = await runChild(path, { count: COUNT, handlerMs: 50, partitions: 2, forceAfterDone: 30 });
    expect(run.exit, run.stderr).to.deep.equal({ code: 1, signal: null });
    expect(run.accepted).to.have.length(COUNT);
    expect(run.doneAtSignals).to.have.length(2);
    const report = run.report!;
    expect(report).to.include({ forced: true });
    expect(report.remaining, 'jobs were left').to.be.above(100);
    expect(report.leftover).to.have.length(report.remaining);
    expect(report.drained + report.remaining).to.equal(report.activeAtStart);
    expect(report.handlers.map((h) => `${h.phase}/${h.name}/${h.outcome}`)).to.deep.equal(['save-state/checkpoint/ok', 'cleanup-resources/keep-alive/ok']);
    expect(report.counts.handedBack).to.equal(report.remaining);

    // Before any restart: every accepted id is completed, dead-lettered or pending, and the pending ones are what the report handed back.
    const before = await readJournal(path);
    const counts = { completed: before.completed.size, deadLettered: before.deadLettered.size, pending: before.pending.size };
    expect(counts.completed + counts.deadLettered + counts.pending).to.equal(COUNT);
    expect(before.pending).to.deep.equal(new Set(report.leftover));
    const lost = run.accepted.filter((id) => !before.completed.has(id) && !before.deadLettered.has(id) && !before.pending.has(id));
    expect(lost).to.deep.equal([]);

    // A second process on the same journal handles exactly the pending ones; then nothing is pending.
    const restarted = await restart(path);
    expect(restarted.redelivered).to.equal(counts.pending);
    expect(new Set(restarted.handled)).to.deep.equal(before.pending);
    expect(restarted.handled).to.have.length(counts.pending, 'each once');
    const after = restarted.after;
    expect(after.pending.size).to.equal(0);
    expect(after.completed.size + after.deadLettered.size).to.equal(COUNT);
    expect(run.accepted.filter((id) => !after.completed.has(id) && !after.deadLettered.has(id))).to.deep.equal([]);
  });

  it('two hooked networks in one process: the exit waits for both (the quicker one does not cut the other short)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', TWO_NETWORKS], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: unknown[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d
        .toString()
        .split('\n')
        .filter((l) => l !== '')) {
        const msg = JSON.parse(line) as { ready?: boolean };
        lines.push(msg);
        if (msg.ready === true) child.kill('SIGTERM');
      }
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(guard);
    expect(code, stderr).to.equal(0);
    expect(lines).to.deep.equal([{ ready: true }, { report: 'a' }, { checkpoint: 'b' }, { report: 'b' }]);
  });
});

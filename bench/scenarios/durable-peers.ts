/**
 * 8d. Durable work against BullMQ on the machine's Redis (`REDIS_URL`, by default
 * redis://127.0.0.1:6379). Plexus: one node (16 partitions, all guarantees on) with a
 * FileJournal, fsync on; the producer awaits `network.send` in windows of 8,192 (a signal's
 * `accepted` receipt arrives once it is on disk) and keeps at most two windows outstanding.
 * BullMQ: `addBulk` in chunks of 1,000, awaited, then a Worker with concurrency 16 (see
 * baselines/bullmq.ts). Both: items/s from the first send to the last handled, repetitions
 * interleaved. Target: Plexus ≥ 10× BullMQ. When Redis does not answer, the rows say why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBullmq } from '../baselines/bullmq.ts';
import type { Ctx, Scenario } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { fmt, isStat, progress, stat } from '../harness.ts';
import { WINDOW } from '../measure.ts';
import { answering } from '../peers.ts';
import { networkOptions } from '../plexus.ts';
import type { Payload } from '../types.ts';
import { ALL_ON, makeDraft } from '../types.ts';

const NAME = '8d peers: durable (BullMQ)';

/** The metric names the targets look up. */
export const DURABLE_PEER_METRICS = {
  plexus: 'Plexus, FileJournal (fsync), send awaited in windows',
  bullmq: 'BullMQ, addBulk → Worker (concurrency 16)',
  ratio: 'Plexus durable ÷ BullMQ',
} as const;

function row(metric: string, unit: string, figure: Figure, closed = true, notes: string[] = []): Row {
  return { scenario: NAME, metric, unit, better: 'higher', plexus: figure, baselines: {}, closed, notes };
}

/** Plexus with a durable journal: a network built once, `run(n)` sends n signals in awaited windows. */
async function plexusDurable(): Promise<{ run(n: number): Promise<number>; close(): Promise<string | undefined> }> {
  const lib = await import('../../lib/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'plexus-bench-durable-'));
  const journal = new lib.FileJournal({ path: join(dir, 'journal.jsonl'), fsync: true, completedInMemory: 1000 });
  const net = lib.createNetwork(networkOptions(ALL_ON, journal));
  let completed = 0;
  let target = Infinity;
  let wake: (() => void) | undefined;
  const until = (count: number): Promise<void> => {
    if (completed >= count) return Promise.resolve();
    target = count;
    return new Promise((r) => (wake = r));
  };
  net.node<Payload>('worker', {
    partitions: 16,
    capacity: 100_000,
    concurrency: 16,
    handle: async () => {
      if (++completed >= target) {
        target = Infinity;
        wake?.();
      }
    },
  });
  await net.start();
  let next = 0;
  let sentAll = 0;
  return {
    async run(n) {
      const base = completed;
      const started = performance.now();
      for (let sent = 0; sent < n; ) {
        // At most two windows outstanding (the mailbox holds 100k): wait for the one before last.
        await until(base + sent - WINDOW);
        const receipts = [];
        const end = Math.min(n, sent + WINDOW);
        for (; sent < end; sent++) receipts.push(net.send('worker', makeDraft(next++, 0)));
        for (const r of await Promise.all(receipts)) if (r.status !== 'accepted') throw new Error(`send: ${r.status}`);
      }
      await until(base + n);
      sentAll += n;
      return n / ((performance.now() - started) / 1000);
    },
    async close() {
      await net.idle();
      const c = net.counts();
      await net.shutdown({ timeoutMs: 30_000 });
      rmSync(dir, { recursive: true, force: true });
      const ok = c.completed === sentAll && c.rejected === 0 && c.duplicate === 0 && c.deadLettered === 0 && c.active === 0;
      return ok ? undefined : `plexus counts: completed ${c.completed} of ${sentAll}, rejected ${c.rejected}, duplicate ${c.duplicate}, dead-lettered ${c.deadLettered}, active ${c.active}`;
    },
  };
}

function redisAddress(): { host: string; port: number } {
  const u = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  return { host: u.hostname, port: Number(u.port || 6379) };
}

async function run(ctx: Ctx): Promise<Row[]> {
  const redis = redisAddress();
  const down = await answering(redis.host, redis.port, 'PING\r\n');
  const bull = down === undefined ? await loadBullmq(redis) : { skipped: `skipped: Redis ${down}` };
  const notes: string[] = [];
  if ('skipped' in bull) progress(`${NAME}: BullMQ ${bull.skipped}`);
  else notes.push(`BullMQ on ${redis.host}:${redis.port}: ${await bull.persistence()}; Plexus fsyncs each journal batch`);
  progress(`${NAME}: Plexus FileJournal (fsync, send awaited in windows of ${fmt(WINDOW)}) vs BullMQ addBulk → Worker ×${16}`);
  const plexus = await plexusDurable();
  const ours: number[] = [];
  const theirs: number[] = [];
  let closed = true;
  try {
    // Warm-ups size each system's repetitions to about targetSec.
    const pw = await plexus.run(ctx.quick ? 20_000 : 50_000);
    const pn = Math.round(Math.min(2_000_000, Math.max(ctx.quick ? 20_000 : 50_000, pw * ctx.targetSec)));
    progress(`  ${NAME} plexus: warm-up ${fmt(pw)}/s → ${fmt(pn)} signals per repetition`);
    let bn = 0;
    if (!('skipped' in bull)) {
      const bw = await bull.run(ctx.quick ? 2_000 : 5_000);
      bn = Math.round(Math.min(200_000, Math.max(ctx.quick ? 2_000 : 5_000, bw.rate * ctx.targetSec)));
      progress(`  ${NAME} bullmq: warm-up ${fmt(bw.rate)}/s → ${fmt(bn)} jobs per repetition`);
    }
    for (let rep = 1; rep <= ctx.reps; rep++) {
      (globalThis as { gc?: () => void }).gc?.();
      ours.push(await plexus.run(pn));
      progress(`  ${NAME} rep ${rep}/${ctx.reps} plexus durable: ${fmt(ours.at(-1)!)}/s`);
      if (!('skipped' in bull)) {
        (globalThis as { gc?: () => void }).gc?.();
        theirs.push((await bull.run(bn)).rate);
        progress(`  ${NAME} rep ${rep}/${ctx.reps} bullmq: ${fmt(theirs.at(-1)!)}/s`);
      }
    }
  } catch (e) {
    closed = false;
    notes.push(`error: ${(e instanceof Error ? e.message : String(e)).slice(0, 160)}`);
    progress(`  ${NAME}: error ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    const problem = await plexus.close();
    if (problem !== undefined) {
      closed = false;
      notes.push(problem);
    }
  }
  const pf: Figure = ours.length > 0 ? stat(ours) : { na: 'invalid' };
  const bf: Figure = 'skipped' in bull ? { na: bull.skipped } : theirs.length > 0 ? stat(theirs) : { na: 'invalid' };
  const ratio: Figure = isStat(pf) && isStat(bf) ? stat([pf.median / bf.median]) : { na: 'skipped' in bull ? bull.skipped : 'n/a' };
  notes.push("rows hold each system's figure in the first column: items/s from the first send to the last handled");
  return [row(DURABLE_PEER_METRICS.plexus, 'signals/s', pf, closed, notes), row(DURABLE_PEER_METRICS.bullmq, 'jobs/s', bf, closed), row(DURABLE_PEER_METRICS.ratio, 'ratio', ratio, closed)];
}

export const durablePeers: Scenario = { name: NAME, run };

/**
 * 7b. Distributed: signals between two processes over NATS JetStream, end to end (published,
 * stored, pulled by a consumer, handled, acked). Three figures on the same server:
 *
 * - raw `@nats-io/jetstream`, `js.publish` awaited one at a time, a pull consumer acking each
 *   message (what a hand-written producer/consumer does first);
 * - raw, publishes pipelined (up to 1,024 PubAcks outstanding): an upper reference for the
 *   client and server, with no envelope, routing, dedup or accounting;
 * - Plexus: this process posts to `remote('worker')`, a child process (spec/transport/nats/
 *   worker-child.ts) hosts the node; timed from the first post to the child's `completed` line,
 *   and valid only if the counts close (forwarded = received = completed = N).
 *
 * Beside them, not a target: Moleculer over NATS (its NATS transporter, `nats` 2.x client, two
 * processes, `broker.call` in windows; baselines/moleculer-nats.ts): core NATS request-reply,
 * nothing persisted, hence faster than anything that stores each message.
 *
 * Needs `NATS_URL`; without it, or when the server does not answer, the rows say so. Targets:
 * Plexus ≥ 0.9× the raw pipelined client (the engine's own limit here), and (kept from the issue
 * before) ≥ 1.5× raw awaited publish.
 */
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetwork, createNatsTransport, type NetworkCounts } from '../../lib/index.ts';
import { moleculerOverNats } from '../baselines/moleculer-nats.ts';
import { answering } from '../peers.ts';
import type { Ctx, Scenario } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { fmt, isStat, progress, stat } from '../harness.ts';

const NAME = '7b distributed (NATS JetStream)';
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CHILD = join(ROOT, 'spec', 'transport', 'nats', 'worker-child.ts');
const PIPELINE = 1024;

/** Metric names (targets.ts finds the rows by them). */
export const DISTRIBUTED_METRICS = {
  plexus: 'Plexus, 2 processes (child hosts the sink)',
  awaited: 'raw js.publish awaited one at a time → pull consumer',
  pipelined: 'raw js.publish pipelined (1,024 in flight) → pull consumer',
  ratio: 'Plexus ÷ raw awaited publish',
  ratioPipelined: 'Plexus ÷ raw pipelined publish',
  moleculer: 'Moleculer over NATS, 2 processes, broker.call in windows (core NATS, nothing persisted)',
} as const;

function row(metric: string, unit: string, plexus: Figure, closed: boolean, notes: string[] = []): Row {
  return { scenario: NAME, metric, unit, better: 'higher', plexus, baselines: {}, closed, notes };
}

/** Raw client: N messages published (awaited or pipelined) and consumed by a pull consumer; messages/s end to end. */
async function raw(_nc: NatsConnection, jsm: JetStreamManager, js: JetStreamClient, n: number, pipelined: boolean): Promise<number> {
  const stream = `BENCH_RAW_${process.pid}_${Date.now().toString(36)}`;
  const subject = `bench.${stream}.sink`;
  await jsm.streams.add({ name: stream, subjects: [subject] });
  try {
    await jsm.consumers.add(stream, { durable_name: 'sink', ack_policy: AckPolicy.Explicit, filter_subject: subject });
    const consumer = await js.consumers.get(stream, 'sink');
    let received = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((r) => (resolveAll = r));
    const messages = await consumer.consume({
      max_messages: 256,
      callback: (m) => {
        m.ack();
        if (++received === n) resolveAll();
      },
    });
    const started = performance.now();
    if (pipelined) {
      let next = 0;
      let inFlight = 0;
      await new Promise<void>((resolve, reject) => {
        const pump = (): void => {
          while (inFlight < PIPELINE && next < n) {
            const i = next++;
            inFlight++;
            js.publish(subject, JSON.stringify({ i }), { msgID: `m${i}` }).then(() => {
              inFlight--;
              if (next === n && inFlight === 0) resolve();
              else pump();
            }, reject);
          }
        };
        pump();
      });
    } else {
      for (let i = 0; i < n; i++) await js.publish(subject, JSON.stringify({ i }), { msgID: `m${i}` });
    }
    await all;
    const rate = n / ((performance.now() - started) / 1000);
    await messages.close();
    return rate;
  } finally {
    await jsm.streams.delete(stream).catch(() => false);
  }
}

/** Starts the child hosting `worker`; `completed` resolves when it handled n signals, `done` with its counts. */
function child(url: string, network: string, n: number): { ready: Promise<void>; completed: Promise<number>; done: Promise<NetworkCounts> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, url, network, String(n)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const on = (marker: string): Promise<string> =>
    new Promise((resolve, reject) => {
      proc.stdout.on('data', () => {
        const i = out.indexOf(marker);
        if (i >= 0) resolve(out.slice(i + marker.length, out.indexOf('\n', i)));
      });
      proc.on('exit', (code) => reject(new Error(`sink process exited (${code}) before "${marker.trim()}": ${err.slice(0, 300)}`)));
    });
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const ready = on('ready');
  const completed = on('completed').then(() => performance.now());
  const done = on('done ').then((json) => (JSON.parse(json) as { counts: NetworkCounts }).counts);
  for (const p of [ready, completed, done]) p.catch(() => undefined);
  return { ready: ready.then(() => undefined), completed, done };
}

/** Plexus across two processes: signals/s from the first post to the child's last completion; checks the counts. */
async function plexus(url: string, n: number): Promise<{ rate: number; closed: boolean; note: string | undefined }> {
  const name = `bench-${process.pid}-${Date.now().toString(36)}`;
  const sink = child(url, name, n);
  const net = createNetwork({ name, transport: createNatsTransport({ servers: url }), journal: false });
  net.remote('worker');
  try {
    await sink.ready;
    await net.start();
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      // The publish pipeline is bounded: a refusal (backpressure) waits for PubAcks to come back.
      while (net.post('worker', { type: 'job', payload: { i }, partitionKey: `p${i & 63}` }).status === 'rejected') await new Promise((r) => setImmediate(r));
    }
    const ended = await sink.completed;
    const counts = await sink.done;
    await net.idle();
    const c = net.counts();
    const closed = c.forwarded === n && counts.received === n && counts.completed === n && counts.active === 0 && c.active === 0;
    const note = closed ? undefined : `counts did not close: forwarded ${c.forwarded}, received ${counts.received}, completed ${counts.completed} of ${n}`;
    return { rate: n / ((ended - started) / 1000), closed, note };
  } finally {
    await net.shutdown();
    const nc = await connect({ servers: url, noAsyncTraces: true });
    await (await jetstreamManager(nc)).streams.delete(`PLEXUS_${name}`).catch(() => false);
    await nc.close();
  }
}

/** Why the distributed rows cannot run (NATS_URL unset, server not answering), or undefined. */
async function unavailable(url: string): Promise<string | undefined> {
  if (url === '') return 'n/a (NATS_URL unset)';
  const u = new URL(url.includes('://') ? url : `nats://${url}`);
  const down = await answering(u.hostname, Number(u.port || 4222));
  return down === undefined ? undefined : `skipped: NATS ${down}`;
}

async function run(ctx: Ctx): Promise<Row[]> {
  const url = process.env['NATS_URL'] ?? '';
  const why = await unavailable(url);
  if (why !== undefined) {
    const na = { na: why };
    progress(`${NAME}: ${why}`);
    const unit = (m: string): string => (m.startsWith('Plexus ÷') ? '×' : m.startsWith('Plexus') ? 'signals/s' : m.startsWith('Moleculer') ? 'calls/s' : 'msgs/s');
    return Object.values(DISTRIBUTED_METRICS).map((m) => row(m, unit(m), na, true));
  }
  const reps = ctx.quick ? 1 : 3;
  const nAwaited = ctx.quick ? 2_000 : 10_000;
  const nFast = ctx.quick ? 5_000 : 30_000;
  const nc = await connect({ servers: url, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const awaited: number[] = [];
  const pipelined: number[] = [];
  const ours: number[] = [];
  const moleculer: number[] = [];
  let moleculerSkipped: string | undefined;
  const notes: string[] = [];
  let closed = true;
  try {
    for (let rep = 1; rep <= reps; rep++) {
      awaited.push(await raw(nc, jsm, js, nAwaited, false));
      progress(`  ${NAME} rep ${rep}/${reps} raw awaited: ${fmt(awaited.at(-1)!)} msgs/s (${fmt(nAwaited)})`);
      pipelined.push(await raw(nc, jsm, js, nFast, true));
      progress(`  ${NAME} rep ${rep}/${reps} raw pipelined: ${fmt(pipelined.at(-1)!)} msgs/s (${fmt(nFast)})`);
      const p = await plexus(url, nFast);
      if (!p.closed) {
        closed = false;
        notes.push(p.note!);
      } else ours.push(p.rate);
      progress(`  ${NAME} rep ${rep}/${reps} Plexus 2 processes: ${fmt(p.rate)} signals/s (${fmt(nFast)})${p.closed ? '' : ' INVALID'}`);
      if (moleculerSkipped === undefined) {
        try {
          const m = await moleculerOverNats(url, nFast);
          if ('skipped' in m) moleculerSkipped = m.skipped;
          else {
            moleculer.push(m.rate);
            progress(`  ${NAME} rep ${rep}/${reps} Moleculer over NATS: ${fmt(m.rate)} calls/s (${fmt(nFast)})`);
          }
        } catch (e) {
          moleculerSkipped = `error: ${(e instanceof Error ? e.message : String(e)).slice(0, 160)}`;
          progress(`  ${NAME} Moleculer over NATS: ${moleculerSkipped}`);
        }
      }
    }
  } finally {
    await nc.close();
  }
  const fig = (v: number[]): Figure => (v.length > 0 ? stat(v) : { na: 'invalid' });
  const pf = fig(ours);
  const af = fig(awaited);
  const ff = fig(pipelined);
  const over = (b: Figure): Figure => (isStat(pf) && isStat(b) ? stat([pf.median / b.median]) : { na: 'n/a' });
  const ratio = over(af);
  const ratioPipelined = over(ff);
  if (isStat(ratioPipelined))
    progress(`${NAME}: Plexus ${fmt((pf as { median: number }).median)}/s ÷ raw pipelined ${fmt((ff as { median: number }).median)}/s = ×${ratioPipelined.median.toFixed(2)}`);
  notes.push('rows other than Plexus hold the raw @nats-io/jetstream client figure in the first column; every figure is end to end (publish → stream → pull consumer → ack) on the same server');
  notes.push('Moleculer over NATS is core NATS request-reply: nothing is stored or acknowledged to a stream, so it is faster than anything that persists each message; not a target');
  return [
    row(DISTRIBUTED_METRICS.plexus, 'signals/s', pf, closed, notes),
    row(DISTRIBUTED_METRICS.awaited, 'msgs/s', af, true),
    row(DISTRIBUTED_METRICS.pipelined, 'msgs/s', ff, true),
    row(DISTRIBUTED_METRICS.ratioPipelined, '×', ratioPipelined, closed),
    row(DISTRIBUTED_METRICS.ratio, '×', ratio, closed),
    row(DISTRIBUTED_METRICS.moleculer, 'calls/s', moleculerSkipped !== undefined ? { na: moleculerSkipped } : fig(moleculer), true),
  ];
}

export const distributed: Scenario = { name: NAME, run };

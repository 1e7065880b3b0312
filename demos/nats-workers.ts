/**
 * Many processes over NATS JetStream: this process posts orders to `work`, a node hosted by two
 * worker processes that share its durable consumer; each worker confirms an order by emitting
 * `done` back to `confirm`, a node of this process. A while in, worker 1 is killed (SIGKILL: no
 * graceful anything) and started again. The orders it had taken but not acked go back to the
 * stream and are handled again by a worker; the `done` confirmations carry the order's
 * idempotency key, so the stream drops the second one. At the end every order is confirmed
 * exactly once: nothing was lost, which the counts of each process prove.
 *
 *   npm run demo:nats-workers                                 until Ctrl-C (worker 1 killed after 3 s)
 *   npm run demo:nats-workers -- --duration 4 --rate 2000     4 s at 2,000 orders/s
 *   npm run demo:nats-workers -- --url nats://host:4222       NATS_URL, else nats://127.0.0.1:4222
 *
 * Without a NATS server it says it skipped and exits 0. Each run uses a fresh network name; its
 * stream is deleted at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createNatsTransport, createNetwork, type NetworkCounts } from '../lib/index.ts';
import { positiveInteger, readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { DEFAULT_NATS_URL, deleteStream, natsAnswers } from './support/nats.ts';
import { accountingLines, n, printAccounting } from './support/summary.ts';

const usage = 'npm run demo:nats-workers -- [--duration <s>] [--rate <orders/s>] [--url nats://host:4222]';
const args = readArgs(usage, { rate: { type: 'string' }, url: { type: 'string' }, worker: { type: 'string' }, network: { type: 'string' } });
const url = (args.values['url'] as string | undefined) ?? DEFAULT_NATS_URL;
const rate = positiveInteger(usage, args, 'rate', 2_000);
/** Unacked orders of a killed worker come back after this long (JetStream's ack wait). */
const ACK_WAIT_MS = 1_000;

if (args.values['worker'] !== undefined) await worker(String(args.values['worker']), String(args.values['network']));
else await main();

/** A worker process: hosts `work` until SIGTERM, then shuts down gracefully and prints its counts. */
async function worker(id: string, network: string): Promise<void> {
  const net = createNetwork({ name: network, transport: createNatsTransport({ servers: url, ackWaitMs: ACK_WAIT_MS }) });
  net.remote('confirm');
  net.node('work', {
    partitions: 8,
    async handle(signal, ctx) {
      await delay(1); // some work
      const { order } = signal.payload as { order: number };
      ctx.emit('confirm', { type: 'done', payload: { order, worker: id }, idempotencyKey: `done-${order}` });
    },
  });
  await net.start();
  console.log('ready');
  process.once('SIGTERM', () => {
    void net.shutdown().then(() => console.log(`counts ${JSON.stringify(net.counts())}`));
  });
}

/** A worker process as this one sees it: its pid, its `ready`, and its final counts. */
interface Worker {
  readonly id: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly counts: Promise<NetworkCounts | undefined>;
}

function startWorker(id: string, network: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', id, '--network', network, '--url', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let readyNow!: () => void;
  let countsNow!: (c: NetworkCounts | undefined) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyNow = resolve;
    child.once('exit', (code, signal) => reject(new Error(`worker ${id} exited (${code ?? signal}) before it was ready`)));
  });
  ready.catch(() => undefined); // a worker killed on purpose never gets there; the caller awaits when it matters
  const counts = new Promise<NetworkCounts | undefined>((resolve) => {
    countsNow = resolve;
    child.once('exit', () => resolve(undefined));
  });
  lines.on('line', (line) => {
    if (line === 'ready') readyNow();
    else if (line.startsWith('counts ')) countsNow(JSON.parse(line.slice(7)) as NetworkCounts);
    else console.log(`  [worker ${id}] ${line}`);
  });
  return { id, child, ready, counts };
}

async function main(): Promise<void> {
  if (!(await natsAnswers(url))) {
    console.log(`skipped: no NATS server with JetStream answers at ${url} (start one, or give --url / NATS_URL)`);
    process.exit(0);
  }
  const network = `demo-workers-${process.pid}-${Date.now().toString(36)}`;
  console.log(`starting two worker processes (network ${network}, ${url})`);
  const workers = [startWorker('1', network), startWorker('2', network)];
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (error) {
    for (const w of workers) w.child.kill('SIGKILL');
    console.error('FAILED: a worker did not start', error);
    process.exit(1);
  }
  await runDemo(`many processes over NATS: this process posts orders, worker processes ${workers.map((w) => w.child.pid).join(' and ')} handle them`, args, async (demo) => {
    const net = createNetwork({ name: network, transport: createNatsTransport({ servers: url, ackWaitMs: ACK_WAIT_MS }) });
    const confirmed = new Set<number>();
    const byWorker = new Map<string, number>();
    let confirmations = 0;
    try {
      net.remote('work');
      net.node('confirm', {
        partitions: 4,
        handle(signal) {
          const { order, worker } = signal.payload as { order: number; worker: string };
          confirmations++;
          confirmed.add(order);
          byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
        },
      });
      await net.start();

      let orders = 0;
      demo.live(() => {
        const c = net.counts();
        return `orders ${n(orders)}  in the stream ${n(c.forwarded)}  confirmed ${n(confirmed.size)}  worker pids ${workers.map((w) => (w.child.exitCode === null && w.child.signalCode === null ? w.child.pid : 'dead')).join(', ')}`;
      }, 500);

      const killAtS = Math.min(3, (demo.duration ?? 10) * 0.3); // worker 1 dies while it is busy
      let killed: Worker | undefined;
      let restarted: Worker | undefined;
      const perTick = Math.max(1, Math.round(rate / 100));
      while (demo.running) {
        if (killed === undefined && demo.elapsed() >= killAtS) {
          killed = workers[0]!;
          killed.child.kill('SIGKILL');
          demo.say(`worker 1 (pid ${killed.child.pid}) killed with SIGKILL after it confirmed ${byWorker.get('1') ?? 0} orders; starting it again`);
          restarted = startWorker('1-restarted', network);
          workers[0] = restarted;
          void restarted.ready.then(() => demo.say(`worker 1 is back (pid ${restarted!.child.pid})`));
        }
        for (let k = 0; k < perTick; k++, orders++) {
          const r = net.post('work', { type: 'order', payload: { order: orders }, partitionKey: `customer-${orders % 100}`, idempotencyKey: `order-${orders}` });
          if (r.status !== 'accepted') throw new Error(`order ${orders} was ${r.status}`);
        }
        await delay(10);
      }

      // Drain: every order must come back confirmed, including those the killed worker held
      // (redelivered after the ack wait of ${ACK_WAIT_MS} ms).
      await restarted?.ready;
      demo.say(`stopped sending after ${orders} orders; waiting until each is confirmed`);
      const deadline = performance.now() + 20_000;
      while (confirmed.size < orders && performance.now() < deadline) await delay(50);
      await net.idle();
      await net.shutdown();
      for (const w of workers) w.child.kill('SIGTERM');
      const workerCounts = await Promise.all(workers.map((w) => w.counts));
      const here = net.counts();
      console.log(`\nsummary: ${orders} orders sent, ${here.forwarded} stored in the stream, ${confirmed.size} confirmed (${confirmations} confirmations: the stream dropped the repeated ones)`);
      console.log(`confirmed by worker: ${[...byWorker].map(([id, count]) => `${id} ${count}`).join(', ')} (the killed worker's counts died with it)`);
      let handledTwice = 0;
      let redeliveries = 0;
      workerCounts.forEach((c, i) => {
        if (c === undefined) return;
        handledTwice += c.duplicate;
        redeliveries += c.transport?.redeliveries ?? 0;
        const { ends } = accountingLines(c, `worker ${workers[i]!.id} (pid ${workers[i]!.child.pid})`);
        console.log(`  ${ends}`);
      });
      console.log(
        `redelivered to the live workers (held unacked by the killed one): ${redeliveries}; of those handled twice (it had handled them, not acked), the stream dropped the repeated confirmation: ${handledTwice}`,
      );
      demo.check('a busy worker was killed and started again', killed !== undefined && restarted !== undefined && (byWorker.get('1') ?? 0) > 0);
      demo.check(`every order was stored in the stream (${here.forwarded} = ${orders})`, here.forwarded === orders);
      demo.check(`every order was confirmed, none twice (${confirmed.size} = ${confirmations} = ${orders})`, confirmed.size === orders && confirmations === orders);
      demo.check(
        'the live workers ended with their accounting closed',
        workerCounts.every((c) => c !== undefined && accountingLines(c).closed && c.active === 0),
      );
      printAccounting(demo, here, 'this process');
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      if (net.state !== 'terminated') await net.shutdown({ force: true });
      await deleteStream(url, network);
    }
  });
}

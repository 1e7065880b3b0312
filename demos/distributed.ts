/**
 * The distributed demo: the same network in two processes over NATS JetStream. This process
 * hosts `orders` and posts orders to it; `orders` emits an invoice to `billing`, which a child
 * process hosts. Prints the rate, each side's counts and the accounting across both processes.
 *
 *   npm run demo:nats                                   NATS at nats://127.0.0.1:4222, 20,000 orders
 *   npm run demo:nats -- --url nats://host:4222 --orders 5000
 *
 * The network gets a fresh name per run, and its stream is deleted at the end.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNetwork, createNatsTransport, type NetworkCounts } from '../lib/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? (args[at + 1] as string) : fallback;
};
const url = arg('--url', process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222');
const orders = Number(arg('--orders', '20000'));
if (!Number.isInteger(orders) || orders < 1) {
  console.error('--orders needs a whole number above 0');
  process.exit(2);
}

/** Both processes name the stream, so that this one can delete it at the end. */
function streamOf(network: string): string {
  return `PLEXUS_${network.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

if (args.includes('--billing')) await billing(arg('--network', ''), orders);
else await main();

/** The child process: hosts `billing` until it has handled every invoice, then shuts down gracefully. */
async function billing(network: string, expected: number): Promise<void> {
  const net = createNetwork({ name: network, transport: createNatsTransport({ servers: url, stream: streamOf(network) }) });
  let billed = 0;
  let total = 0;
  const all = new Promise<void>((resolve) => {
    net.node('billing', {
      partitions: 8,
      handle(signal) {
        total += (signal.payload as { amount: number }).amount;
        if (++billed === expected) resolve();
      },
    });
  });
  await net.start();
  console.log('ready');
  await all;
  await net.idle();
  await net.shutdown();
  console.log(`done ${JSON.stringify({ total, counts: net.counts() })}`);
}

async function main(): Promise<void> {
  const network = `demo-${process.pid}-${Date.now().toString(36)}`;
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--billing', '--network', network, '--orders', String(orders), '--url', url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the billing process exited (${code}) early`)));
    });
  const net = createNetwork({ name: network, transport: createNatsTransport({ servers: url, stream: streamOf(network) }) });
  try {
    if ((await nextLine()) !== 'ready') throw new Error('the billing process did not start');
    net.remote('billing');
    net.node('orders', {
      partitions: 16,
      async handle(signal, ctx) {
        const { n } = signal.payload as { n: number };
        ctx.emit('billing', { type: 'invoice', payload: { order: n, amount: n % 100 }, partitionKey: signal.partitionKey, idempotencyKey: `invoice-${n}` });
      },
    });
    await net.start();
    console.log(`network ${network}: orders here (pid ${process.pid}), billing in pid ${child.pid}, over ${url}`);
    const started = performance.now();
    const done = nextLine();
    // A producer that respects flow control: at most WINDOW orders not yet handed to JetStream
    // (a full publish pipeline would refuse the handlers' emits, and they would wait for retries).
    const WINDOW = 1000;
    for (let n = 0; n < orders; n++) {
      while (n - net.counts().forwarded >= WINDOW) await new Promise((r) => setTimeout(r, 1));
      const receipt = net.post('orders', { type: 'order', payload: { n }, partitionKey: `customer-${n % 500}`, idempotencyKey: `order-${n}` });
      if (receipt.status !== 'accepted') throw new Error(`order ${n} was ${receipt.status}`);
    }
    await net.idle();
    const report = JSON.parse((await done).replace(/^done /, '')) as { total: number; counts: NetworkCounts };
    const seconds = (performance.now() - started) / 1000;
    const here = net.counts();
    const there = report.counts;
    let expectedTotal = 0;
    for (let n = 0; n < orders; n++) expectedTotal += n % 100;
    console.log(`${orders} orders → ${there.completed} invoices billed in ${seconds.toFixed(2)} s (${Math.round(orders / seconds)} orders/s end to end)`);
    console.log(`billed total ${report.total} (expected ${expectedTotal})`);
    console.log(`this process: sent ${here.sent}, accepted ${here.accepted}, completed ${here.completed}, forwarded ${here.forwarded}, dead ${here.deadLettered}`);
    console.log(`billing process: received ${there.received}, completed ${there.completed}, duplicate ${there.duplicate}, dead ${there.deadLettered}`);
    const closed = here.forwarded === orders && there.received === orders && there.completed === orders && report.total === expectedTotal;
    console.log(`accounting across processes: forwarded ${here.forwarded} = received ${there.received} = billed ${there.completed}: ${closed ? 'closed' : 'DID NOT CLOSE'}`);
    if (!closed) process.exitCode = 1;
  } finally {
    await net.shutdown();
    child.kill();
    const nc = await connect({ servers: url, noAsyncTraces: true });
    await (await jetstreamManager(nc)).streams.delete(streamOf(network)).catch(() => false);
    await nc.close();
  }
}

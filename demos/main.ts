/**
 * The main demo: producers → a partitioned worker that sometimes fails → a sink, on the embedded
 * defaults. Prints throughput, duplicates caught, dead letters, one traced signal's hops and the
 * shutdown report.
 *
 *   npm run demo                      runs until you press q (or Ctrl+C)
 *   npm run demo -- --duration 5      shuts down gracefully by itself after 5 s and exits 0
 *
 * Keys while it runs: s = stats now, d = dead letters, r = reprocess dead letters, q = quit.
 */
import { emitKeypressEvents } from 'node:readline';
import { createNetwork, type Signal } from '../lib/index.ts';

const args = process.argv.slice(2);
const durationArg = args.indexOf('--duration');
const durationS = durationArg >= 0 ? Number(args[durationArg + 1]) : undefined;
if (durationS !== undefined && !(durationS > 0)) {
  console.error('--duration needs a number of seconds above 0');
  process.exit(2);
}

const net = createNetwork({ name: 'demo' });
let sunk = 0;
// One order is followed through both nodes to show its processing history (hops).
let tracedOrder: Signal | undefined;
let tracedDone: Signal | undefined;

net.node('worker', {
  partitions: 16,
  capacity: 20_000,
  retry: { maxAttempts: 3, baseDelayMs: 5 },
  breaker: { failureThreshold: 50 },
  async handle(signal, ctx) {
    const { n } = signal.payload as { n: number };
    if (tracedOrder === undefined && n >= 1000) tracedOrder = signal;
    // About 1 in 500 attempts fails, to show retries and dead letters.
    if (Math.random() < 0.002) throw new Error(`could not process order ${n}`);
    ctx.emit('sink', { type: 'order.done', payload: { n, total: n * 3 }, partitionKey: signal.partitionKey });
  },
});
net.node('sink', {
  partitions: 4,
  capacity: 20_000,
  handle(signal) {
    sunk++;
    if (signal.causationId !== undefined && signal.causationId === tracedOrder?.id) tracedDone = signal;
  },
});

await net.start();
console.log('plexus demo: producers → worker (16 partitions, fails ~0.2%) → sink');

let produced = 0;
let running = true;
const customers = 200;
async function producer(id: number): Promise<void> {
  while (running) {
    for (let i = 0; i < 200 && running; i++) {
      const n = produced++;
      // Every 20th order is sent twice with the same idempotency key: deduplication catches it.
      const key = `order-${n % 20 === 0 ? n - 1 : n}`;
      net.post('worker', { type: 'order.placed', payload: { n, producer: id }, partitionKey: `customer-${n % customers}`, idempotencyKey: key });
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
const producers = [producer(1), producer(2)];

let lastSunk = 0;
const startedAt = Date.now();
function printStats(): void {
  const w = net.stats('worker');
  const rate = sunk - lastSunk;
  lastSunk = sunk;
  console.log(
    `t=${((Date.now() - startedAt) / 1000).toFixed(0)}s  sunk ${sunk} (${rate}/s)  queued ${w.queueDepth}  duplicates ${w.duplicate}  retried ${w.retried}  dead letters ${net.dlq.size}  rejected ${w.rejected}  breaker ${w.breakerState}`,
  );
}
const ticker = setInterval(printStats, 1000);

async function stop(): Promise<void> {
  if (!running) return;
  running = false;
  clearInterval(ticker);
  await Promise.all(producers);
  printStats();
  const c = net.counts();
  console.log(`\nsent ${c.sent}: accepted ${c.accepted}, duplicate ${c.duplicate}, rejected ${c.rejected}`);
  const dead = net.dlq.list({ limit: 3 });
  console.log(`dead letters: ${net.dlq.size}${dead.length ? ', e.g.' : ''}`);
  for (const d of dead) console.log(`  ${d.id} ${d.reason} after ${d.attempts} attempts: ${d.error.message}`);
  if (tracedOrder !== undefined) {
    console.log(`\ntrace of correlation ${tracedOrder.correlationId}:`);
    for (const h of [...tracedOrder.hops, ...(tracedDone?.hops ?? [])]) {
      console.log(`  ${h.node.padEnd(6)} partition ${String(h.partition).padStart(2)}  attempt ${h.attempt}  ${h.outcome.padEnd(9)} ${((h.finishedAt - h.startedAt) * 1000).toFixed(1)} µs`);
    }
  }
  const report = await net.shutdown({ timeoutMs: 10_000 });
  console.log('\nshutdown report:');
  for (const p of report.phases) console.log(`  ${p.phase.padEnd(24)} ${p.durationMs.toFixed(1)} ms`);
  console.log(
    `  drained ${report.drained} (${report.activeAtStart} active at the start + ${report.emitted} emitted while draining), remaining ${report.remaining}, forced ${report.forced}, timed out ${report.timedOut}`,
  );
  const end = net.counts();
  console.log(`\naccounting: sent ${end.sent} = completed ${end.completed} + dead ${end.deadLettered} + duplicate ${end.duplicate} + rejected ${end.rejected} + remaining ${report.remaining}`);
  if (end.sent !== end.completed + end.deadLettered + end.duplicate + end.rejected + report.remaining) {
    console.error('accounting does not close: a signal is unaccounted for');
    process.exit(1);
  }
  process.exit(0);
}

process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (durationS !== undefined) setTimeout(() => void stop(), durationS * 1000);
if (process.stdin.isTTY && durationS === undefined) {
  emitKeypressEvents(process.stdin);
  process.stdin.setRawMode(true);
  console.log('keys: s = stats, d = dead letters, r = reprocess dead letters, q = quit');
  process.stdin.on('keypress', (_s, key: { name?: string; ctrl?: boolean }) => {
    if (key.name === 'q' || (key.ctrl && key.name === 'c')) void stop();
    else if (key.name === 's') printStats();
    else if (key.name === 'd') for (const d of net.dlq.list({ limit: 10 })) console.log(`  ${d.id} ${d.reason}: ${d.error.message}`);
    else if (key.name === 'r') {
      const receipts = net.dlq.reprocessAll();
      console.log(`reprocessed ${receipts.filter((r) => r.status === 'accepted').length} dead letters`);
    }
  });
}

/**
 * Soak run: a steady load on the real clock for N minutes, printing throughput, p99 latency and
 * heap every few seconds; exits non-zero when the heap keeps growing over the second half of the
 * run, or when the final count does not close. Not a mocha spec.
 *
 *   npm run soak -- --minutes 10
 *   npm run soak -- --minutes 0.2            # quick check
 *   npm run soak -- --minutes 0.3 --leak     # proves the detector fails on a real leak
 *
 * Load: a closed loop that keeps `--outstanding` signals in the network (so the queue neither
 * grows nor starves), 5% of first attempts failing (retried), 2% duplicate idempotency keys,
 * each `ingest` signal emitting a child to `store`. Latency is send → end of the store handler.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { parseArgs } from 'node:util';
import { createNetwork } from '../../lib/index.ts';
import { createFailingHandler } from '../../lib/testing/index.ts';
import { DEFAULT_MAX_SLOPE_MIB_PER_MIN, DEFAULT_MIN_GROWTH_MIB, judgeHeap, percentile, type HeapSample } from './soak-stats.ts';

/**
 * Signals kept in flight by the load loop.
 * @defaultValue 2000
 */
const DEFAULT_OUTSTANDING = 2_000;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    outstanding: { type: 'string', default: String(DEFAULT_OUTSTANDING) },
    'max-slope': { type: 'string', default: String(DEFAULT_MAX_SLOPE_MIB_PER_MIN) },
    'min-growth': { type: 'string', default: String(DEFAULT_MIN_GROWTH_MIB) },
    leak: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const minutes = Number(values.minutes);
const outstanding = Number(values.outstanding);
if (!(minutes >= 0) || !Number.isFinite(minutes)) fail(`--minutes must be a number >= 0, got ${values.minutes}`);
if (!Number.isInteger(outstanding) || outstanding < 1) fail(`--outstanding must be a positive integer, got ${values.outstanding}`);
const durationMs = Math.max(minutes * 60_000, 3_000);
// Report about 10 times a run, every 2-10 seconds.
const reportMs = Math.min(10_000, Math.max(2_000, durationMs / 10));
// About 60 heap samples a run, 0.5-2 s apart: enough points for the fit, few forced GCs (each
// one pauses the load and would show up in the latency figures).
const heapSampleMs = Math.min(2_000, Math.max(500, durationMs / 60));

// A forced GC before each heap sample makes the series measure retained memory, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function fail(message: string): never {
  console.error(`soak: ${message}`);
  process.exit(2);
}

const net = createNetwork({ name: 'soak', dedup: { windowMs: 5_000, maxKeys: 50_000 }, dlq: { capacity: 1_000 }, journal: { capacity: 1_000 } });
const leaked: unknown[] = [];
let latencies: number[] = [];
let stored = 0;
net.node('ingest', {
  partitions: 16,
  capacity: outstanding * 4,
  retry: { maxAttempts: 3, baseDelayMs: 2, jitter: 0.2 },
  breaker: false,
  handle: createFailingHandler({
    share: 0.05,
    seed: 7,
    inner: (signal, ctx) => {
      ctx.emit('store', { type: 'stored', payload: signal.payload as { t: number } });
    },
  }),
});
net.node('store', {
  partitions: 8,
  capacity: outstanding * 4,
  async handle(signal) {
    const { t } = signal.payload as { t: number };
    latencies.push(performance.now() - t);
    stored++;
    if (values.leak) leaked.push(signal); // --leak: keep every signal, a genuine unbounded leak
  },
});
await net.start();

let sent = 0;
let accepted = 0;
let duplicate = 0;
let rejected = 0;
let running = true;
const begin = performance.now();

/** Keeps `outstanding` signals in the network; yields to the event loop between batches. */
function pump(): void {
  if (!running) return;
  const c = net.counts();
  const room = outstanding - c.active;
  for (let i = 0; i < room; i++) {
    sent++;
    // 2% reuse the previous key: the dedup window must catch them.
    const key = sent % 50 === 0 ? `k${sent - 1}` : `k${sent}`;
    const r = net.post('ingest', { type: 'reading', payload: { t: performance.now(), n: sent }, partitionKey: `s${sent % 64}`, idempotencyKey: key });
    if (r.status === 'accepted') accepted++;
    else if (r.status === 'duplicate') duplicate++;
    else rejected++;
  }
  setImmediate(pump);
}

const samples: HeapSample[] = [];
let gcMs = 0;
const heapTimer = setInterval(() => {
  const t = performance.now();
  gc();
  gcMs = performance.now() - t;
  samples.push({ minutes: (performance.now() - begin) / 60_000, mib: process.memoryUsage().heapUsed / 2 ** 20 });
}, heapSampleMs);

let lastStored = 0;
let lastAt = begin;
const reportTimer = setInterval(() => {
  const now = performance.now();
  const rate = ((stored - lastStored) * 1000) / (now - lastAt);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  latencies = [];
  lastStored = stored;
  lastAt = now;
  const heap = samples[samples.length - 1]?.mib ?? Number.NaN;
  const dlq = net.dlq.size;
  console.log(
    `${((now - begin) / 1000).toFixed(0).padStart(5)}s  ${rate.toFixed(0).padStart(7)} signals/s  p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  heap ${heap.toFixed(1)} MiB (gc ${gcMs.toFixed(0)} ms)  dlq ${dlq}  dup ${duplicate}  rejected ${rejected}`,
  );
}, reportMs);

console.log(`soak: ${(durationMs / 60_000).toFixed(2)} min, ${outstanding} outstanding, report every ${(reportMs / 1000).toFixed(0)} s${values.leak ? ', LEAKING ON PURPOSE' : ''}`);
pump();
await new Promise((resolve) => setTimeout(resolve, durationMs));
running = false;
clearInterval(reportTimer);
clearInterval(heapTimer);
await net.idle();

const c = net.counts();
const report = await net.shutdown({ timeoutMs: 5_000 });
const verdict = judgeHeap(samples, Number(values['max-slope']), Number(values['min-growth']));
const ingest = net.stats('ingest');
const problems: string[] = [];
// Every send is accounted for: accepted + duplicate + rejected, and each accepted ingest signal
// either stored (via its child) or dead-lettered.
if (sent !== accepted + duplicate + rejected) problems.push(`sent ${sent} != accepted ${accepted} + duplicate ${duplicate} + rejected ${rejected}`);
if (ingest.completed + ingest.deadLettered !== accepted) problems.push(`ingest completed ${ingest.completed} + dead-lettered ${ingest.deadLettered} != accepted ${accepted}`);
if (stored !== ingest.completed) problems.push(`stored ${stored} != ingest completed ${ingest.completed}`);
if (report.remaining !== 0) problems.push(`shutdown left ${report.remaining} signals`);
if (verdict.leaking) problems.push(`heap grows ${verdict.slopeMibPerMin.toFixed(2)} MiB/min over the second half (${verdict.growthMib.toFixed(1)} MiB): leak`);

const secs = (performance.now() - begin) / 1000;
console.log(
  `soak: ${sent} sent in ${secs.toFixed(1)} s (${(stored / secs).toFixed(0)} stored/s), ${ingest.retried} retries, ${ingest.deadLettered} dead letters, ${duplicate} duplicate; ` +
    `network counts ${JSON.stringify(c)}; heap slope ${verdict.slopeMibPerMin.toFixed(2)} MiB/min (limit ${values['max-slope']})`,
);
if (problems.length > 0) {
  for (const p of problems) console.error(`soak: FAIL ${p}`);
  process.exit(1);
}
console.log('soak: OK');
process.exit(0);

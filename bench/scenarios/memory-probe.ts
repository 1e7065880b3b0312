/**
 * Child process of scenario 5 (needs --expose-gc). Usage: memory-probe.ts <system> <queue|dedup> <n>
 * queue: heap (+ ArrayBuffer) delta with n signals queued (posted synchronously, so nothing drains), ÷ n. All
 *   signals share one payload object (payload excluded); each carries its own idempotency key string.
 * dedup: heap (+ ArrayBuffer) delta after n signals with distinct, pre-built idempotency keys were processed, ÷ n
 *   (key strings excluded; 'bare' is a plain Map<string, number>). Prints one JSON line.
 */
import { Tracker } from '../tracker.ts';
import { loadSystems } from '../systems.ts';
import { ALL_ON, KEYS, options } from '../types.ts';
import type { Draft, Payload } from '../types.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');
const [name = 'bare', kind = 'queue', nArg = '100000'] = process.argv.slice(2);
const n = Number(nArg);
const shared: Payload = { n: 1, t0: 0 };
const draft = (key: string, i: number): Draft => ({ type: 'job', payload: shared, partitionKey: KEYS[i & 1023] as string, idempotencyKey: key });
// ArrayBuffer backing stores (typed arrays: the dedup tables) live outside the JS heap: count them.
const heap = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const out = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

async function main(): Promise<void> {
  if (kind === 'dedup' && name === 'bare') {
    const keys = Array.from({ length: n }, (_, i) => 'd-' + i);
    const m = new Map<string, number>();
    const h0 = heap();
    for (const k of keys) m.set(k, Date.now());
    out({ bytes: (heap() - h0) / n, closed: m.size === n, size: m.size });
    return;
  }
  const sys = (await loadSystems()).find((s) => s.name === name);
  if (sys?.factory === undefined) return out({ na: sys?.na ?? 'unknown system' });
  const tr = new Tracker();
  const features = kind === 'dedup' ? { ...ALL_ON, dedupMaxKeys: n + 20_000 } : ALL_ON;
  const s = await sys.factory(options({ capacity: Math.ceil(n / 0.9) + 1024, features }), tr);
  const warm = 10_000;
  for (let i = 0; i < warm; i++) s.post(draft('w-' + i, i), i);
  await tr.until(warm);
  let accepted = 0;
  if (kind === 'queue') {
    const h0 = heap();
    for (let i = 0; i < n; i++) if (s.post(draft('id-' + i, i), i)) accepted++;
    const bytes = (heap() - h0) / n;
    const queued = n - (tr.completed - warm);
    const ok = await Promise.race([tr.until(warm + n), new Promise<boolean>((r) => setTimeout(() => r(false), 120_000))]);
    out({ bytes, closed: ok && accepted === n && tr.completed === warm + n, queuedAtMeasure: queued });
  } else {
    const keys = Array.from({ length: n }, (_, i) => 'd-' + i);
    const h0 = heap();
    const w = 8192;
    for (let i = 0; i < n; ) {
      const lim = Math.min(n, tr.completed - warm + w);
      for (; i < lim; i++) if (s.post(draft(keys[i] as string, i), i)) accepted++;
      await tr.until(warm + i - (w >> 1));
    }
    await tr.until(warm + n);
    const bytes = (heap() - h0) / n;
    // `keys` is read after the measurement so that it stays alive through it: a key string the
    // window does not hold would otherwise be freed by then and counted as negative bytes.
    out({ bytes, closed: accepted === n && tr.completed === warm + n && keys.length === n });
  }
  await s.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    out({ error: e instanceof Error ? e.message : String(e) });
    process.exit(0);
  },
);

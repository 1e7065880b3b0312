/**
 * 8. In-process peers users would pick. (a) The single node with every guarantee on (Plexus
 * `post`) against Moleculer 0.14's local `broker.call` and `broker.emit`, same async handler, same
 * counts, repetitions interleaved. (b) `network.protect` against cockatiel 3 with the same
 * policies (breaker around retry around a 2 s timeout per attempt) around a resolved promise:
 * calls/s of awaited calls one after another, and the ns each call adds over the bare awaited call.
 * (c) The pipeline and the fan-out against Moleculer through the same shape (peer-shapes.ts).
 * A peer that cannot run is shown as skipped with the reason, never as zero.
 */
import { loadCockatiel } from '../baselines/cockatiel.ts';
import type { Protected } from '../baselines/cockatiel.ts';
import { loadMoleculer } from '../baselines/moleculer.ts';
import type { Ctx, Scenario } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { fmt, progress, stat } from '../harness.ts';
import { throughput } from '../measure.ts';
import { options } from '../types.ts';
import { peerShapes } from './peer-shapes.ts';

const NAME_CALL = '8a peers: single node';
const NAME_PROTECT = '8b peers: protect()';

/** The metric names the targets look up. */
export const PEER_METRICS = {
  plexus: 'throughput, Plexus post (all guarantees)',
  call: 'throughput, Moleculer local call',
  emit: 'throughput, Moleculer local emit',
  ratioCall: 'Plexus ÷ Moleculer call',
  ratioEmit: 'Plexus ÷ Moleculer emit',
  cpuRatioCall: 'per CPU-second: Plexus ÷ Moleculer call',
  cpuRatioEmit: 'per CPU-second: Plexus ÷ Moleculer emit',
  protectAdded: 'added per call, network.protect',
  cockatielAdded: 'added per call, cockatiel',
  protectRatio: 'protect added ÷ cockatiel added',
} as const;

function row(scenario: string, metric: string, unit: string, better: 'higher' | 'lower', figure: Figure, closed = true, notes: string[] = []): Row {
  return { scenario, metric, unit, better, plexus: figure, baselines: {}, closed, notes };
}

const quotient = (a: Figure | undefined, b: Figure | undefined): Figure =>
  a !== undefined && b !== undefined && 'median' in a && 'median' in b && b.median > 0
    ? stat([a.median / b.median])
    : { na: a !== undefined && 'na' in a ? a.na : b !== undefined && 'na' in b ? b.na : 'n/a' };

async function callsAndEmits(ctx: Ctx): Promise<Row[]> {
  const plexus = ctx.systems.find((s) => s.name === 'plexus');
  const peers = await loadMoleculer();
  const systems = plexus === undefined ? peers : [plexus, ...peers];
  progress(`${NAME_CALL}: Plexus post vs Moleculer local call and emit`);
  const t = await throughput(ctx, NAME_CALL, systems, () => options());
  const fig = (n: string): Figure => t.figs[n] ?? { na: 'n/a' };
  const cpu = (n: string): Figure => t.cpu[n] ?? { na: 'n/a' };
  return [
    row(NAME_CALL, PEER_METRICS.plexus, 'signals/s', 'higher', fig('plexus'), t.closed, t.notes),
    row(NAME_CALL, PEER_METRICS.call, 'calls/s', 'higher', fig('moleculer-call'), t.closed),
    row(NAME_CALL, PEER_METRICS.emit, 'events/s', 'higher', fig('moleculer-emit'), t.closed),
    row(NAME_CALL, PEER_METRICS.ratioCall, 'ratio', 'higher', quotient(fig('plexus'), fig('moleculer-call')), t.closed),
    row(NAME_CALL, PEER_METRICS.ratioEmit, 'ratio', 'higher', quotient(fig('plexus'), fig('moleculer-emit')), t.closed),
    // The same runs per CPU-second of the process: steadier than wall time on a loaded machine (not a target).
    row(NAME_CALL, PEER_METRICS.cpuRatioCall, 'ratio', 'higher', quotient(cpu('plexus'), cpu('moleculer-call')), t.closed),
    row(NAME_CALL, PEER_METRICS.cpuRatioEmit, 'ratio', 'higher', quotient(cpu('plexus'), cpu('moleculer-emit')), t.closed),
  ];
}

type Call = (fn: (signal: AbortSignal) => Promise<number>) => Promise<number>;

/** ns per awaited call, `n` calls one after another. */
async function nsPerCall(call: Call, n: number): Promise<number> {
  const fn = (): Promise<number> => Promise.resolve(1);
  let sum = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sum += await call(fn);
  const ns = Number(process.hrtime.bigint() - start) / n;
  if (sum !== n) throw new Error(`expected ${n} results, got ${sum}`);
  return ns;
}

async function protectCost(ctx: Ctx): Promise<Row[]> {
  const { createNetwork } = await import('../../lib/index.ts');
  const net = createNetwork({ name: 'bench-protect' });
  net.operation('resolved', { retry: { maxAttempts: 3, baseDelayMs: 100 }, breaker: { failureThreshold: 5 }, timeoutMs: 2_000 });
  const cockatiel = await loadCockatiel();
  // The bare call gets one shared signal: making an AbortController per call is part of what the
  // policies cost (both make one for the timeout), not of the bare call.
  const unaborted = new AbortController().signal;
  const calls: Record<string, Call | undefined> = {
    bare: (fn) => fn(unaborted),
    plexus: (fn) => net.protect('resolved', fn),
    cockatiel: 'run' in cockatiel ? (cockatiel.run as Protected) : undefined,
  };
  const n = ctx.quick ? 50_000 : 200_000;
  const ns: Record<string, number[]> = { bare: [], plexus: [], cockatiel: [] };
  progress(`${NAME_PROTECT}: ${fmt(n)} awaited calls per repetition`);
  try {
    for (const call of Object.values(calls)) if (call !== undefined) await nsPerCall(call, n >> 2); // warm-up
    for (let rep = 0; rep < ctx.reps; rep++) {
      for (const [name, call] of Object.entries(calls)) {
        if (call === undefined) continue;
        (globalThis as { gc?: () => void }).gc?.();
        const v = await nsPerCall(call, n);
        ns[name]?.push(v);
        progress(`  ${NAME_PROTECT} rep ${rep + 1}/${ctx.reps} ${name}: ${fmt(v)} ns/call`);
      }
    }
  } finally {
    await net.shutdown();
  }
  const skipped: Figure = { na: 'skipped' in cockatiel ? cockatiel.skipped : 'n/a' };
  const perSec = (name: string): Figure => (ns[name]?.length ? stat((ns[name] as number[]).map((v) => 1e9 / v)) : skipped);
  // Added cost per repetition (system − bare of the same repetition), so that drift hits both alike.
  const added = (name: string): Figure => (ns[name]?.length ? stat((ns[name] as number[]).map((v, i) => v - (ns['bare']?.[i] ?? 0))) : skipped);
  const plexusAdded = added('plexus');
  const cockatielAdded = added('cockatiel');
  const notes = ['breaker (5 failures) → retry (3 attempts, 100 ms backoff) → 2 s timeout per attempt, around Promise.resolve(1); awaited one after another; added = ns/call − bare ns/call'];
  return [
    row(NAME_PROTECT, 'calls/s, bare awaited call', 'calls/s', 'higher', perSec('bare'), true, notes),
    row(NAME_PROTECT, 'calls/s, network.protect', 'calls/s', 'higher', perSec('plexus')),
    row(NAME_PROTECT, 'calls/s, cockatiel', 'calls/s', 'higher', perSec('cockatiel')),
    row(NAME_PROTECT, PEER_METRICS.protectAdded, 'ns/call', 'lower', plexusAdded),
    row(NAME_PROTECT, PEER_METRICS.cockatielAdded, 'ns/call', 'lower', cockatielAdded),
    row(NAME_PROTECT, PEER_METRICS.protectRatio, 'ratio', 'lower', quotient(plexusAdded, cockatielAdded)),
  ];
}

export const peers: Scenario = {
  name: '8 peers',
  run: async (ctx) => [...(await callsAndEmits(ctx)), ...(await peerShapes(ctx)), ...(await protectCost(ctx))],
};

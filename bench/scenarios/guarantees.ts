/**
 * 4. Cost of each guarantee: the single-node scenario with each feature turned off in turn.
 * The price of a feature = CPU ns/signal with everything on − CPU ns/signal with that feature off
 * (CPU time, not wall time, so that other load on the machine does not leak into the price).
 */
import type { Ctx, Scenario } from '../context.ts';
import { toRow } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { isStat, progress, stat } from '../harness.ts';
import { throughput } from '../measure.ts';
import type { Sys } from '../measure.ts';
import { ALL_ON, options } from '../types.ts';
import type { Features } from '../types.ts';

const NAME = '4 cost of guarantees';
const OFF: ReadonlyArray<[string, Partial<Features>]> = [
  ['all on', {}],
  ['dedup off', { dedup: false }],
  ['tracing off', { tracing: false }],
  ['metrics off', { metrics: false }],
  ['journal off', { journal: false }],
  ['all off', { dedup: false, tracing: false, metrics: false, journal: false }],
];

const nsPer = (f: Figure | undefined): Figure => (isStat(f) ? stat(f.values.map((v) => 1e9 / v)) : { na: 'n/a' });

async function run(ctx: Ctx): Promise<Row[]> {
  const plexus = ctx.systems.find((s) => s.name === 'plexus');
  const variants: Sys[] = OFF.map(([label]) => ({ name: 'plexus:' + label, factory: plexus?.factory, na: plexus?.na ?? 'n/a' }));
  const baselines = ctx.systems.filter((s) => s.name !== 'plexus');
  const feats = new Map(OFF.map(([label, f]) => ['plexus:' + label, { ...ALL_ON, ...f }]));
  progress(`${NAME}: ${OFF.length} Plexus variants + baselines`);
  const t = await throughput(ctx, NAME, [...variants, ...baselines], (n) => options({ features: feats.get(n) ?? ALL_ON }));
  const rows = OFF.map(([label]) => toRow(NAME, `throughput, ${label}`, 'signals/s', 'higher', t, 'plexus:' + label));
  const cpuOn = t.cpu['plexus:all on'];
  for (const [label] of OFF.slice(1)) {
    const off = t.cpu['plexus:' + label];
    const row = toRow(NAME, `price: ${label.replace(' off', '')}`, 'CPU ns/signal', 'lower', { closed: t.closed, notes: [] });
    row.plexus = isStat(cpuOn) && isStat(off) ? stat([1e9 / cpuOn.median - 1e9 / off.median]) : { na: 'n/a (not built)' };
    row.baselines = {};
    rows.push(row);
  }
  const cost = toRow(NAME, 'CPU cost per signal, all on', 'CPU ns/signal', 'lower', {
    closed: t.closed,
    notes: ['price = CPU ns/signal (all on) − CPU ns/signal (that feature off), from the medians'],
  });
  cost.plexus = nsPer(cpuOn);
  cost.baselines = Object.fromEntries(baselines.map((b) => [b.name, nsPer(t.cpu[b.name])]));
  rows.push(cost);
  return rows;
}

export const guarantees: Scenario = { name: NAME, run };

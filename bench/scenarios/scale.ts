/**
 * 6. Scale: throughput as partitions (1 → 256), nodes (1 → 1,000, round robin, 16 partitions each)
 * and queue depth (1k → 1M outstanding) grow. The cost per signal should stay flat.
 */
import type { Ctx, Scenario } from '../context.ts';
import { toRow } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { isStat, progress, stat } from '../harness.ts';
import { throughput } from '../measure.ts';
import type { Outcome, RunOpts } from '../measure.ts';
import { options } from '../types.ts';
import type { SystemOptions } from '../types.ts';

const NAME = '6 scale';

interface Point {
  label: string;
  o: SystemOptions;
  opt: RunOpts;
}

function points(quick: boolean): Array<{ dim: string; pts: Point[] }> {
  const parts = quick ? [1, 16, 256] : [1, 4, 16, 64, 256];
  const nodes = quick ? [1, 1000] : [1, 10, 100, 1000];
  const depths = quick ? [1_000, 30_000] : [1_000, 10_000, 100_000, 1_000_000];
  return [
    { dim: 'partitions', pts: parts.map((p) => ({ label: `partitions=${p}`, o: options({ partitions: p }), opt: {} })) },
    { dim: 'nodes', pts: nodes.map((n) => ({ label: `nodes=${n}`, o: options({ shape: 'nodes', width: n, capacity: n >= 100 ? 20_000 : 100_000 }), opt: {} })) },
    {
      dim: 'queue depth',
      pts: depths.map((d) => ({
        label: `depth=${d >= 1e6 ? d / 1e6 + 'M' : d / 1e3 + 'k'}`,
        o: options({ capacity: Math.max(100_000, d * 2) }),
        // 1k and 10k are sized by the warm-up like any point; the deep ones send 2× the depth per repetition.
        opt: d >= 30_000 ? { window: d, minN: 2 * d, fixedN: true } : { window: d },
      })),
    },
  ];
}

/** max ÷ min of ns/signal over the points of one dimension, per system. */
function flatness(outs: Outcome[], names: string[]): Record<string, Figure> {
  const res: Record<string, Figure> = {};
  for (const n of names) {
    const rates = outs
      .map((o) => o.figs[n])
      .filter(isStat)
      .map((f) => f.median);
    res[n] = rates.length === outs.length ? stat([Math.max(...rates) / Math.min(...rates)]) : { na: 'n/a' };
  }
  return res;
}

async function run(ctx: Ctx): Promise<Row[]> {
  const rows: Row[] = [];
  const names = ctx.systems.map((s) => s.name);
  const s = { ...ctx, reps: ctx.quick ? 2 : 3 };
  for (const { dim, pts } of points(ctx.quick)) {
    const outs: Outcome[] = [];
    for (const p of pts) {
      progress(`${NAME}: ${p.label}`);
      const t = await throughput(s, `${NAME} ${p.label}`, ctx.systems, () => p.o, p.opt);
      outs.push(t);
      rows.push(toRow(`${NAME}: ${dim}`, p.label, 'signals/s', 'higher', t));
    }
    const flat = flatness(outs, names);
    rows.push(toRow(`${NAME}: ${dim}`, 'cost/signal max÷min', '×', 'lower', { figs: flat, closed: outs.every((o) => o.closed), notes: [] }));
    if (dim === 'queue depth') rows[rows.length - 1]?.notes.push('depth ≥ 30k: no calibration run, each repetition sends 2× the depth (the first repetition runs cold)');
  }
  return rows;
}

export const scale: Scenario = { name: NAME, run };

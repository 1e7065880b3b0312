/** Scenarios 1–3: throughput, then p50/p99 send→completion at 50% of the peak, for one pipeline shape. */
import type { Ctx } from '../context.ts';
import { toRow } from '../context.ts';
import type { Row } from '../harness.ts';
import { progress } from '../harness.ts';
import { latency, throughput } from '../measure.ts';
import { options } from '../types.ts';
import type { Shape } from '../types.ts';

export async function shapeScenario(ctx: Ctx, name: string, shape: Shape, unit: string): Promise<Row[]> {
  const o = () => options({ shape });
  progress(`${name}: throughput`);
  const t = await throughput(ctx, name, ctx.systems, o);
  progress(`${name}: latency at 50% of peak`);
  const { p50, p99 } = await latency(ctx, name, ctx.systems, o, t.figs);
  return [
    toRow(name, 'throughput', unit, 'higher', t),
    toRow(name, 'throughput per CPU-second', unit.replace('/s', '/CPU-s'), 'higher', { ...t, notes: [] }, 'plexus', 'cpu'),
    toRow(name, 'p50 send→completion @50%', 'µs', 'lower', p50),
    toRow(name, 'p99 send→completion @50%', 'µs', 'lower', p99),
  ];
}

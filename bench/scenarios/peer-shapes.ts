/**
 * 8c. The pipeline (producer → worker → sink) and the fan-out (1 → 8 → 1) of scenarios 2 and 3
 * built in Moleculer 0.14 (one local service per node; forwarders pass the signal on with
 * `ctx.emit`, or `ctx.call` for the call rows, not awaited, as Plexus's `ctx.emit`), against
 * Plexus with every guarantee on; inputs/s, same producer and counts, repetitions interleaved.
 * Target: Plexus ≥ 3× Moleculer emit through the same shape.
 */
import { loadMoleculer } from '../baselines/moleculer.ts';
import type { Ctx } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { progress, stat } from '../harness.ts';
import { throughput } from '../measure.ts';
import type { Shape } from '../types.ts';
import { options } from '../types.ts';

const NAME = '8c peers: pipeline and fan-out';

/** The metric names the targets look up. */
export const SHAPE_METRICS = {
  ratioEmit: (shape: Shape): string => `${shape}: Plexus ÷ Moleculer emit`,
  ratioCall: (shape: Shape): string => `${shape}: Plexus ÷ Moleculer call`,
} as const;

const quotient = (a: Figure | undefined, b: Figure | undefined): Figure =>
  a !== undefined && b !== undefined && 'median' in a && 'median' in b && b.median > 0
    ? stat([a.median / b.median])
    : { na: a !== undefined && 'na' in a ? a.na : b !== undefined && 'na' in b ? b.na : 'n/a' };

export async function peerShapes(ctx: Ctx): Promise<Row[]> {
  const plexus = ctx.systems.find((s) => s.name === 'plexus');
  const peers = await loadMoleculer();
  const systems = plexus === undefined ? peers : [plexus, ...peers];
  const rows: Row[] = [];
  for (const shape of ['pipeline', 'fanout'] as const) {
    progress(`${NAME}: ${shape}, Plexus vs Moleculer call and emit`);
    const t = await throughput(ctx, `${NAME} ${shape}`, systems, () => options({ shape }));
    const fig = (n: string): Figure => t.figs[n] ?? { na: 'n/a' };
    const r = (metric: string, unit: string, f: Figure, notes: string[] = []): Row => ({ scenario: NAME, metric, unit, better: 'higher', plexus: f, baselines: {}, closed: t.closed, notes });
    rows.push(
      r(`${shape}: Plexus (all guarantees)`, 'inputs/s', fig('plexus'), t.notes),
      r(`${shape}: Moleculer emit`, 'inputs/s', fig('moleculer-emit')),
      r(`${shape}: Moleculer call`, 'inputs/s', fig('moleculer-call')),
      r(SHAPE_METRICS.ratioEmit(shape), 'ratio', quotient(fig('plexus'), fig('moleculer-emit'))),
      r(SHAPE_METRICS.ratioCall(shape), 'ratio', quotient(fig('plexus'), fig('moleculer-call'))),
    );
  }
  return rows;
}

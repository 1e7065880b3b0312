/**
 * 7a. Durable journal: scenario 1 with the memory journal and with a FileJournal (fsync on, group
 * commit), in the same run. The figure is the durable throughput as a share of the in-memory one
 * (target: at least 50%). Baselines have no journal; they are not run here.
 */
import type { Ctx, Scenario } from '../context.ts';
import { toRow } from '../context.ts';
import type { Row } from '../harness.ts';
import { isStat, progress, stat } from '../harness.ts';
import { throughput } from '../measure.ts';
import type { Sys } from '../measure.ts';
import { ALL_ON, options } from '../types.ts';

const NAME = '7a durable journal';

async function run(ctx: Ctx): Promise<Row[]> {
  const plexus = ctx.systems.find((s) => s.name === 'plexus');
  const memory: Sys = { name: 'plexus:memory journal', factory: plexus?.factory, na: plexus?.na ?? 'n/a' };
  const file: Sys = { name: 'plexus:file journal', factory: plexus?.factory, na: plexus?.na ?? 'n/a' };
  progress(`${NAME}: memory journal vs FileJournal (fsync)`);
  const t = await throughput(ctx, NAME, [memory, file], (n) => options({ features: { ...ALL_ON, durable: n === file.name } }));
  const rows = [toRow(NAME, 'throughput, memory journal', 'signals/s', 'higher', t, memory.name), toRow(NAME, 'throughput, file journal (fsync)', 'signals/s', 'higher', t, file.name)];
  for (const r of rows) r.baselines = {};
  const share = toRow(NAME, 'file journal ÷ memory journal', '×', 'higher', { closed: t.closed, notes: [] });
  const m = t.figs[memory.name];
  const f = t.figs[file.name];
  share.plexus = isStat(m) && isStat(f) ? stat([f.median / m.median]) : { na: 'n/a' };
  share.baselines = {};
  rows.push(share);
  return rows;
}

export const durable: Scenario = { name: NAME, run };

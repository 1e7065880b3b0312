/**
 * Profiling entry: scenario 1's configuration (all guarantees on) under the windowed producer,
 * for Plexus or a baseline, in any shape. Usage:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-single.ts [system] [signals] [shape] [width]
 *   npx tsx bench/profile-summary.ts /tmp/prof
 * system: plexus (default), bare, rxjs, xstate, moleculer-call, moleculer-emit (bench/node_modules); shape: single (default), pipeline, fanout, nodes
 * (width: nodes or fan-out workers; 1,000 nodes get scenario 6's capacity of 20,000 each).
 */
import { Live } from './driver.ts';
import { loadMoleculer } from './baselines/moleculer.ts';
import { loadSystems } from './systems.ts';
import { options, perInput } from './types.ts';
import type { Shape, SystemOptions } from './types.ts';
import { NO_WATCHDOG, WINDOW } from './measure.ts';

/** The system and shape named on the command line, as scenario options. */
export function profiled(argv: string[]): { name: string; n: number; o: SystemOptions } {
  const [name = 'plexus', nArg = '1000000', shape = 'single', width = '8'] = argv;
  const w = Number(width);
  const o = options({ shape: shape as Shape, width: w, ...(shape === 'nodes' && w >= 100 ? { capacity: 20_000 } : {}) });
  return { name, n: Number(nArg), o };
}

const { name, n, o } = profiled(process.argv.slice(2));
if (import.meta.url === `file://${process.argv[1]}`) {
  const sys = [...(await loadSystems()), ...(await loadMoleculer())].find((s) => s.name === name);
  if (sys?.factory === undefined) throw new Error(`no system ${name}: ${sys?.na ?? ''}`);
  const window = Math.ceil(WINDOW / perInput(o));
  const live = await Live.create(sys.factory, o);
  await live.windowed(50_000, window, Infinity, NO_WATCHDOG);
  const r = await live.windowed(n, window, Infinity, NO_WATCHDOG);
  const problem = await live.close();
  process.stderr.write(
    `${name} ${o.shape}${o.shape === 'single' ? '' : ' ×' + o.width}: ${Math.round(r.rate)} inputs/s (${Math.round(r.cpuRate)} per CPU-second), ${r.completed}/${r.expected} completed${(r.problem ?? problem) ? ' INVALID ' + String(r.problem ?? problem) : ''}\n`,
  );
}

/**
 * Profiling entry: scenario 7's durable configuration (single node, all guarantees on, a
 * FileJournal with fsync) under the windowed producer; `memory` as the first argument runs the
 * in-memory journal instead. Usage:
 *   node --cpu-prof --cpu-prof-dir=/tmp/profj --import tsx bench/profile-durable.ts [file|memory] [signals]
 *   npx tsx bench/profile-summary.ts /tmp/profj 40
 */
import { Live } from './driver.ts';
import { loadSystems } from './systems.ts';
import { ALL_ON, options } from './types.ts';
import { NO_WATCHDOG, WINDOW } from './measure.ts';

const [mode = 'file', nArg = '1000000'] = process.argv.slice(2);
const sys = (await loadSystems()).find((s) => s.name === 'plexus');
if (sys?.factory === undefined) throw new Error(`plexus not loadable: ${sys?.na ?? ''}`);
const o = options({ features: { ...ALL_ON, durable: mode === 'file' } });
const live = await Live.create(sys.factory, o);
await live.windowed(50_000, WINDOW, Infinity, NO_WATCHDOG);
const r = await live.windowed(Number(nArg), WINDOW, Infinity, NO_WATCHDOG);
const problem = await live.close();
process.stderr.write(
  `${mode}: ${Math.round(r.rate)} signals/s (cpu ${Math.round(r.cpuRate)}/s), ${r.completed}/${r.expected} completed${(r.problem ?? problem) ? ' INVALID ' + String(r.problem ?? problem) : ''}\n`,
);

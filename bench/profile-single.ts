/**
 * Profiling entry: scenario 1's configuration (single node, all guarantees on) under the windowed
 * producer, for Plexus (or `bare` as the first argument). Usage:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-single.ts [plexus|bare] [signals]
 *   npx tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile
 */
import { Live } from './driver.ts';
import { loadSystems } from './systems.ts';
import { options } from './types.ts';
import { WINDOW } from './measure.ts';

const [name = 'plexus', nArg = '1000000'] = process.argv.slice(2);
const sys = (await loadSystems()).find((s) => s.name === name);
if (sys?.factory === undefined) throw new Error(`no system ${name}: ${sys?.na ?? ''}`);
const o = options({ shape: 'single' });
const live = await Live.create(sys.factory, o);
await live.windowed(50_000, WINDOW);
const r = await live.windowed(Number(nArg), WINDOW);
const problem = await live.close();
process.stderr.write(`${name}: ${Math.round(r.rate)} signals/s, ${r.completed}/${r.expected} completed${r.problem ?? problem ? ' INVALID ' + String(r.problem ?? problem) : ''}\n`);

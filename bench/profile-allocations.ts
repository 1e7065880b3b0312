/**
 * Bytes allocated per signal, by allocating function: V8's sampling heap profiler with the
 * objects that the GC already collected included (garbage is what costs scavenges). Usage:
 *   npx tsx bench/profile-allocations.ts [system] [signals] [shape] [width]
 * (same arguments as profile-single.ts).
 */
import { Session } from 'node:inspector/promises';
import { Live } from './driver.ts';
import { loadSystems } from './systems.ts';
import { perInput } from './types.ts';
import { WINDOW } from './measure.ts';
import { profiled } from './profile-single.ts';

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

const { name, n, o } = profiled(process.argv.slice(2));
const sys = (await loadSystems()).find((s) => s.name === name);
if (sys?.factory === undefined) throw new Error(`no system ${name}: ${sys?.na ?? ''}`);
const window = Math.ceil(WINDOW / perInput(o));
const live = await Live.create(sys.factory, o);
await live.windowed(50_000, window);
const session = new Session();
session.connect();
// The two include* flags are V8's (Node 20 passes them through); without them only survivors count.
await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as object);
await live.windowed(n, window);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
session.disconnect();
await live.close();

const bytes = new Map<string, number>();
const visit = (node: ProfileNode): void => {
  const where = node.callFrame.url.replace(/^.*\/(lib|bench|node_modules)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'}  ${where}`;
  bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
  node.children.forEach(visit);
};
visit(profile.head);
const total = [...bytes.values()].reduce((a, b) => a + b, 0);
process.stdout.write(`${name} ${o.shape}: ${Math.round(total / n)} bytes allocated per input\n`);
for (const [key, b] of [...bytes].sort((x, y) => y[1] - x[1]).slice(0, 20)) {
  if (b / n >= 1) process.stdout.write(`${String(Math.round(b / n)).padStart(6)}  ${key}\n`);
}

/**
 * Summarises a V8 .cpuprofile: top functions by self time, and self time per source file.
 * Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile|DIR [top=25]
 * Given a directory (--cpu-prof-dir), it takes the busiest profile (the main
 * thread; tsx's loader-hook thread writes a second, mostly idle one).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg = '25'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: profile-summary.ts FILE.cpuprofile [top]');
const load = (f: string): Profile => JSON.parse(readFileSync(f, 'utf8')) as Profile;
/** Sampled time outside (idle). */
const busy = (p: Profile): number => {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  return p.samples.reduce((a, id, i) => a + (idle.has(id) ? 0 : (p.timeDeltas[i] ?? 0)), 0);
};
let path = file;
if (statSync(file).isDirectory()) {
  const all = readdirSync(file)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(file, f));
  path = all.map((f) => [f, busy(load(f))] as const).sort((a, b) => b[1] - a[1])[0]?.[0] ?? file;
}
const prof = load(path);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
prof.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (u: string): string =>
  u
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'nm:')
    .replace(/^.*\/work\/main\//, '');
const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of selfUs) {
  const cf = byId.get(id)?.callFrame;
  if (cf === undefined) continue;
  const where = cf.url ? shortUrl(cf.url) + (cf.lineNumber > 0 ? `:${cf.lineNumber + 1}` : '') : '';
  const key = `${cf.functionName || '(anonymous)'}  ${where}`.trim();
  fns.set(key, (fns.get(key) ?? 0) + us);
  const f = cf.url ? shortUrl(cf.url) : `(${cf.functionName || 'native'})`;
  files.set(f, (files.get(f) ?? 0) + us);
}
const pct = (us: number): string => ((100 * us) / total).toFixed(1).padStart(5) + '%';
const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7) + ' ms';
console.log(`${path}: ${(total / 1000).toFixed(0)} ms sampled, ${prof.samples.length} samples\n`);
console.log(`Top ${topArg} functions by self time:`);
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`${pct(us)} ${ms(us)}  ${k}`);
console.log('\nSelf time by file:');
for (const [k, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(us)} ${ms(us)}  ${k}`);

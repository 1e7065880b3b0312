/**
 * Instructions per signal, by function: the same run as `profile-single.ts` under valgrind's
 * callgrind, twice (100k and 300k signals after the same warm-up), and the difference ÷ 200k.
 * Instruction counts do not move with the load of a shared machine, where timings here move by
 * ±15% from run to run: this is the figure to compare two versions by when the change is a few
 * percent. V8's `--perf-basic-prof` map names the JIT code; `--single-threaded` keeps the GC
 * and the compiler on the main thread, where callgrind counts them. Counts leave out cache
 * misses (a memory-bound change shows in timings, not here), and time runs ~50× slower under
 * valgrind, so what depends on the clock (ids per millisecond) is distorted. Usage:
 *   npx tsx bench/profile-instructions.ts [system] [shape] [width] [top]
 * (system: plexus by default, or a baseline or peer profile-single.ts knows; shape and width as
 * for profile-single.ts, or `durable`: Plexus with scenario 7's FileJournal, fsync on, through
 * profile-durable.ts). Needs valgrind and callgrind_annotate on the PATH; about 5 minutes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [system = 'plexus', shape = 'single', width = '8', topArg = '40'] = process.argv.slice(2);
const SMALL = 100_000;
const LARGE = 300_000;
const here = fileURLToPath(new URL('.', import.meta.url));

interface Entry {
  start: number;
  size: number;
  name: string;
}

/** Runs one count under callgrind; returns instructions by function name. */
function count(signals: number): Map<string, number> {
  const out = join(tmpdir(), `plexus-callgrind-${process.pid}-${signals}`);
  const args = [
    '-q',
    '--tool=callgrind',
    `--callgrind-out-file=${out}`,
    process.execPath,
    '--single-threaded',
    '--perf-basic-prof',
    '--import',
    'tsx',
    // `durable`: scenario 7's FileJournal (fsync) through profile-durable.ts; otherwise profile-single.ts.
    ...(shape === 'durable' ? [join(here, 'profile-durable.ts'), 'file', String(signals)] : [join(here, 'profile-single.ts'), system, String(signals), shape, width]),
  ];
  const run = spawnSync('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 24 });
  const said = run.stderr ?? '';
  process.stderr.write(said);
  if (run.status !== 0) throw new Error(`valgrind exited with ${String(run.status ?? run.signal)}`);
  // A run that did not close (a timeout, a rejection) counts other work than `signals` signals.
  if (said.includes('INVALID')) throw new Error(`the ${signals}-signal run did not close: ${said.trim().split('\n').at(-1)}`);
  const pid = /^pid: (\d+)/m.exec(readFileSync(out, 'utf8'))?.[1];
  const mapFile = `/tmp/perf-${pid}.map`;
  const jit: Entry[] = existsSync(mapFile)
    ? readFileSync(mapFile, 'utf8')
        .split('\n')
        .flatMap((l) => {
          const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(l);
          return m ? [{ start: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16), name: 'JS ' + m[3]!.replace(/^\w+:/, '').replace(/file:\/\/\S*?\/(lib|bench)\//, '$1/') }] : [];
        })
    : [];
  jit.sort((a, b) => a.start - b.start);
  const annotated = execFileSync('callgrind_annotate', ['--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 });
  rmSync(out, { force: true });
  rmSync(mapFile, { force: true });
  // V8 writes its code log (isolate-…-<pid>-v8.log) to the working directory with --perf-basic-prof.
  for (const f of readdirSync('.')) if (f.startsWith('isolate-') && f.endsWith(`-${pid}-v8.log`)) rmSync(f, { force: true });
  const byName = new Map<string, number>();
  for (const line of annotated.split('\n')) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+(.*)$/.exec(line);
    if (m === null || m[2]!.includes('PROGRAM TOTALS')) continue;
    const addr = /^\?\?\?:0x([0-9a-f]+) \[\?\?\?\]/.exec(m[2]!);
    const name = addr ? nameAt(jit, parseInt(addr[1]!, 16)) : m[2]!.replace(/^\?\?\?:/, '').replace(' [/usr/bin/node]', '');
    byName.set(name, (byName.get(name) ?? 0) + Number(m[1]!.replaceAll(',', '')));
  }
  return byName;
}

/** The JIT code object covering `addr` (the latest logged, as code space is reused). */
function nameAt(jit: Entry[], addr: number): string {
  let lo = 0;
  let hi = jit.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (jit[mid]!.start <= addr) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && i >= lo - 200; i--) if (addr < jit[i]!.start + jit[i]!.size) return jit[i]!.name;
  return 'JS ?';
}

process.stderr.write(`callgrind: ${system} ${shape}, ${SMALL} then ${LARGE} signals (a few minutes)\n`);
const a = count(SMALL);
const b = count(LARGE);
const per = new Map<string, number>();
for (const k of new Set([...a.keys(), ...b.keys()])) per.set(k, ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / (LARGE - SMALL));
const total = [...per.values()].reduce((s, v) => s + v, 0);
const js = [...per].filter(([k]) => k.startsWith('JS ')).reduce((s, [, v]) => s + v, 0);
process.stdout.write(`${system} ${shape}: ${total.toFixed(0)} instructions per signal (${js.toFixed(0)} in JIT code, the rest in V8's builtins, runtime and GC)\n`);
for (const [k, v] of [...per].sort((x, y) => y[1] - x[1]).slice(0, Number(topArg))) process.stdout.write(`${v.toFixed(0).padStart(7)}  ${k.slice(0, 130)}\n`);
// A function that ran more in the smaller run (a major GC, a compilation landing in it) makes the
// difference meaningless: say so rather than print a count that looks like any other.
const fell = [...per].filter(([, v]) => v < -50).sort((x, y) => x[1] - y[1]);
if (fell.length > 0) {
  process.stdout.write(`SUSPECT COUNT: ${fell.length} functions ran more in the ${SMALL}-signal run than in the ${LARGE}-signal one; count again\n`);
  for (const [k, v] of fell.slice(0, 5)) process.stdout.write(`${v.toFixed(0).padStart(7)}  ${k.slice(0, 130)}\n`);
}

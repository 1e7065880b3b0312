/**
 * `npm run bench [-- --quick] [--json FILE] [--only SUBSTRING]`: runs every scenario on Plexus and
 * on the baselines (bare ring queue, RxJS, xstate) and the peers (Moleculer, cockatiel; from
 * bench/node_modules, skipped when not installed) in the same process, prints one table with the
 * ratios, then PASS/FAIL per target. Progress goes to stderr. Re-spawns itself under
 * `node --expose-gc --import tsx` so a full GC can run before each timed run.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Ctx, Scenario } from './context.ts';
import type { Row } from './harness.ts';
import { isStat, printTable, progress } from './harness.ts';
import { describeMachine, machine } from './machine.ts';
import { fanout } from './scenarios/fanout.ts';
import { guarantees } from './scenarios/guarantees.ts';
import { memory } from './scenarios/memory.ts';
import { pipeline } from './scenarios/pipeline.ts';
import { scale } from './scenarios/scale.ts';
import { single } from './scenarios/single.ts';
import { durable } from './scenarios/durable.ts';
import { distributed } from './scenarios/distributed.ts';
import { peers } from './scenarios/peers.ts';
import { durablePeers } from './scenarios/durable-peers.ts';
import { loadSystems } from './systems.ts';
import { judge, printVerdicts } from './targets.ts';

const SCENARIOS: Scenario[] = [single, pipeline, fanout, guarantees, memory, scale, durable, distributed, peers, durablePeers];

interface Args {
  quick: boolean;
  json: string | undefined;
  only: string | undefined;
}

function parse(argv: string[]): Args {
  const a: Args = { quick: false, json: undefined, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--quick') a.quick = true;
    else if (v === '--json') a.json = argv[++i];
    else if (v === '--only') a.only = argv[++i];
    else if (v === '--help' || v === '-h') {
      process.stdout.write('npm run bench -- [--quick] [--json FILE] [--only <scenario substring>]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${String(v)} (try --help)`);
  }
  return a;
}

function respawn(): void {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, PLEXUS_BENCH_CHILD: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
}

function figure(f: Row['plexus']): number | string {
  return isStat(f) ? f.median : f.na;
}

function toJson(rows: Row[]): object[] {
  return rows.map((r) => ({
    scenario: r.scenario,
    metric: r.metric,
    unit: r.unit,
    better: r.better,
    valid: r.closed,
    plexus: figure(r.plexus),
    plexusSpread: isStat(r.plexus) ? { min: r.plexus.min, max: r.plexus.max, values: r.plexus.values } : undefined,
    baselines: Object.fromEntries(Object.entries(r.baselines).map(([k, f]) => [k, figure(f)])),
    notes: r.notes,
  }));
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const m = machine();
  const ctx: Ctx = {
    quick: args.quick,
    reps: args.quick ? 3 : 5,
    targetSec: args.quick ? 0.1 : 0.5,
    latencyMs: args.quick ? 250 : 1000,
    latencyReps: args.quick ? 2 : 3,
    systems: await loadSystems(),
  };
  const chosen = SCENARIOS.filter((s) => args.only === undefined || s.name.includes(args.only));
  progress(`Plexus bench${args.quick ? ' (quick)' : ''}: ${chosen.map((s) => s.name).join(', ')}`);
  progress(describeMachine(m));
  const started = Date.now();
  const rows: Row[] = [];
  for (const s of chosen) rows.push(...(await s.run(ctx)));
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const out = (s: string): void => {
    process.stdout.write(s + '\n');
  };
  out('');
  out(`Plexus benchmarks${args.quick ? ' (--quick)' : ''} — ${describeMachine(m)}`);
  const scaleReps = ctx.quick ? 2 : 3;
  out(`Repetitions: ${ctx.reps} per throughput figure (${scaleReps} in scale), ${ctx.latencyReps} per latency figure, ${ctx.quick ? 1 : 2} per memory figure; median quoted, [min–max] spread.`);
  out(`Baselines measured in the same run, repetitions interleaved; ran in ${secs} s.`);
  out('');
  printTable(rows, out);
  out('');
  const verdicts = judge(rows);
  printVerdicts(verdicts, out);
  if (args.json !== undefined) {
    writeFileSync(args.json, JSON.stringify({ machine: m, quick: args.quick, seconds: Number(secs), results: toJson(rows), targets: verdicts }, null, 2));
    progress(`wrote ${args.json}`);
  }
}

if (typeof (globalThis as { gc?: unknown }).gc !== 'function' && process.env['PLEXUS_BENCH_CHILD'] === undefined) respawn();
else await main();

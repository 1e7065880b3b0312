/** 5. Memory: bytes per queued signal and bytes per dedup key, each measured in a fresh `node --expose-gc` child. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Ctx, Scenario } from '../context.ts';
import type { Figure, Row } from '../harness.ts';
import { fmt, progress, stat } from '../harness.ts';

const NAME = '5 memory';
const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface ProbeOut {
  bytes?: number;
  closed?: boolean;
  na?: string;
  error?: string;
}

function probe(system: string, kind: string, n: number): Promise<ProbeOut> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', PROBE, system, kind, String(n)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('close', () => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ProbeOut);
      } catch {
        resolve({ error: (err || out).trim().slice(0, 200) || 'no output' });
      }
    });
  });
}

async function measure(ctx: Ctx, kind: 'queue' | 'dedup', n: number, names: string[]): Promise<Row> {
  const reps = ctx.quick ? 1 : 2;
  const figs: Record<string, Figure> = {};
  const notes: string[] = [];
  let closed = true;
  // Each figure is a heap delta inside its own child process, not a timing: the systems' probes
  // can run side by side (this halves the scenario's wall time).
  const runs = await Promise.all(
    names.map(async (name) => {
      const outs: ProbeOut[] = [];
      for (let r = 0; r < reps; r++) outs.push(await probe(name, kind, n));
      return outs;
    }),
  );
  for (const [i, name] of names.entries()) {
    const vals: number[] = [];
    let na: string | undefined;
    for (const o of runs[i] ?? []) {
      progress(`  ${NAME} ${kind} ${name} (${fmt(n)}): ${o.bytes !== undefined ? o.bytes.toFixed(1) + ' B' : (o.na ?? o.error)}${o.closed === false ? ' INVALID (count did not close)' : ''}`);
      if (o.na !== undefined) {
        na = o.na;
        break;
      }
      if (o.error !== undefined) {
        na = 'error';
        notes.push(`${name}: ${o.error}`);
        break;
      }
      if (o.closed === false) {
        closed = false;
        notes.push(`${name}: count did not close`);
        continue;
      }
      if (o.bytes !== undefined) vals.push(o.bytes);
    }
    figs[name] = na !== undefined ? { na } : vals.length ? stat(vals) : { na: 'invalid' };
  }
  const metric = kind === 'queue' ? `bytes per queued signal (${fmt(n)} queued)` : `bytes per dedup key (${fmt(n)} keys)`;
  return {
    scenario: NAME,
    metric,
    unit: 'B',
    better: 'lower',
    plexus: figs['plexus'] ?? { na: 'n/a' },
    baselines:
      kind === 'queue'
        ? { bare: figs['bare'] ?? { na: '—' }, rxjs: figs['rxjs'] ?? { na: '—' }, xstate: figs['xstate'] ?? { na: '—' } }
        : { bare: figs['bare'] ?? { na: '—' }, rxjs: { na: '—' }, xstate: { na: '—' } },
    closed,
    notes,
  };
}

async function run(ctx: Ctx): Promise<Row[]> {
  const n = ctx.quick ? 100_000 : 1_000_000;
  const names = ctx.systems.map((s) => s.name);
  progress(`${NAME}: bytes per queued signal`);
  const q = await measure(ctx, 'queue', n, names);
  q.notes.push('all guarantees on; payload shared (excluded), own idempotency-key string included; baselines queue the draft object itself');
  progress(`${NAME}: bytes per dedup key`);
  const d = await measure(ctx, 'dedup', n, ['plexus', 'bare']);
  d.notes.push('key strings pre-built (excluded); bare = a plain Map<string, number> key → time');
  return [q, d];
}

export const memory: Scenario = { name: NAME, run };

/** Runs one configuration on every system, interleaving repetitions so noise hits all systems alike. */
import { Live } from './driver.ts';
import type { RunResult } from './driver.ts';
import { progress, stat, fmt } from './harness.ts';
import type { Figure } from './harness.ts';
import { handlerRuns, perInput } from './types.ts';
import type { Factory, SystemOptions } from './types.ts';

export interface Settings {
  quick: boolean;
  reps: number;
  /** Seconds one throughput repetition should last. */
  targetSec: number;
  latencyMs: number;
  latencyReps: number;
}

export interface Sys {
  name: string;
  factory: Factory | undefined;
  /** Why there is no factory (e.g. "n/a (not built)"). */
  na?: string;
}

export interface Outcome {
  figs: Record<string, Figure>;
  /** Same runs, inputs per CPU-second of the process (throughput only). */
  cpu: Record<string, Figure>;
  closed: boolean;
  notes: string[];
}

/** Sink completions outstanding at most, by default: 8,192 (so 1,024 inputs for the 1→8→1 fan-out). */
export const WINDOW = 8192;

/**
 * The profiling entries' watchdog (a day): under valgrind on a loaded machine a run of 300k
 * signals can take many minutes, and the bench's 180 s watchdog would cut it short.
 */
export const NO_WATCHDOG = 86_400_000;

const windowFor = (o: SystemOptions): number => Math.ceil(WINDOW / perInput(o));

export interface RunOpts {
  /** Inputs outstanding at most (the steady queue depth). */
  window?: number;
  /** Inputs per repetition at least; by default 20k (quick) / 50k handler runs' worth. */
  minN?: number;
  maxN?: number;
  /** No calibration run: every repetition sends minN inputs (large queue depths). */
  fixedN?: boolean;
}

const empty = (): Outcome => ({ figs: {}, cpu: {}, closed: true, notes: [] });

function check(label: string, name: string, r: RunResult, out: Outcome): boolean {
  if (r.problem === undefined) return true;
  out.closed = false;
  out.notes.push(`${name}: INVALID run (${r.problem})`);
  progress(`  ${label} ${name}: INVALID ${r.problem}`);
  return false;
}

async function guard<T>(name: string, out: Outcome, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    out.closed = false;
    out.notes.push(`${name}: error: ${msg.slice(0, 160)}`);
    progress(`  ${name}: error ${msg}`);
    return undefined;
  }
}

/**
 * Peak inputs/s with a windowed producer. Each system is built once; a warm-up run (≤ 150/400 ms)
 * also sizes the repetitions, which are interleaved across systems.
 */
export async function throughput(s: Settings, label: string, systems: Sys[], o: (name: string) => SystemOptions, opt: RunOpts = {}): Promise<Outcome> {
  const { maxN = 4_000_000, fixedN = false } = opt;
  const out = empty();
  const live = new Map<string, { l: Live; n: number; window: number; wall: number[]; cpu: number[] }>();
  for (const sys of systems) {
    if (sys.factory === undefined) {
      out.figs[sys.name] = out.cpu[sys.name] = { na: sys.na ?? 'n/a' };
      continue;
    }
    const f = sys.factory;
    const l = await guard(sys.name, out, () => Live.create(f, o(sys.name)));
    if (l === undefined) {
      out.figs[sys.name] = out.cpu[sys.name] = { na: 'error' };
      continue;
    }
    const window = opt.window ?? windowFor(o(sys.name));
    const minN = opt.minN ?? Math.ceil((s.quick ? 20_000 : 50_000) / handlerRuns(o(sys.name)));
    let n = minN;
    if (!fixedN) {
      const warm = await l.windowed(4_000_000, window, s.quick ? 150 : 400);
      check(label, sys.name + ' (warm-up)', warm, out);
      n = Math.round(Math.min(maxN, Math.max(minN, warm.rate * s.targetSec)));
      progress(`  ${label} ${sys.name}: warm-up ${fmt(warm.rate)}/s → ${fmt(n)} inputs per repetition`);
    }
    live.set(sys.name, { l, n, window, wall: [], cpu: [] });
  }
  for (let rep = 0; rep < s.reps; rep++) {
    for (const [name, x] of live) {
      const r = await guard(name, out, () => x.l.windowed(x.n, x.window));
      if (r === undefined) continue;
      if (check(label, name, r, out)) {
        x.wall.push(r.rate);
        x.cpu.push(r.cpuRate);
      }
      progress(`  ${label} rep ${rep + 1}/${s.reps} ${name}: ${fmt(r.rate)}/s wall, ${fmt(r.cpuRate)}/CPU-s (${fmt(r.sent)} sent, ${fmt(r.completed)} completed)`);
    }
  }
  for (const [name, x] of live) {
    const problem = await guard(name, out, () => x.l.close());
    if (problem !== undefined) {
      out.closed = false;
      out.notes.push(`${name}: INVALID (${problem})`);
      x.wall.length = 0;
    }
    out.figs[name] = x.wall.length ? stat(x.wall) : { na: 'invalid' };
    out.cpu[name] = x.wall.length ? stat(x.cpu) : { na: 'invalid' };
  }
  return out;
}

/** p50 and p99 send→completion (µs) when paced at 50% of each system's own peak (median wall rate); interleaved repetitions. */
export async function latency(s: Settings, label: string, systems: Sys[], o: (name: string) => SystemOptions, peak: Record<string, Figure>): Promise<{ p50: Outcome; p99: Outcome }> {
  const p50 = empty();
  const p99 = empty();
  const live = new Map<string, { l: Live; rate: number; window: number; v50: number[]; v99: number[] }>();
  for (const sys of systems) {
    const pk = peak[sys.name];
    const f = sys.factory;
    if (f === undefined || pk === undefined || 'na' in pk) {
      p50.figs[sys.name] = p99.figs[sys.name] = { na: pk && 'na' in pk ? pk.na : (sys.na ?? 'n/a') };
      continue;
    }
    const l = await guard(sys.name, p50, () => Live.create(f, o(sys.name)));
    if (l !== undefined) live.set(sys.name, { l, rate: pk.median / 2, window: windowFor(o(sys.name)), v50: [], v99: [] });
  }
  for (let rep = 0; rep < s.latencyReps; rep++) {
    for (const [name, x] of live) {
      const r = await x.l.paced(x.rate, s.latencyMs, x.window);
      if (r.hist === undefined) continue;
      const a = r.hist.getValueAtPercentile(50);
      const b = r.hist.getValueAtPercentile(99);
      if (check(label, name, r, p50)) {
        x.v50.push(a);
        x.v99.push(b);
      }
      const short = r.rate < x.rate * 0.95 ? ` — only ${fmt(r.rate)}/s achieved` : '';
      progress(`  ${label} latency rep ${rep + 1}/${s.latencyReps} ${name} @ ${fmt(x.rate)}/s: p50 ${a} µs, p99 ${b} µs (${r.hist.totalCount} recorded)${short}`);
      if (rep === 0) p50.notes.push(`${name} paced at ${fmt(x.rate)}/s (50% of its own peak)${short}`);
    }
  }
  for (const [name, x] of live) {
    const problem = await guard(name, p50, () => x.l.close());
    if (problem !== undefined) {
      p50.closed = false;
      p50.notes.push(`${name}: INVALID (${problem})`);
      x.v50.length = x.v99.length = 0;
    }
    p50.figs[name] = x.v50.length ? stat(x.v50) : { na: 'invalid' };
    p99.figs[name] = x.v99.length ? stat(x.v99) : { na: 'invalid' };
  }
  p99.closed = p50.closed;
  return { p50, p99 };
}

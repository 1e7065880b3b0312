/** Repetitions, median and spread, progress on stderr, ratios and the results table. */

export interface Stat {
  median: number;
  min: number;
  max: number;
  values: number[];
}

/** A figure: a statistic, or why there is none. */
export type Figure = Stat | { na: string };

export const BASELINES = ['bare', 'rxjs', 'xstate'] as const;
export type BaselineName = (typeof BASELINES)[number];

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  better: 'higher' | 'lower';
  plexus: Figure;
  baselines: Partial<Record<BaselineName, Figure>>;
  /** Every run behind this row closed its count (all sent were completed). */
  closed: boolean;
  notes: string[];
}

export function stat(values: number[]): Stat {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length === 0 ? NaN : v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] ?? NaN, max: v[v.length - 1] ?? NaN, values: values };
}

export function isStat(f: Figure | undefined): f is Stat {
  return f !== undefined && !('na' in f);
}

/** plexus / baseline, or undefined. */
export function ratio(p: Figure, b: Figure | undefined): number | undefined {
  if (!isStat(p) || !isStat(b) || b.median === 0 || !Number.isFinite(p.median)) return undefined;
  return p.median / b.median;
}

const t0 = Date.now();
export function progress(msg: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${msg}\n`);
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 1 : 2) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(a >= 1e5 ? 0 : 1) + 'k';
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function cell(f: Figure | undefined): string {
  if (f === undefined) return '—';
  if (!isStat(f)) return f.na;
  return f.values.length > 1 ? `${fmt(f.median)} [${fmt(f.min)}–${fmt(f.max)}]` : fmt(f.median);
}

function ratioCell(r: number | undefined): string {
  return r === undefined ? '—' : `×${r >= 10 ? r.toFixed(1) : r.toFixed(2)}`;
}

export function printTable(rows: Row[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): void {
  const head = ['scenario', 'metric', 'unit', 'plexus [min–max]'];
  for (const b of BASELINES) head.push(b, `P/${b}`);
  head.push('count');
  const lines: string[][] = [head];
  for (const r of rows) {
    const line = [r.scenario, r.metric, r.unit, cell(r.plexus)];
    for (const b of BASELINES) line.push(cell(r.baselines[b]), ratioCell(ratio(r.plexus, r.baselines[b])));
    line.push(r.closed ? 'closed' : 'INVALID');
    lines.push(line);
  }
  const widths = head.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  const render = (l: string[]): string => l.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  out(render(head));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  let last = '';
  for (const l of lines.slice(1)) {
    if (l[0] !== last && last !== '') out('');
    last = l[0] ?? '';
    out(render(l));
  }
  const notes = rows.flatMap((r) => r.notes.map((n) => `${r.scenario} / ${r.metric}: ${n}`));
  if (notes.length) {
    out('');
    out('Notes:');
    for (const n of [...new Set(notes)]) out('  - ' + n);
  }
  out('');
  out('P/x = Plexus median / baseline median (throughput: higher is better for Plexus; latency, bytes: lower is better).');
  out('[min–max] = spread over the repetitions; the median is quoted.');
}

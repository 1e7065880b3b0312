/**
 * The targets, judged on the medians of this run. PASS/FAIL is printed, never an exit code; N/A
 * says why a figure is missing (a peer not installed, a server not answering, a scenario not run).
 * Retired by issue 16: 30% of the bare queue and 1,000 nodes within 20% of 16 partitions.
 */
import type { Figure, Row } from './harness.ts';
import { fmt, isStat, ratio } from './harness.ts';
import { DISTRIBUTED_METRICS } from './scenarios/distributed.ts';
import { DURABLE_PEER_METRICS } from './scenarios/durable-peers.ts';
import { SHAPE_METRICS } from './scenarios/peer-shapes.ts';
import { PEER_METRICS } from './scenarios/peers.ts';

export interface Verdict {
  target: string;
  value: string;
  pass: boolean | undefined;
}

function find(rows: Row[], scenario: string, metric: string): Row | undefined {
  return rows.find((r) => r.scenario.startsWith(scenario) && r.metric === metric && r.closed);
}

/** Issue 16's targets come first; then the earlier ones that still hold (two were retired by it). */
export function judge(rows: Row[]): Verdict[] {
  const v: Verdict[] = [];
  const add = (target: string, value: number | undefined, pass: (x: number) => boolean, show: (x: number) => string, whyNot = 'n/a'): void => {
    v.push(value === undefined || !Number.isFinite(value) ? { target, value: whyNot, pass: undefined } : { target, value: show(value), pass: pass(value) });
  };
  const med = (r: Row | undefined): number | undefined => (r !== undefined && isStat(r.plexus) ? r.plexus.median : undefined);
  const times = (x: number): string => '×' + x.toFixed(2);
  // A figure of a peer or server that could not run says why (e.g. "skipped: run `npm install --prefix bench`").
  const whyNot = (scenario: string, metric: string): string => {
    const f = rows.find((r) => r.scenario.startsWith(scenario) && r.metric === metric)?.plexus;
    return f !== undefined && !isStat(f) ? f.na : 'n/a';
  };
  const peer = (scenario: string, metric: string, target: string, pass: (x: number) => boolean, show: (x: number) => string): void =>
    add(target, med(find(rows, scenario, metric)), pass, show, whyNot(scenario, metric));

  // Issue 16: against the peers users would pick, ratios in the same run.
  peer(
    '8a peers',
    PEER_METRICS.ratioCall,
    'single node, all guarantees: ≥ 1.0× Moleculer local call',
    (x) => x >= 1,
    (x) => times(x) + ' of broker.call',
  );
  peer(
    '8a peers',
    PEER_METRICS.ratioEmit,
    'single node, all guarantees: ≥ 3× Moleculer local emit',
    (x) => x >= 3,
    (x) => times(x) + ' of broker.emit',
  );
  for (const shape of ['pipeline', 'fanout'] as const)
    peer(
      '8c peers',
      SHAPE_METRICS.ratioEmit(shape),
      `${shape === 'fanout' ? 'fan-out 1→8→1' : 'pipeline (3 nodes)'}: ≥ 3× Moleculer emit through the same shape`,
      (x) => x >= 3,
      (x) => times(x) + ' of emit',
    );
  peer(
    '8d peers',
    DURABLE_PEER_METRICS.ratio,
    'durable: FileJournal (fsync) ≥ 10× BullMQ on the local Redis',
    (x) => x >= 10,
    (x) => times(x) + ' of BullMQ',
  );
  peer(
    '7b distributed',
    DISTRIBUTED_METRICS.ratioPipelined,
    'two processes over JetStream: ≥ 0.9× the raw client pipelined (publish → consume)',
    (x) => x >= 0.9,
    (x) => times(x) + ' of raw pipelined',
  );
  peer(
    '8b peers',
    PEER_METRICS.protectRatio,
    'protect(): ≤ 1.5× cockatiel cost per call (retry + breaker + timeout)',
    (x) => x <= 1.5,
    (x) => times(x) + ' of cockatiel added ns/call',
  );

  const tput = find(rows, '1 single node', 'throughput');
  const rel = (b: 'bare' | 'rxjs' | 'xstate'): number | undefined => (tput ? ratio(tput.plexus, tput.baselines[b]) : undefined);
  add('single node: ≥ 5× xstate', rel('xstate'), (x) => x >= 5, times);
  add('single node: ≥ 1.5× RxJS', rel('rxjs'), (x) => x >= 1.5, times);
  add(
    'p99 send→completion at 50% load < 1 ms',
    med(find(rows, '1 single node', 'p99 send→completion @50%')),
    (x) => x < 1000,
    (x) => fmt(x) + ' µs',
  );
  const mem = rows.find((r) => r.scenario.startsWith('5 memory') && r.metric.startsWith('bytes per queued'));
  add(
    '≤ 300 bytes per queued signal',
    med(mem?.closed ? mem : undefined),
    (x) => x <= 300,
    (x) => x.toFixed(0) + ' B',
  );
  const dd = rows.find((r) => r.scenario.startsWith('5 memory') && r.metric.startsWith('bytes per dedup'));
  add(
    '≤ 150 bytes per dedup key',
    med(dd?.closed ? dd : undefined),
    (x) => x <= 150,
    (x) => x.toFixed(0) + ' B',
  );
  // Throughput at 1,000 nodes as a share of 16 partitions, Plexus's against the bare queue's own.
  const share = (b: 'plexus' | 'bare'): number | undefined => {
    const at = (m: string): Figure | undefined => {
      const r = find(rows, '6 scale', m);
      return b === 'plexus' ? r?.plexus : r?.baselines.bare;
    };
    const n = at('nodes=1000');
    const p = at('partitions=16');
    return isStat(n) && isStat(p) && p.median > 0 ? n.median / p.median : undefined;
  };
  const ps = share('plexus');
  const bs = share('bare');
  add(
    "scaling: 1,000 nodes ÷ 16 partitions no worse than the bare queue's own",
    ps !== undefined && bs !== undefined ? ps / bs : undefined,
    (x) => x >= 1,
    (x) => `Plexus keeps ${(100 * (ps ?? 0)).toFixed(0)}%, bare ${(100 * (bs ?? 0)).toFixed(0)}% (×${x.toFixed(2)})`,
  );

  // Earlier issues' targets, not retired: still printed.
  add(
    '(earlier) single node, all guarantees: ≥ 1,000,000 signals/s',
    med(tput),
    (x) => x >= 1e6,
    (x) => fmt(x) + '/s',
  );
  const p16 = med(find(rows, '6 scale: partitions', 'partitions=16'));
  const p256 = med(find(rows, '6 scale: partitions', 'partitions=256'));
  add(
    '(earlier) throughput at 256 partitions within 20% of 16 partitions',
    p16 !== undefined && p256 !== undefined ? p256 / p16 : undefined,
    (x) => x >= 0.8,
    (x) => (100 * x).toFixed(0) + '% of the 16-partition figure',
  );
  const dj = rows.find((r) => r.scenario.startsWith('7a durable') && r.metric.startsWith('file journal ÷'));
  add(
    '(earlier) durable journal: ≥ 50% of the in-memory throughput',
    med(dj?.closed ? dj : undefined),
    (x) => x >= 0.5,
    (x) => (100 * x).toFixed(0) + '% of in-memory',
  );
  peer(
    '7b distributed',
    DISTRIBUTED_METRICS.ratio,
    '(earlier) two processes over JetStream: ≥ 1.5× raw awaited js.publish',
    (x) => x >= 1.5,
    (x) => times(x) + ' of raw awaited publish',
  );
  return v;
}

export function printVerdicts(v: Verdict[], out: (s: string) => void): void {
  out('Targets (medians of this run):');
  for (const t of v) out(`  ${t.pass === undefined ? 'N/A ' : t.pass ? 'PASS' : 'FAIL'}  ${t.target}  —  ${t.value}`);
}

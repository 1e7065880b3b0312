/** The targets, judged on the medians of this run. PASS/FAIL is printed, never an exit code. */
import type { Row } from './harness.ts';
import { fmt, isStat, ratio } from './harness.ts';
import { DISTRIBUTED_METRICS } from './scenarios/distributed.ts';
import { PEER_METRICS } from './scenarios/peers.ts';

export interface Verdict {
  target: string;
  value: string;
  pass: boolean | undefined;
}

function find(rows: Row[], scenario: string, metric: string): Row | undefined {
  return rows.find((r) => r.scenario.startsWith(scenario) && r.metric === metric && r.closed);
}

export function judge(rows: Row[]): Verdict[] {
  const v: Verdict[] = [];
  const add = (target: string, value: number | undefined, pass: (x: number) => boolean, show: (x: number) => string, whyNot = 'n/a'): void => {
    v.push(value === undefined || !Number.isFinite(value) ? { target, value: whyNot, pass: undefined } : { target, value: show(value), pass: pass(value) });
  };
  const tput = find(rows, '1 single node', 'throughput');
  const med = (r: Row | undefined): number | undefined => (r !== undefined && isStat(r.plexus) ? r.plexus.median : undefined);
  add(
    'single node, all guarantees: ≥ 1,000,000 signals/s',
    med(tput),
    (x) => x >= 1e6,
    (x) => fmt(x) + '/s',
  );
  const rel = (b: 'bare' | 'rxjs' | 'xstate'): number | undefined => (tput ? ratio(tput.plexus, tput.baselines[b]) : undefined);
  add(
    'single node: ≥ 30% of bare',
    rel('bare'),
    (x) => x >= 0.3,
    (x) => (100 * x).toFixed(1) + '% of bare',
  );
  add(
    'single node: ≥ 1.5× RxJS',
    rel('rxjs'),
    (x) => x >= 1.5,
    (x) => '×' + x.toFixed(2),
  );
  add(
    'single node: ≥ 5× xstate',
    rel('xstate'),
    (x) => x >= 5,
    (x) => '×' + x.toFixed(2),
  );
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
  const p16 = med(find(rows, '6 scale: partitions', 'partitions=16'));
  const within = (r: Row | undefined): number | undefined => {
    const x = med(r);
    return x !== undefined && p16 !== undefined ? x / p16 : undefined;
  };
  add(
    'throughput at 256 partitions within 20% of 16 partitions (not more than 20% below)',
    within(find(rows, '6 scale: partitions', 'partitions=256')),
    (x) => x >= 0.8,
    (x) => (100 * x).toFixed(0) + '% of the 16-partition figure',
  );
  add(
    'throughput at 1,000 nodes within 20% of 16 partitions (not more than 20% below)',
    within(find(rows, '6 scale: nodes', 'nodes=1000')),
    (x) => x >= 0.8,
    (x) => (100 * x).toFixed(0) + '% of the 16-partition figure',
  );
  const dj = rows.find((r) => r.scenario.startsWith('7a durable') && r.metric.startsWith('file journal ÷'));
  add(
    'durable journal: ≥ 50% of the in-memory throughput',
    med(dj?.closed ? dj : undefined),
    (x) => x >= 0.5,
    (x) => (100 * x).toFixed(0) + '% of in-memory',
  );
  const dr = rows.find((r) => r.scenario.startsWith('7b distributed') && r.metric === DISTRIBUTED_METRICS.ratio);
  add(
    'distributed: Plexus over JetStream (2 processes) ≥ 1.5× raw awaited js.publish',
    med(dr?.closed ? dr : undefined),
    (x) => x >= 1.5,
    (x) => '×' + x.toFixed(2) + ' of raw awaited publish',
  );
  const peer = (scenario: string, metric: string): number | undefined => med(find(rows, scenario, metric));
  // A skipped peer's verdict says why (e.g. "skipped: run `npm install --prefix bench`").
  const peerWhyNot = (scenario: string, metric: string): string => {
    const f = find(rows, scenario, metric)?.plexus;
    return f !== undefined && !isStat(f) ? f.na : 'n/a';
  };
  add(
    'single node, all guarantees: ≥ 1.0× Moleculer local call',
    peer('8a peers', PEER_METRICS.ratioCall),
    (x) => x >= 1,
    (x) => '×' + x.toFixed(2) + ' of broker.call',
    peerWhyNot('8a peers', PEER_METRICS.ratioCall),
  );
  add(
    'single node, all guarantees: ≥ 3× Moleculer local emit',
    peer('8a peers', PEER_METRICS.ratioEmit),
    (x) => x >= 3,
    (x) => '×' + x.toFixed(2) + ' of broker.emit',
    peerWhyNot('8a peers', PEER_METRICS.ratioEmit),
  );
  add(
    'protect(): ≤ 1.5× cockatiel cost per call (retry + breaker + timeout)',
    peer('8b peers', PEER_METRICS.protectRatio),
    (x) => x <= 1.5,
    (x) => '×' + x.toFixed(2) + ' of cockatiel added ns/call',
    peerWhyNot('8b peers', PEER_METRICS.protectRatio),
  );
  return v;
}

export function printVerdicts(v: Verdict[], out: (s: string) => void): void {
  out('Targets (medians of this run):');
  for (const t of v) out(`  ${t.pass === undefined ? 'N/A ' : t.pass ? 'PASS' : 'FAIL'}  ${t.target}  —  ${t.value}`);
}

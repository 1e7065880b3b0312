import { expect } from 'chai';
import { assembleForecast } from '../../lib/control/forecast-assemble.ts';
import { forecastNode, MAX_UTILISATION, type NodeShape } from '../../lib/control/forecast-node.ts';
import { riskOf } from '../../lib/control/forecast-risk.ts';
import { coefficientOfVariation, slope } from '../../lib/control/forecast-trend.ts';
import { SampleWindow, type ForecastSample } from '../../lib/control/forecast-window.ts';

const SHAPE: NodeShape = { name: 'n', fullDepth: 950, servers: 1 };

/** Samples every second for `seconds`: `arrive` and `serve` per second, handling taking `handleMs` each. */
function run(seconds: number, arrive: (s: number) => number, serve: number, handleMs: number): ForecastSample[] {
  const out: ForecastSample[] = [];
  let accepted = 0;
  let ended = 0;
  let depth = 0;
  for (let s = 0; s <= seconds; s++) {
    out.push({ at: s * 1000, accepted, ended, handled: ended, handleMsSum: ended * handleMs, queued: Math.max(0, depth - 1), inFlight: Math.min(1, depth) });
    const a = arrive(s);
    const done = Math.min(serve, depth + a);
    accepted += a;
    ended += done;
    depth += a - done;
  }
  return out;
}

describe('control: bottleneck forecast (pure)', () => {
  it('slope is least squares, robust to one odd end sample; cv is 0 for steady or empty rates', () => {
    expect(slope([0, 1, 2, 3], [0, 2, 4, 6])).to.equal(2);
    expect(slope([0, 1, 2, 3, 4], [0, 0, 0, 0, 10])).to.be.closeTo(2, 1e-9);
    expect(slope([1], [5])).to.equal(0);
    expect(coefficientOfVariation([5, 5, 5])).to.equal(0);
    expect(coefficientOfVariation([0, 0])).to.equal(0);
    expect(coefficientOfVariation([0, 10])).to.equal(1);
  });

  it('the window keeps the samples of its last windowMs', () => {
    const w = new SampleWindow(3_000);
    for (const s of run(10, () => 1, 1, 10)) w.add(s);
    expect(w.samples.map((s) => s.at)).to.deep.equal([7_000, 8_000, 9_000, 10_000]);
  });

  it('a steady node (arrivals under its service rate) is low risk with a flat trend and full confidence', () => {
    const f = forecastNode(
      SHAPE,
      run(60, () => 5, 20, 50),
      60_000,
    );
    expect(f.arrivalRate).to.equal(5);
    expect(f.serviceRate).to.equal(20);
    expect(f.utilisation).to.equal(0.25);
    expect(f.depthTrend).to.equal(0);
    expect(f.timeToFullSeconds).to.equal(null);
    expect(f.risk).to.equal('low');
    expect(f.confidence).to.equal(1);
  });

  it('a node whose arrivals exceed its service rate falls behind: growing depth, time to full at the trend, risk high then critical', () => {
    const early = forecastNode(
      SHAPE,
      run(60, () => 15, 10, 100),
      60_000,
    );
    expect(early.utilisation).to.equal(1.5, 'a backlog all along: the departure rate is the service rate');
    expect(early.serviceRate).to.equal(10);
    expect(early.depthTrend).to.be.closeTo(5, 0.01);
    expect(early.timeToFullSeconds).to.be.closeTo((950 - early.depth!) / 5, 1);
    expect(early.risk).to.equal('high');
    const later = forecastNode(SHAPE, run(170, () => 15, 10, 100).slice(-61), 60_000);
    expect(later.timeToFullSeconds).to.be.below(early.timeToFullSeconds!);
    expect(later.risk).to.equal('critical');
  });

  it('confidence is low with little data and lower with unsteady arrivals', () => {
    const little = forecastNode(
      SHAPE,
      run(3, () => 5, 20, 50),
      60_000,
    );
    expect(little.confidence).to.equal(0.05);
    const bursty = forecastNode(
      SHAPE,
      run(60, (s) => (s % 2 === 0 ? 10 : 0), 20, 50),
      60_000,
    );
    expect(bursty.confidence).to.be.closeTo(0.5, 0.01);
    expect(forecastNode(SHAPE, [], 60_000)).to.deep.include({ confidence: 0, samples: 0, risk: 'low', utilisation: 0 });
  });

  it('a node that takes signals and serves none is at the utilisation cap; without timings utilisation is the busy share', () => {
    const stuck = forecastNode(SHAPE, run(10, () => 5, 0, 0).slice(2), 60_000);
    expect(stuck.utilisation).to.equal(MAX_UTILISATION);
    const untimed = run(10, () => 1, 1, 0).map((s) => ({ ...s, handled: 0, handleMsSum: 0, inFlight: s.at % 2000 === 0 ? 1 : 0, queued: 0 }));
    expect(forecastNode(SHAPE, untimed, 60_000).utilisation).to.be.closeTo(6 / 11, 1e-9);
  });

  it('risk thresholds: full, time to full, utilisation', () => {
    const r = (utilisation: number, timeToFullSeconds: number | null, depth = 0) => riskOf({ utilisation, timeToFullSeconds, depth, fullDepth: 100 });
    expect([r(0.1, null), r(0.8, null), r(1, null), r(0.1, 900), r(0.1, 300), r(0.1, 60), r(0, null, 100)]).to.deep.equal(['low', 'medium', 'high', 'medium', 'high', 'critical', 'critical']);
  });

  it('the bottleneck is the node of highest utilisation; the forecast carries its confidence and the highest risk', () => {
    const a = forecastNode(
      { ...SHAPE, name: 'a' },
      run(60, () => 5, 20, 50),
      60_000,
    );
    const b = forecastNode(
      { ...SHAPE, name: 'b' },
      run(60, () => 15, 10, 100),
      60_000,
    );
    const f = assembleForecast('plexus', 60_000, 60_000, [b, a]);
    expect(f.nodes.map((n) => n.node)).to.deep.equal(['a', 'b']);
    expect([f.bottleneck, f.risk, f.confidence]).to.deep.equal(['b', 'high', b.confidence]);
    expect(assembleForecast('plexus', 0, 0, [])).to.deep.equal({ source: 'plexus', at: 0, windowMs: 0, bottleneck: null, risk: 'low', confidence: 0, nodes: [] });
  });
});

import { expect } from 'chai';
import { z } from 'zod';
import { ErrorCode, ForecastError, InvalidOptionsError, type ForecastData, type ForecastEvent, type NetworkEvent, type NetworkOptions } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { testNetwork } from '../support/networks.ts';

const ALL_STARTERS = ['node-error-rate', 'mailbox-fill', 'dead-letters-growing', 'breaker-open', 'network-unhealthy', 'bottleneck-forecast'] as const;

/**
 * A network with a `steady` node (serves 20/s, gets 5/s) and a `slow` one (serves 10/s, one at a
 * time, capacity 1000); `drive(seconds, slowPerSecond)` posts on virtual time, 200 ms steps.
 */
async function bottleneckNetwork(name: string, options: NetworkOptions = {}) {
  const { net, clock } = testNetwork({ name, health: false, forecast: { intervalMs: 1_000, windowMs: 10_000 }, ...options });
  net.node('steady', { partitions: 1, handle: () => sleep(clock, 50) });
  net.node('slow', { partitions: 1, capacity: 1_000, breaker: false, handle: () => sleep(clock, 100) });
  const events: NetworkEvent[] = [];
  net.events$.subscribe((e) => events.push(e));
  const forecasts: ForecastData[] = [];
  net.forecast.forecast$.subscribe((f) => forecasts.push(f));
  await net.start();
  const drive = async (seconds: number, slowPerSecond: number): Promise<void> => {
    for (let step = 0; step < seconds * 5; step++) {
      net.post('steady', { type: 't' });
      for (let i = 0; i < slowPerSecond / 5; i++) net.post('slow', { type: 't' });
      await clock.advance(200);
    }
  };
  const node = (n: string) => net.forecast.report().nodes.find((f) => f.node === n)!;
  const riskEvents = (n: string) => events.filter((e): e is ForecastEvent => e.kind === 'forecast' && e.node === n).map((e) => `${e.previous}→${e.risk}${e.rising ? ' rising' : ''}`);
  return { net, clock, drive, node, events, forecasts, riskEvents };
}

describe('control: network.forecast (bottleneck forecast on virtual time)', () => {
  it('a steady node is low risk, with confidence low on little data and high once the window is full', async () => {
    const { net, drive, node, riskEvents } = await bottleneckNetwork('forecast-steady');
    await drive(2, 5);
    expect(node('steady').confidence).to.be.at.most(0.2, 'two seconds of a ten-second window');
    expect(node('steady').risk).to.equal('low');
    await drive(20, 5);
    const steady = node('steady');
    expect(steady).to.deep.include({ risk: 'low', timeToFullSeconds: null, samples: 11 });
    expect(steady.arrivalRate).to.be.closeTo(5, 0.01);
    expect(steady.serviceRate).to.be.closeTo(20, 0.01);
    expect(steady.utilisation).to.be.closeTo(0.25, 0.01);
    expect(steady.confidence).to.be.above(0.9);
    expect(node('slow').risk).to.equal('low', 'slow at 5/s of its 10/s');
    expect(riskEvents('steady')).to.deep.equal([]);
    await net.shutdown();
  });

  it('names the node whose arrivals exceed its service rate the bottleneck, with a falling time to full and rising risk', async () => {
    const { net, drive, node, riskEvents, forecasts } = await bottleneckNetwork('forecast-overload');
    await drive(15, 5);
    expect(node('slow').risk).to.equal('low');
    await drive(15, 15);
    const report = net.forecast.report();
    expect(report.bottleneck).to.equal('slow');
    const first = node('slow');
    expect(first.utilisation).to.be.closeTo(1.5, 0.05);
    expect(first.serviceRate).to.be.closeTo(10, 0.1);
    expect(first.depthTrend).to.be.closeTo(5, 0.2);
    expect(first.risk).to.equal('high');
    const ttf = [first.timeToFullSeconds!];
    for (let i = 0; i < 4; i++) {
      await drive(40, 15);
      ttf.push(node('slow').timeToFullSeconds!);
    }
    expect(ttf.every((t, i) => i === 0 || t < ttf[i - 1]!)).to.equal(true, `time to full falls: ${ttf.join(', ')}`);
    expect(node('slow').risk).to.equal('critical');
    expect(riskEvents('slow')).to.deep.equal(['low→medium rising', 'medium→high rising', 'high→critical rising']);
    expect(net.forecast.report().risk).to.equal('critical');
    expect(forecasts.at(-1)).to.deep.equal(net.forecast.report());
    expect(net.health().forecast).to.deep.equal(net.forecast.report());
    await net.shutdown({ force: true });
  });

  it('exports plexus_forecast_* per node and source', async () => {
    const { net, drive } = await bottleneckNetwork('forecast-metrics');
    await drive(12, 15);
    const text = await net.metrics.text();
    expect(text).to.match(/plexus_forecast_utilisation\{node="slow",source="plexus",network="forecast-metrics"\} 1\.[45]/);
    expect(text).to.match(/plexus_forecast_time_to_full_seconds\{node="slow",source="plexus",network="forecast-metrics"\} 1\d\d\.?\d*/);
    expect(text).not.to.match(/plexus_forecast_time_to_full_seconds\{node="steady"/, 'not growing: no sample');
    expect(text).to.match(/plexus_forecast_risk\{node="slow",source="plexus",network="forecast-metrics"\} 2/);
    expect(text).to.match(/plexus_forecast_risk\{node="steady",source="plexus",network="forecast-metrics"\} 0/);
    expect(text).to.match(/plexus_forecast_confidence\{node="steady",source="plexus",network="forecast-metrics"\} (1|0\.9\d*)\n/);
    await net.shutdown({ force: true });
  });

  it('fires the starter alert bottleneck-forecast after 30 s of high risk, and a forecastRisk reflex to subscribed producers', async () => {
    const { net, clock, drive, events } = await bottleneckNetwork('forecast-alert', {
      alerts: { intervalMs: 1_000, disable: ALL_STARTERS.filter((n) => n !== 'bottleneck-forecast') },
      reflexes: { enabled: true, shadowMode: false, rules: { forecastRisk: { thresholds: { high: 2, critical: 3 }, cooldownSeconds: 3_600 } } },
      flags: { env: {} },
    });
    const received: unknown[] = [];
    net.node('producer', { reflexes: ['forecastRisk'], handle: (s) => void received.push(s.payload) });
    const t0 = clock.now();
    await drive(3, 15);
    expect(received).to.deep.equal([], 'confidence below 0.5 in the first seconds');
    await drive(47, 15);
    expect(received[0]).to.deep.equal({ kind: 'forecastRisk', level: 'high', value: 2, source: 'slow' });
    const alerts = events.filter((e) => e.kind === 'alert').map((e) => `${e.alert} ${e.state}`);
    expect(alerts).to.deep.equal(['bottleneck-forecast firing']);
    const fired = events.find((e) => e.kind === 'alert')!;
    expect(fired.at - t0).to.be.within(30_000, 45_000);
    expect(net.alerts.active().map((a) => a.runbook)).to.deep.equal(['docs/operations.md#alert-bottleneck-forecast']);
    await drive(150, 15);
    expect(received.map((p) => (p as { level: string }).level)).to.deep.equal(['high', 'critical']);
    await net.shutdown({ force: true });
  });

  it('normalize: a valid external forecast (zod, reshaped) takes the one schema; an invalid one is a typed error', async () => {
    const { net, clock } = testNetwork({ name: 'forecast-normalize', health: false, forecast: { intervalMs: 1_000 } });
    net.node('a', { handle: () => {} });
    const seen: ForecastData[] = [];
    net.forecast.forecast$.subscribe((f) => seen.push(f));
    await net.start();
    const External = z
      .object({ generated: z.number(), services: z.array(z.object({ name: z.string(), load: z.number(), eta: z.number().nullable() })) })
      .transform((v) => ({ at: v.generated, nodes: v.services.map((s) => ({ node: s.name, utilisation: s.load, timeToFullSeconds: s.eta, confidence: 0.8 })) }));
    const body = {
      generated: 1_000,
      services: [
        { name: 'billing', load: 1.2, eta: 240 },
        { name: 'search', load: 0.3, eta: null },
      ],
    };
    const f = await net.forecast.normalize(body, { name: 'capacity-model', schema: External });
    expect(f).to.deep.equal({
      source: 'capacity-model',
      at: 1_000,
      windowMs: 0,
      bottleneck: 'billing',
      risk: 'high',
      confidence: 0.8,
      nodes: [
        { node: 'billing', arrivalRate: null, serviceRate: null, utilisation: 1.2, depth: null, fullDepth: null, depthTrend: null, timeToFullSeconds: 240, risk: 'high', confidence: 0.8, samples: 0 },
        { node: 'search', arrivalRate: null, serviceRate: null, utilisation: 0.3, depth: null, fullDepth: null, depthTrend: null, timeToFullSeconds: null, risk: 'low', confidence: 0.8, samples: 0 },
      ],
    });
    expect(seen.at(-1)).to.equal(f);
    expect(net.forecast.latest().map((x) => x.source)).to.deep.equal(['plexus', 'capacity-model']);
    expect(await net.metrics.text()).to.match(/plexus_forecast_utilisation\{node="billing",source="capacity-model",network="forecast-normalize"\} 1\.2/);
    // In the schema already: a plain source name.
    const own = await net.forecast.normalize({ nodes: [{ node: 'x', utilisation: 0.9, confidence: 1, risk: 'medium' }] }, 'other-service');
    expect([own.at, own.risk, own.bottleneck]).to.deep.equal([clock.now(), 'medium', 'x']);

    const refusal = async (input: unknown, source: Parameters<typeof net.forecast.normalize>[1]): Promise<ForecastError> => {
      try {
        await net.forecast.normalize(input, source);
      } catch (e) {
        return e as ForecastError;
      }
      throw new Error('expected a refusal');
    };
    const bad = await refusal({ nodes: [{ node: 'x', utilisation: -1, confidence: 2, risk: 'dire', timeToFull: 3 }] }, 'svc');
    expect(bad).to.be.instanceOf(ForecastError);
    expect([bad.code, bad.reason, bad.source]).to.deep.equal([ErrorCode.Forecast, 'invalid-forecast', 'svc']);
    expect(bad.issues.map((i) => i.path.join('.'))).to.deep.equal(['nodes.0.timeToFull', 'nodes.0.utilisation', 'nodes.0.confidence', 'nodes.0.risk']);
    const bySchema = await refusal({ generated: 'soon', services: [] }, { name: 'capacity-model', schema: External });
    expect([bySchema.reason, bySchema.issues[0]!.path]).to.deep.equal(['invalid-forecast', ['generated']]);
    expect((await refusal({ nodes: [] }, '')).reason).to.equal('invalid-source');
    expect((await refusal({ nodes: [] }, { name: 'n', schema: {} as never })).reason).to.equal('invalid-source');
    expect((await refusal([], 'svc')).issues).to.deep.equal([{ message: 'must be an object', path: [] }]);
    expect((await refusal({ nodes: [{ node: 'a', utilisation: 1, confidence: 1 }], bottleneck: 'zz' }, 'svc')).issues[0]!.path).to.deep.equal(['bottleneck']);
    expect(net.forecast.latest()).to.have.length(3, 'refused forecasts are not kept');
    await net.shutdown();
  });

  it('a forecast from elsewhere feeds the forecastRisk reflex (source node@source) when confident enough, sampling off or not', async () => {
    const reflexes = { enabled: true, shadowMode: false, rules: { forecastRisk: { thresholds: { high: 2, critical: 3 } } } };
    const { net } = testNetwork({ name: 'forecast-external-reflex', health: false, forecast: false, reflexes, flags: { env: {} } });
    const received: unknown[] = [];
    net.node('producer', { reflexes: ['forecastRisk'], handle: (s) => void received.push(s.payload) });
    await net.start();
    await net.forecast.normalize({ nodes: [{ node: 'billing', utilisation: 2, confidence: 0.2, risk: 'critical' }] }, 'model');
    await net.idle();
    expect(received).to.deep.equal([], 'confidence 0.2 is under the default 0.5');
    await net.forecast.normalize({ nodes: [{ node: 'billing', utilisation: 2, confidence: 0.9, risk: 'critical' }] }, 'model');
    await net.idle();
    expect(received).to.deep.equal([{ kind: 'forecastRisk', level: 'critical', value: 3, source: 'billing@model' }]);
    await net.shutdown();
  });

  it('samples on an interval from start to shutdown only; forecast: false samples nothing; options are checked', async () => {
    const { net, clock } = testNetwork({ name: 'forecast-timer', health: false, forecast: {} });
    net.node('a', { handle: () => {} });
    expect(net.forecast.report().nodes[0]).to.deep.include({ node: 'a', samples: 0, confidence: 0 });
    await net.start();
    expect(clock.pendingTimers).to.equal(1, 'the interval alone');
    await clock.advance(15_000);
    expect(net.forecast.report().nodes[0]!.samples).to.equal(4, 'at start, then every 5 s');
    await net.shutdown();
    expect(clock.pendingTimers).to.equal(0);

    const off = testNetwork({ name: 'forecast-off', forecast: false });
    off.net.node('a', { handle: () => {} });
    await off.net.start();
    await off.clock.advance(10_000);
    expect(off.net.health().forecast).to.equal(undefined);
    expect(await off.net.metrics.text()).not.to.match(/plexus_forecast_/);
    await off.net.shutdown();

    expect(() => testNetwork({ forecast: { intervl: 5 } as never })).to.throw(InvalidOptionsError, /intervalMs/);
    expect(() => testNetwork({ forecast: { intervalMs: 10_000, windowMs: 5_000 } })).to.throw(InvalidOptionsError, /windowMs/);
    expect(() => testNetwork({ forecast: { minConfidence: 2 } })).to.throw(InvalidOptionsError, /minConfidence/);
  });
});

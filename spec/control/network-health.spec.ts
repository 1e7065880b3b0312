import { expect } from 'chai';
import type { HealthReport, NetworkEvent, NetworkOptions } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

/** A network whose event-loop and memory readings the spec sets. */
function healthNetwork(options: NetworkOptions = {}) {
  const readings = { lagMs: 0, heapUsed: 100 };
  const t = testNetwork({ health: { intervalMs: 1_000, timeoutMs: 100, readEventLoopLagMs: () => readings.lagMs, readHeapUsed: () => readings.heapUsed, heapLimitBytes: 1_000 }, ...options });
  return { ...t, readings };
}

describe('control: network health', () => {
  it('reports unknown before start, then each built-in component and the report sections', async () => {
    const { net } = healthNetwork();
    net.node('w', { handle: () => {}, breaker: {} });
    expect(net.health().status).to.equal('unknown');
    expect(net.health().components['node:w']!.status).to.equal('unknown');
    await net.start();
    net.post('w', { type: 't' });
    await net.idle();
    const report = net.health();
    expect(report.status).to.equal('healthy');
    expect(Object.keys(report.components).sort()).to.deep.equal(['event-loop', 'journal', 'memory', 'node:w']);
    expect(report.components.journal).to.include({ status: 'healthy', essential: true });
    expect(report.components['node:w']).to.include({ status: 'healthy', essential: false });
    expect(report.circuitBreakers.w).to.include({ state: 'closed', failureCount: 0 });
    expect(report.processing).to.include({ totalSignals: 1, successRate: 1, inFlight: 0 });
    expect(report.safeguards.active).to.include.members(['breaker', 'dedup']);
    expect(report.flags).to.deep.include({ reflexes: true, shadowMode: false });
    await net.shutdown();
  });

  it('the node check reacts to a full mailbox (unhealthy, not essential: the network is degraded) and to an open breaker', async () => {
    const { net, clock } = healthNetwork();
    let release: (() => void) | undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    net.node('full', { partitions: 1, capacity: 20, handle: () => blocked });
    net.node('broken', { handle: () => {}, breaker: {} });
    await net.start();
    for (let i = 0; i < 16; i++) net.post('full', { type: 't' });
    await clock.advance(1_000);
    expect(net.health().components['node:full']!.status).to.equal('degraded');
    expect(net.health().components['node:full']!.details).to.include({ fill: 0.8 });
    for (let i = 0; i < 3; i++) net.post('full', { type: 't' });
    await clock.advance(1_000);
    expect(net.health().components['node:full']!.status).to.equal('unhealthy');
    expect(net.health().status).to.equal('degraded');
    net.breaker('broken')!.isolate();
    await clock.advance(1_000);
    expect(net.health().components['node:broken']!.status).to.equal('unhealthy');
    expect(net.health().components['node:broken']!.details).to.include({ breaker: 'open' });
    net.breaker('broken')!.reset();
    release!();
    await net.idle();
    await clock.advance(1_000);
    expect(net.health().status).to.equal('healthy');
    await net.shutdown();
  });

  it('the event loop and memory are essential: past their thresholds the network is degraded, then unhealthy', async () => {
    const { net, clock, readings } = healthNetwork();
    await net.start();
    readings.lagMs = 150;
    await clock.advance(1_000);
    expect(net.health().components['event-loop']).to.deep.include({ status: 'degraded', details: { lagMs: 150 } });
    expect(net.health().status).to.equal('degraded');
    readings.lagMs = 1_500;
    await clock.advance(1_000);
    expect(net.health().status).to.equal('unhealthy');
    readings.lagMs = 0;
    readings.heapUsed = 850;
    await clock.advance(1_000);
    expect(net.health().components.memory!.status).to.equal('degraded');
    readings.heapUsed = 960;
    await clock.advance(1_000);
    expect(net.health().components.memory!.status).to.equal('unhealthy');
    expect(net.health().status).to.equal('unhealthy');
    await net.shutdown();
  });

  it('health$ emits only changes, and each change is a health event on events$', async () => {
    const { net, clock, readings } = healthNetwork({ journal: false });
    const reports: HealthReport[] = [];
    const events: NetworkEvent[] = [];
    net.health$.subscribe((r) => void reports.push(r));
    net.events$.subscribe((e) => void events.push(e));
    await net.start();
    await clock.advance(5_000);
    readings.lagMs = 200;
    await clock.advance(3_000);
    readings.lagMs = 0;
    await clock.advance(3_000);
    await net.shutdown();
    // At start: event-loop then memory leave `unknown` (the overall status with the last one);
    // then one degradation and one recovery, however many checks ran in between.
    expect(reports.map((r) => r.status)).to.deep.equal(['unknown', 'healthy', 'degraded', 'healthy']);
    const health = events.flatMap((e) => (e.kind === 'health' ? [[e.component, e.componentStatus, e.previous, e.status]] : []));
    expect(health).to.deep.equal([
      ['event-loop', 'healthy', 'unknown', 'unknown'],
      ['memory', 'healthy', 'unknown', 'healthy'],
      ['event-loop', 'degraded', 'healthy', 'degraded'],
      ['event-loop', 'healthy', 'degraded', 'healthy'],
    ]);
  });

  it('runs checks registered by the user, refuses unknown option keys, and a throwing or hanging check is a failure, not a crash', async () => {
    const { net, clock } = healthNetwork({ journal: false });
    expect(() => net.registerHealthCheck('db', () => 'healthy', { essentail: true } as never)).to.throw(/healthCheck\.essentail.*did you mean 'essential'/);
    net.registerHealthCheck('cache', () => {
      throw new Error('cache down');
    });
    const hanging = net.registerHealthCheck('db', () => new Promise(() => {}), { essential: true, timeoutMs: 50 });
    await net.start();
    expect(net.health().components.cache).to.include({ status: 'unhealthy', consecutiveFailures: 1 });
    expect(net.health().status).to.equal('degraded', 'cache is not essential; db is still being checked');
    await clock.advance(50);
    expect(net.health().components.db!.lastError).to.include({ code: 'PLEXUS_TIMEOUT' });
    expect(net.health().status).to.equal('unhealthy');
    hanging.dispose();
    expect(net.health().status).to.equal('degraded');
    await net.shutdown();
  });

  it('starts no check before start(), and leaves no timer after shutdown', async () => {
    const { net, clock } = healthNetwork();
    net.node('w', { handle: () => {} });
    net.registerHealthCheck('slow', () => new Promise(() => {}), { timeoutMs: 60_000 });
    expect(clock.pendingTimers).to.equal(0);
    await net.start();
    expect(clock.pendingTimers).to.be.greaterThan(0);
    await net.shutdown();
    expect(clock.pendingTimers).to.equal(0);
  });

  it('with health: false runs no check (statuses stay unknown) and leaves no timer', async () => {
    const { net, clock } = testNetwork({ health: false });
    await net.start();
    expect(clock.pendingTimers).to.equal(0);
    expect(net.health().status).to.equal('unknown');
    await net.shutdown();
  });

  it('exports plexus_health_status per component and overall, read at scrape time', async () => {
    const { net, clock, readings } = healthNetwork({ name: 'health-metrics' });
    expect(await net.metrics.text()).to.match(/plexus_health_status\{component="overall",network="health-metrics"\} 3/);
    await net.start();
    readings.lagMs = 2_000;
    await clock.advance(1_000);
    const text = await net.metrics.text();
    expect(text).to.match(/plexus_health_status\{component="overall",network="health-metrics"\} 2/);
    expect(text).to.match(/plexus_health_status\{component="event-loop",network="health-metrics"\} 2/);
    expect(text).to.match(/plexus_health_status\{component="memory",network="health-metrics"\} 0/);
    await net.shutdown();
  });

  it('refuses unknown keys of the health option', () => {
    expect(() => testNetwork({ health: { intervalMS: 5 } as never })).to.throw(/health\.intervalMS.*did you mean 'intervalMs'/);
  });
});

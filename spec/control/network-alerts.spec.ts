import { expect } from 'chai';
import { InvalidOptionsError, type AlertEvent, type AlertTransition, type NetworkEvent } from '../../lib/index.ts';
import { DEFAULT_ALERT_INTERVAL_MS } from '../../lib/control/alert-options.ts';
import { testNetwork } from '../support/networks.ts';

function alertEvents(events: NetworkEvent[]): string[] {
  return events.filter((e): e is AlertEvent => e.kind === 'alert').map((e) => `${e.at} ${e.alert} ${e.state}`);
}

const NO_STARTERS = ['node-error-rate', 'mailbox-fill', 'dead-letters-growing', 'breaker-open', 'network-unhealthy', 'bottleneck-forecast'] as const;

describe('control: network.alerts', () => {
  it('a rule of yours fires only after its forMs and resolves: each an alert event and on alerts$, in metrics and the health report', async () => {
    const { net, clock } = testNetwork({ name: 'alerts-a', health: false, alerts: { intervalMs: 1_000, disable: NO_STARTERS } });
    let hot = false;
    net.alerts.register({ name: 'too-hot', severity: 'critical', runbook: 'docs/operations.md#alert-node-error-rate', forMs: 3_000, evaluate: () => hot });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    const transitions: AlertTransition[] = [];
    net.alerts.alerts$.subscribe((t) => transitions.push(t));
    await net.start();
    const t0 = clock.now();
    hot = true;
    await clock.advance(1_000);
    expect(net.alerts.active().map((a) => a.state)).to.deep.equal(['pending']);
    await clock.advance(2_999);
    expect(alertEvents(events)).to.deep.equal([], 'not before forMs');
    await clock.advance(1);
    expect(alertEvents(events)).to.deep.equal([`${t0 + 4_000} too-hot firing`]);
    expect(net.health().alerts.map((a) => `${a.name} ${a.state}`)).to.deep.equal(['too-hot firing']);
    expect(await net.metrics.text()).to.match(/plexus_alerts_active\{alert="too-hot",severity="critical",network="alerts-a"\} 1/);
    hot = false;
    await clock.advance(1_000);
    expect(alertEvents(events)).to.deep.equal([`${t0 + 4_000} too-hot firing`, `${t0 + 5_000} too-hot resolved`]);
    expect(transitions.map((t) => t.state)).to.deep.equal(['firing', 'resolved']);
    expect(net.health().alerts).to.deep.equal([]);
    expect(await net.metrics.text()).not.to.match(/plexus_alerts_active\{/);
    await net.shutdown();
  });

  it('starter rules fire on a failing node (error rate for 30 s) and a growing dead letter queue, and resolve', async () => {
    const { net, clock } = testNetwork({ name: 'alerts-b' });
    net.node('flaky', { retry: false, breaker: false, handle: () => Promise.reject(new Error('down')) });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    const t0 = clock.now();
    const fired = (): string[] => alertEvents(events).filter((e) => !e.includes('network-unhealthy'));
    for (let s = 0; s < 40; s++) {
      net.post('flaky', { type: 't' });
      await clock.advance(1_000);
      if (s === 25) expect(fired().some((e) => e.includes('node-error-rate'))).to.equal(false, 'not before 30 s');
    }
    expect(fired()).to.deep.equal([`${t0 + DEFAULT_ALERT_INTERVAL_MS} dead-letters-growing firing`, `${t0 + 35_000} node-error-rate firing`]);
    await clock.advance(DEFAULT_ALERT_INTERVAL_MS);
    expect(fired()).to.include(`${t0 + 45_000} node-error-rate resolved`);
    await clock.advance(300_000);
    expect(fired()).to.include(`${t0 + 340_000} dead-letters-growing resolved`);
    await net.shutdown();
  });

  it('the starter mailbox-fill rule fires after 2 min above 0.8, and breaker-open after 1 min open', async () => {
    const { net, clock } = testNetwork({ name: 'alerts-c' });
    let release: (() => void) | undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    net.node('full', { partitions: 1, capacity: 20, handle: () => blocked });
    net.node('broken', { handle: () => {}, breaker: {} });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    const t0 = clock.now();
    for (let i = 0; i < 17; i++) net.post('full', { type: 't' });
    net.breaker('broken')!.isolate();
    await clock.advance(60_000);
    const names = (): string[] => alertEvents(events).map((e) => e.split(' ').slice(1).join(' '));
    expect(names()).to.deep.equal([], 'nothing fires before 1 min');
    await clock.advance(DEFAULT_ALERT_INTERVAL_MS);
    expect(names()).to.deep.equal(['breaker-open firing']);
    await clock.advance(60_000);
    expect(alertEvents(events)).to.include(`${t0 + 125_000} mailbox-fill firing`);
    release!();
    await clock.advance(DEFAULT_ALERT_INTERVAL_MS);
    expect(names()).to.include('mailbox-fill resolved');
    await net.shutdown();
  });

  it('the starter network-unhealthy rule fires after 30 s of an unhealthy network (an essential check failing)', async () => {
    const { net, clock } = testNetwork({ name: 'alerts-h', health: { readHeapUsed: () => 99, heapLimitBytes: 100 } });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    const t0 = clock.now();
    expect(net.health().status).to.equal('unhealthy', 'from the first check, at the start');
    await clock.advance(30_000 - 1);
    expect(alertEvents(events)).to.deep.equal([], 'not before 30 s of it');
    await clock.advance(1);
    expect(alertEvents(events)).to.deep.equal([`${t0 + 30_000} network-unhealthy firing`]);
    await net.shutdown();
  });

  it('no timer after shutdown; health: false keeps the clock quiet unless alerts are asked for; alerts: false has no rule', async () => {
    const asked = testNetwork({ name: 'alerts-d', health: false, alerts: {} });
    await asked.net.start();
    expect(asked.clock.pendingTimers).to.equal(1, 'the interval alone');
    expect(asked.net.alerts.rules().map((r) => r.name)).to.deep.equal([...NO_STARTERS]);
    await asked.net.shutdown();
    expect(asked.clock.pendingTimers).to.equal(0);

    const quiet = testNetwork({ name: 'alerts-e', health: false });
    await quiet.net.start();
    expect(quiet.clock.pendingTimers).to.equal(0);
    expect(quiet.net.alerts.rules()).to.deep.equal([]);
    await quiet.net.shutdown();

    const full = testNetwork({ name: 'alerts-f' });
    await full.net.start();
    await full.net.shutdown();
    expect(full.clock.pendingTimers).to.equal(0, 'health, context and alerts all stopped');

    const off = testNetwork({ name: 'alerts-g', alerts: false });
    expect(off.net.alerts.rules()).to.deep.equal([]);
  });

  it('checks its options: unknown keys and unknown starter names are typed errors', () => {
    expect(() => testNetwork({ alerts: { intervl: 5 } as never })).to.throw(InvalidOptionsError, /intervalMs/);
    expect(() => testNetwork({ alerts: { disable: ['nope' as never] } })).to.throw(InvalidOptionsError, /alerts.disable/);
    expect(() => testNetwork({ alerts: { intervalMs: 0 } })).to.throw(InvalidOptionsError);
  });
});

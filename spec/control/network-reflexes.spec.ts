import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { InvalidOptionsError, loadReflexPolicy, type NetworkEvent, type NetworkOptions, type ReflexEvent, type ReflexPolicy } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/reflex-policy.yaml', import.meta.url));

const POLICY: ReflexPolicy = {
  enabled: true,
  shadowMode: false,
  maxEmissionRate: 10,
  burstAllowance: 10,
  rules: { breakerPressure: { thresholds: { high: 0.5, critical: 0.95 }, cooldownSeconds: 10 } },
};

/** A network with a failing `store` (breaker threshold 2: pressure 0.5 then 1) and a `producer` subscribed to breakerPressure. */
async function reflexNetwork(name: string, options: NetworkOptions) {
  const { net, clock } = testNetwork({ name, ...options });
  const received: unknown[] = [];
  net.node('store', { partitions: 1, retry: false, breaker: { failureThreshold: 2, resetTimeoutMs: 60_000 }, handle: () => Promise.reject(new Error('down')) });
  net.node('producer', {
    reflexes: ['breakerPressure'],
    handle: (signal) => {
      // The breaker mixes a trace of the mailbox fill into its pressure: compare to two decimals.
      const payload = signal.payload as { value: number };
      received.push({ type: signal.type, payload: { ...payload, value: Math.round(payload.value * 100) / 100 } });
    },
  });
  const events: NetworkEvent[] = [];
  net.events$.subscribe((e) => events.push(e));
  await net.start();
  const fail = async () => {
    net.post('store', { type: 'write' });
    await clock.advance(0);
    await net.idle();
  };
  const reflexEvents = () =>
    events.filter((e): e is ReflexEvent => e.kind === 'reflex').map(({ rule, level, acted, shadowed, targets, source }) => ({ rule, level, acted, shadowed, targets, source }));
  return { net, clock, received, fail, reflexEvents };
}

describe('control: network reflexes (breaker pressure → reflex signals to subscribed nodes)', () => {
  it('posts reflex.breakerPressure to the subscribed nodes at high and critical, records reflex events and counts them', async () => {
    const { net, received, fail, reflexEvents } = await reflexNetwork('reflex-act', { reflexes: POLICY, flags: { env: {} } });
    await fail();
    await fail();
    await net.idle();
    expect(received).to.deep.equal([
      { type: 'reflex.breakerPressure', payload: { kind: 'breakerPressure', level: 'high', value: 0.5, source: 'store' } },
      { type: 'reflex.breakerPressure', payload: { kind: 'breakerPressure', level: 'critical', value: 1, source: 'store' } },
    ]);
    expect(reflexEvents()).to.deep.equal([
      { rule: 'breakerPressure', level: 'high', acted: true, shadowed: false, targets: ['producer'], source: 'store' },
      { rule: 'breakerPressure', level: 'critical', acted: true, shadowed: false, targets: ['producer'], source: 'store' },
    ]);
    expect(await net.metrics.text()).to.match(/plexus_reflexes_total\{rule="breakerPressure",outcome="acted",network="reflex-act"\} 2/);
    await net.shutdown();
  });

  it('reads node pressure: a filling mailbox posts reflex.nodePressure to its subscribers', async () => {
    const rules = { nodePressure: { thresholds: { high: 0.5, critical: 1 } } };
    const { net, clock } = testNetwork({ name: 'reflex-node', reflexes: { ...POLICY, rules }, flags: { env: {} } });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const received: unknown[] = [];
    net.node('slow', { partitions: 1, capacity: 4, flowControl: { warnAt: 0.5, rejectAt: 1 }, handle: () => gate });
    net.node('producer', { reflexes: ['nodePressure'], handle: (signal) => void received.push(signal.payload) });
    await net.start();
    for (let i = 0; i < 3; i++) net.post('slow', { type: 't' });
    await clock.advance(0);
    expect(received).to.deep.equal([{ kind: 'nodePressure', level: 'high', value: 0.5, source: 'slow' }]);
    release();
    await net.idle();
    await net.shutdown();
  });

  it('in shadow mode records the reflex event (shadowed) and posts nothing', async () => {
    const { net, received, fail, reflexEvents } = await reflexNetwork('reflex-shadow', { reflexes: { ...POLICY, shadowMode: true }, flags: { env: {} } });
    await fail();
    await fail();
    expect(received).to.deep.equal([]);
    expect(reflexEvents().map((e) => `${e.level} acted=${e.acted} shadowed=${e.shadowed}`)).to.deep.equal(['high acted=false shadowed=true', 'critical acted=false shadowed=true']);
    expect(net.flags.get('shadowMode')).to.equal(true);
    await net.shutdown();
  });

  it('PLEXUS_REFLEX_ENABLED and PLEXUS_REFLEX_SHADOW override the policy (read from the flags env)', async () => {
    const off = await reflexNetwork('reflex-env-off', { reflexes: POLICY, flags: { env: { PLEXUS_REFLEX_ENABLED: 'false' } } });
    await off.fail();
    await off.fail();
    expect([off.received.length, off.reflexEvents().length, off.net.flags.get('reflexes')]).to.deep.equal([0, 0, false]);
    await off.net.shutdown();
    const shadow = await reflexNetwork('reflex-env-shadow', { reflexes: { ...POLICY, enabled: false }, flags: { env: { PLEXUS_REFLEX_ENABLED: 'on', PLEXUS_REFLEX_SHADOW: '1' } } });
    await shadow.fail();
    expect([shadow.received.length, shadow.reflexEvents().map((e) => e.shadowed)]).to.deep.equal([0, [true]]);
    await shadow.net.shutdown();
    expect(() => testNetwork({ name: 'reflex-env-bad', reflexes: POLICY, flags: { env: { PLEXUS_REFLEX_SHADOW: 'maybe' } } })).to.throw(InvalidOptionsError, /PLEXUS_REFLEX_SHADOW/);
  });

  it('loads the policy from a YAML file (the reference shape) and validates it', () => {
    const policy = loadReflexPolicy(FIXTURE);
    expect({ ...policy, rules: Object.fromEntries(policy.rules) }).to.deep.equal({
      enabled: true,
      shadowMode: false,
      maxEmissionRate: 2,
      burstAllowance: 4,
      rules: { breakerPressure: { high: 0.8, critical: 0.95, cooldownMs: 10_000 } },
    });
    expect(() => loadReflexPolicy('/nonexistent/policy.yaml')).to.throw(InvalidOptionsError, /cannot read/);
    expect(() => testNetwork({ name: 'reflex-bad', reflexes: { rules: { breakerPressure: { thresholds: { high: 0.9, critical: 0.5 } } } } })).to.throw(InvalidOptionsError, /critical/);
    expect(() => testNetwork({ name: 'reflex-bad2', reflexes: { rules: { typo: {} } as never } })).to.throw(InvalidOptionsError, /unknown rule kind/);
    const { net } = testNetwork({ name: 'reflex-bad3', reflexes: policy });
    expect(() => net.node('n', { reflexes: ['nope'], handle: () => {} })).to.throw(InvalidOptionsError, /reflexes/);
  });

  it('reads health changes: a component turning degraded then unhealthy posts reflex.health (source: the component, and overall)', async () => {
    const rules = { health: { thresholds: { high: 1, critical: 2 }, cooldownSeconds: 0 } };
    const { net, clock } = testNetwork({ name: 'reflex-health', health: { intervalMs: 1_000 }, alerts: false, reflexes: { ...POLICY, rules }, flags: { env: {} } });
    let status: 'healthy' | 'degraded' | 'unhealthy' = 'healthy';
    net.registerHealthCheck('db', () => status, { essential: true, intervalMs: 1_000 });
    const received: unknown[] = [];
    net.node('producer', { reflexes: ['health'], handle: (signal) => void received.push(signal.payload) });
    await net.start();
    await clock.advance(1_000);
    expect(received).to.deep.equal([], 'healthy: nothing to react to');
    status = 'degraded';
    await clock.advance(1_000);
    status = 'unhealthy';
    await clock.advance(1_000);
    await net.idle();
    expect(received).to.deep.equal([
      { kind: 'health', level: 'high', value: 1, source: 'db' },
      { kind: 'health', level: 'high', value: 1, source: 'overall' },
      { kind: 'health', level: 'critical', value: 2, source: 'db' },
      { kind: 'health', level: 'critical', value: 2, source: 'overall' },
    ]);
    await net.shutdown();
  });

  it('reads alerts as they fire: a critical alert posts reflex.alert (source: the alert)', async () => {
    const rules = { alert: { thresholds: { high: 1, critical: 2 } } };
    const disable = ['node-error-rate', 'mailbox-fill', 'dead-letters-growing', 'breaker-open', 'network-unhealthy', 'bottleneck-forecast'] as const;
    const { net, clock } = testNetwork({ name: 'reflex-alert', health: false, alerts: { intervalMs: 1_000, disable }, reflexes: { ...POLICY, rules }, flags: { env: {} } });
    let hot = false;
    net.alerts.register({ name: 'too-hot', severity: 'critical', runbook: 'docs/operations.md#alert-node-error-rate', forMs: 2_000, evaluate: () => hot });
    net.alerts.register({ name: 'warm', severity: 'warning', runbook: 'docs/operations.md#alert-mailbox-fill', forMs: 0, evaluate: () => hot });
    const received: unknown[] = [];
    net.node('producer', { reflexes: ['alert'], handle: (signal) => void received.push(signal.payload) });
    await net.start();
    hot = true;
    await clock.advance(1_000);
    await net.idle();
    expect(received).to.deep.equal([{ kind: 'alert', level: 'high', value: 1, source: 'warm' }], 'the warning fires at once, the critical one is pending');
    await clock.advance(2_000);
    await net.idle();
    expect(received).to.deep.equal([
      { kind: 'alert', level: 'high', value: 1, source: 'warm' },
      { kind: 'alert', level: 'critical', value: 2, source: 'too-hot' },
    ]);
    await net.shutdown();
  });
});

import { expect } from 'chai';
import type { ContextEvent, NetworkEvent } from '../../lib/index.ts';
import { DEFAULT_CONTEXT_INTERVAL_MS } from '../../lib/control/context-options.ts';
import { testNetwork } from '../support/networks.ts';

function contextEvents(events: NetworkEvent[]): string[] {
  return events.filter((e): e is ContextEvent => e.kind === 'context').map((e) => `${e.change} ${e.key}=${String(e.value)}`);
}

describe('control: network.context (the network publishes its own context)', () => {
  it('publishes each breaker, each pressure level and the health at start, then on the interval (10 s by default)', async () => {
    const { net, clock } = testNetwork({ name: 'ctx-a' });
    net.node('store', { breaker: { failureThreshold: 1 }, handle: () => {} });
    net.node('plain', { handle: () => {} });
    await net.start();
    expect(net.context.entries().map((e) => `${e.key}=${String(e.value)} by ${e.publisher}`)).to.deep.equal([
      'node.store.pressureLevel=normal by ctx-a',
      'node.store.breakerState=closed by ctx-a',
      'node.plain.pressureLevel=normal by ctx-a',
      'node.plain.breakerState=closed by ctx-a',
      'network.health=healthy by ctx-a',
    ]);
    const startedAt = clock.now();
    await clock.advance(DEFAULT_CONTEXT_INTERVAL_MS - 1);
    expect(net.context.get('node.store.breakerState')?.publishedAt).to.equal(startedAt, 'not yet');
    await clock.advance(1);
    expect(net.context.get('node.store.breakerState')?.publishedAt).to.equal(startedAt + DEFAULT_CONTEXT_INTERVAL_MS, 'the interval re-published it');
    await net.shutdown();
  });

  it('publishes a breaker opening, a pressure level and a health change at once, each a context event', async () => {
    const { net, clock } = testNetwork({ name: 'ctx-b', context: { intervalMs: 3_600_000 } });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    net.node('store', { partitions: 1, retry: false, breaker: { failureThreshold: 1, resetTimeoutMs: 1000 }, handle: () => Promise.reject(new Error('down')) });
    net.node('slow', { partitions: 1, capacity: 4, flowControl: { warnAt: 0.5, rejectAt: 1 }, handle: () => gate });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    net.post('store', { type: 't' });
    await clock.advance(0);
    expect(net.context.get('node.store.breakerState')?.value).to.equal('open');
    for (let i = 0; i < 3; i++) net.post('slow', { type: 't' });
    await clock.advance(0);
    expect(net.context.get('node.slow.pressureLevel')?.value).to.equal('warning');
    release();
    await clock.advance(1000);
    expect(contextEvents(events)).to.deep.equal([
      'set node.store.pressureLevel=normal',
      'set node.store.breakerState=closed',
      'set node.slow.pressureLevel=normal',
      'set node.slow.breakerState=closed',
      'set network.health=healthy',
      'set node.store.breakerState=open',
      'set node.slow.pressureLevel=warning',
      'set node.slow.pressureLevel=normal',
      'set node.store.breakerState=half-open',
    ]);
    // The next health check (10 s after start) finds the half-open breaker: degraded, published
    // at once (the context interval is an hour away).
    await clock.advance(9000);
    expect(net.context.get('network.health')).to.include({ value: 'degraded', publishedAt: clock.now() });
    expect(contextEvents(events).at(-1)).to.equal('set network.health=degraded');
    await net.shutdown();
  });

  it('publishNow() publishes at once; context: false (and health: false) publishes nothing of the network but keeps the mirror', async () => {
    const { net, clock } = testNetwork({ name: 'ctx-c', health: false, context: { intervalMs: 60_000 } });
    net.node('a', { handle: () => {} });
    await net.start();
    expect(clock.pendingTimers).to.equal(1, 'the interval alone');
    await clock.advance(5);
    net.context.publishNow();
    expect(net.context.get('node.a.pressureLevel')?.publishedAt).to.equal(clock.now());
    await net.shutdown();

    const quiet = testNetwork({ name: 'ctx-d', health: false });
    await quiet.net.start();
    expect(quiet.clock.pendingTimers).to.equal(0, 'health: false keeps the clock quiet');
    quiet.net.context.publishNow();
    expect(quiet.net.context.entries()).to.deep.equal([]);
    quiet.net.context.publish('app.mode', 'blue', { publisher: 'me' });
    expect(quiet.net.context.get('app.mode')?.value).to.equal('blue');
    await quiet.net.shutdown();

    const off = testNetwork({ name: 'ctx-f', context: false });
    off.net.node('a', { handle: () => {} });
    await off.net.start();
    await off.clock.advance(DEFAULT_CONTEXT_INTERVAL_MS);
    expect(off.net.context.entries()).to.deep.equal([]);
    await off.net.shutdown();
  });

  it('leaves no timer behind after shutdown (interval and TTLs), completes the watches and refuses later publishes', async () => {
    const { net, clock } = testNetwork({ name: 'ctx-e' });
    net.node('a', { handle: () => {} });
    await net.start();
    net.context.publish('app.lease', { owner: 'x' }, { publisher: 'app', ttlMs: 60_000 });
    let completed = false;
    net.context.watchPrefix('app.').subscribe({ complete: () => (completed = true) });
    await clock.advance(25_000);
    await net.shutdown();
    expect(clock.pendingTimers).to.equal(0);
    expect(completed).to.equal(true);
    expect(() => net.context.publishNow()).to.throw(/closed/);
    expect(net.context.get('app.lease')?.value).to.deep.equal({ owner: 'x' }, 'still readable');
  });
});

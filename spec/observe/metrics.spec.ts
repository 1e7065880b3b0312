import { expect } from 'chai';
import { Registry } from 'prom-client';
import { sleep } from '../../lib/util/clock.ts';
import { testNetwork } from '../support/networks.ts';

describe('observe: queue metrics', () => {
  it('reports depth, ages, throughput, error rate, duplicates and breaker state per node', async () => {
    const { net, clock } = testNetwork();
    let fail = true;
    net.node('w', {
      partitions: 1,
      retry: false,
      handle: async () => {
        await sleep(clock, 100);
        if (fail) {
          fail = false;
          throw new Error('x');
        }
      },
    });
    await net.start();
    for (let i = 0; i < 5; i++) net.post('w', { type: 't', idempotencyKey: `k${i}` });
    net.post('w', { type: 't', idempotencyKey: 'k0' });
    await clock.advance(0);
    await clock.advance(50);
    let s = net.stats('w');
    expect(s).to.include({ queueDepth: 4, inFlight: 1, duplicate: 1, breakerState: 'closed' });
    expect(s.oldestAgeMs).to.equal(50);
    expect(s.averageAgeMs).to.equal(50);
    await clock.advance(1000);
    s = net.stats('w');
    expect(s.completed).to.equal(4);
    expect(s.deadLettered).to.equal(1);
    // The last full second (t=50..1050) saw 4 completions and 1 failure.
    expect(s.throughput).to.equal(4);
    expect(s.errorRate).to.equal(0.2);
    await clock.advance(1000);
    expect(net.stats('w').throughput).to.equal(0);
  });

  it('exposes them through a prom-client registry with the plexus_ prefix', async () => {
    const { net, clock } = testNetwork({ name: 'shop' });
    net.node('w', { handle: () => sleep(clock, 2) });
    await net.start();
    net.post('w', { type: 't' });
    await clock.advance(10);
    await net.idle();
    const text = await net.metrics.text();
    for (const name of [
      'signals_total',
      'queue_depth',
      'in_flight',
      'oldest_message_age_seconds',
      'average_message_age_seconds',
      'throughput_per_second',
      'error_rate',
      'duplicate_signals_total',
      'dead_letters_total',
      'breaker_state',
      'breaker_trips_total',
      'handle_duration_seconds',
      'queue_wait_seconds',
    ]) {
      expect(text, name).to.include(`# TYPE plexus_${name} `);
    }
    expect(text).to.include('plexus_signals_total{node="w",outcome="completed",network="shop"} 1');
    expect(text).to.include('plexus_handle_duration_seconds_bucket{node="w",le="0.0025",network="shop"} 1');
    expect(text).to.include('plexus_handle_duration_seconds_bucket{node="w",le="0.001",network="shop"} 0');
    expect(text).to.include('plexus_breaker_state{node="w",network="shop"} 0');
  });

  it('serves them as network.metrics: a content type and text(), with the prom-client registry behind an untyped escape hatch', async () => {
    const { net, clock } = testNetwork({ name: 'endpoint' });
    net.node('w', { handle: () => {} });
    await net.start();
    net.post('w', { type: 't' });
    await clock.advance(0);
    await net.idle();
    const text = await net.metrics.text();
    const registry = net.metrics.registry;
    expect(net.metrics.contentType).to.match(/^text\/plain; version=0\.0\.4/);
    expect(text).to.include('plexus_signals_total{node="w",outcome="completed",network="endpoint"} 1');
    expect(text).to.equal(await net.metrics.text());
    expect(registry).to.be.instanceOf(Registry);
    expect(await (registry as Registry).metrics()).to.equal(text);
  });
});

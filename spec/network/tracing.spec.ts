import { expect } from 'chai';
import type { NetworkEvent, Signal } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: tracing', () => {
  it('follows one correlationId across three nodes, with hops in order', async () => {
    const { net, clock } = testNetwork();
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    let sunk: Signal | undefined;
    let flaky = 1;
    net.node('ingest', { handle: (s, ctx) => void ctx.emit('enrich', { type: 'enriched', payload: s.payload }) });
    net.node('enrich', {
      retry: { maxAttempts: 2, baseDelayMs: 10, jitterMode: 'none' },
      handle: (s, ctx) => {
        if (flaky-- > 0) throw new Error('transient');
        ctx.emit('store', { type: 'stored', payload: s.payload });
      },
    });
    net.node('store', { handle: (s) => void (sunk = s) });
    await net.start();
    const r = net.post('ingest', { type: 'raw', payload: { v: 1 }, correlationId: 'trace-1' });
    await clock.advance(50);
    await net.idle();

    const trail = events.filter((e) => 'correlationId' in e && e.correlationId === 'trace-1').map((e) => `${e.kind}@${(e as { node: string }).node}`);
    expect(trail).to.deep.equal([
      'accepted@ingest',
      'started@ingest',
      'accepted@enrich',
      'completed@ingest',
      'started@enrich',
      'failed@enrich',
      'retried@enrich',
      'started@enrich',
      'accepted@store',
      'completed@enrich',
      'started@store',
      'completed@store',
    ]);
    expect(sunk!.correlationId).to.equal('trace-1');
    const enrichStarted = events.find((e) => e.kind === 'started' && e.node === 'enrich') as { signal: Signal };
    expect(sunk!.causationId).to.equal(enrichStarted.signal.id);
    expect(enrichStarted.signal.causationId).to.equal(r.status === 'accepted' ? r.id : '');
    expect(sunk!.source).to.equal('enrich');
    const enrichHops = enrichStarted.signal.hops.map((h) => [h.node, h.attempt, h.outcome]);
    expect(enrichHops).to.deep.equal([
      ['enrich', 1, 'failed'],
      ['enrich', 2, 'completed'],
    ]);
    expect(sunk!.hops).to.have.length(1);
    expect(sunk!.hops[0]!.finishedAt).to.be.at.least(sunk!.hops[0]!.startedAt);
  });

  it('emits rejected events with the reason', async () => {
    // Without health checks: their `health` events would be recorded too.
    const { net } = testNetwork({ health: false });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    net.node('n', { handle: () => {} });
    await net.start();
    net.post('missing', { type: 't' });
    net.post('n', { type: 't', payload: { f: () => 1 } as never });
    expect(events.map((e) => (e.kind === 'rejected' ? e.reason : e.kind))).to.deep.equal(['unknown-target', 'invalid']);
  });

  it('builds no events when nobody subscribes', async () => {
    const { net } = testNetwork();
    net.node('n', { handle: () => {} });
    await net.start();
    net.post('n', { type: 't' });
    await net.idle();
    let count = 0;
    net.events$.subscribe(() => count++);
    net.post('n', { type: 't' });
    await net.idle();
    expect(count).to.equal(3); // accepted, started, completed of the second signal only
  });
});

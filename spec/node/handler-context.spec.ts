import { expect } from 'chai';
import type { HandlerContext, Signal } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

describe('node: handler context', () => {
  it('credits an emit made after the handler returned to its own signal, not to the next one of the partition', async () => {
    // Without health checks, whose endless timers would keep `runAll` from ending.
    const { net, clock } = testNetwork({ health: false });
    const parents: Signal[] = [];
    const children: Signal[] = [];
    net.node('source', {
      partitions: 1,
      handle(s, ctx) {
        parents.push(s);
        // Fire and forget: the emit runs after this handler returned, while the partition's
        // next signal is being handled.
        if (s.type === 'first') clock.setTimeout(() => void ctx.emit('sink', { type: 'late-child' }), 5);
        if (s.type === 'second') return new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      },
    });
    net.node('sink', { handle: (s) => void children.push(s) });
    await net.start();
    net.post('source', { type: 'first', partitionKey: 'k', correlationId: 'corr-first' });
    net.post('source', { type: 'second', partitionKey: 'k', correlationId: 'corr-second' });
    await clock.runAll();
    await net.idle();
    expect(parents.map((s) => s.type)).to.deep.equal(['first', 'second']);
    expect(children).to.have.length(1);
    expect(children[0]!.correlationId).to.equal('corr-first');
    expect(children[0]!.causationId).to.equal(parents[0]!.id);
  });

  it('gives each attempt a context of its own, which keeps its signal and attempt after it settled', async () => {
    const { net } = testNetwork();
    const contexts: HandlerContext[] = [];
    net.node('w', { partitions: 1, handle: (_s, ctx) => void contexts.push(ctx) });
    await net.start();
    const first = net.post('w', { type: 'a', partitionKey: 'k' });
    const second = net.post('w', { type: 'b', partitionKey: 'k' });
    await net.idle();
    expect(contexts).to.have.length(2);
    expect(contexts[0]).to.not.equal(contexts[1]);
    expect(contexts.map((c) => c.signal.id)).to.deep.equal([first, second].map((r) => (r.status === 'accepted' ? r.id : 'rejected')));
    expect(contexts.map((c) => c.attempt)).to.deep.equal([1, 1]);
  });
});

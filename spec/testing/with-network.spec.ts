/**
 * The helpers against a real network: fakes plug into `net.node` without type annotations,
 * `ctx.emit` is typed inside `inner`, and traces follow a correlation id across nodes.
 */
import { expect } from 'chai';
import { createNetwork } from '../../lib/index.ts';
import { VirtualClock, expectEvents, createFailingHandler, formatTrace, recordEvents, createSlowHandler } from '../../lib/testing/index.ts';

describe('testing/with a network', () => {
  it('traces a correlation id across nodes, failures and retries included', async () => {
    const clock = new VirtualClock();
    const net = createNetwork({ name: 'trace', clock });
    net.node('billing', {
      retry: { maxAttempts: 2, baseDelayMs: 5, jitter: 0 },
      handle: createFailingHandler({ burst: { from: 1, count: 1 }, inner: (s, ctx) => void ctx.emit('mail', { type: 'invoice', payload: s.payload }) }),
    });
    net.node('mail', { handle: createSlowHandler(20, clock) });
    using rec = recordEvents(net.events$);
    await net.start();
    const r = net.post('billing', { type: 'order', payload: { id: 1 }, correlationId: 'order-1' });
    expect(r.status).to.equal('accepted');
    await rec.waitFor({ kind: 'completed', node: 'mail' }, { clock });
    const trace = rec.trace('order-1');
    expect(
      trace.map((s) => `${s.node}/${s.type}/${s.kind}/${s.attempt}`),
      formatTrace(trace),
    ).to.deep.equal(['billing/order/started/1', 'billing/order/failed/1', 'billing/order/started/2', 'mail/invoice/started/1', 'billing/order/completed/2', 'mail/invoice/completed/1']);
    expect(trace[5]!.at - trace[3]!.at).to.equal(20);
    expectEvents(rec).toInclude({ kind: 'completed', node: 'mail', correlationId: 'order-1', payload: { id: 1 } });
  });
});

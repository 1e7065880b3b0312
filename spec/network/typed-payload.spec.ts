import { expect } from 'chai';
import { createNetwork, type Signal } from '../../lib/index.ts';
import { VirtualClock } from '../../lib/testing/index.ts';

// Payloads are `unknown` until a node says what it takes; the `@ts-expect-error` lines make
// `npm run typecheck` fail if a payload ever turns back into `any`.
interface Order {
  readonly id: number;
  readonly total: number;
}

describe('network/typed payloads', () => {
  it('types signal.payload from the node’s type argument, and leaves it unknown otherwise', async () => {
    const net = createNetwork({ name: 'typed-payload', clock: new VirtualClock() });
    const totals: number[] = [];
    net.node<Order>('billing', { handle: (signal) => void totals.push(signal.payload.total) });
    net.node('audit', {
      handle: (signal) => {
        // @ts-expect-error an undeclared payload is unknown, not any
        void signal.payload.total;
      },
    });
    net.node('ledger', { handle: (signal: Signal<Order>) => void totals.push(signal.payload.id) });
    await net.start();
    net.post('billing', { type: 'order', payload: { id: 1, total: 30 } });
    net.post('ledger', { type: 'order', payload: { id: 2, total: 5 } });
    await net.idle();
    await net.shutdown();
    expect(totals.sort()).to.deep.equal([2, 30]);
  });
});

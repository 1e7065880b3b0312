import { expect } from 'chai';
import fc from 'fast-check';
import { RingBuffer } from '../../lib/util/ring-buffer.ts';

describe('util/RingBuffer', () => {
  it('behaves as a FIFO queue for any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null))), (ops) => {
        const ring = new RingBuffer<number>(2);
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) expect(ring.shift()).to.equal(model.shift());
          else {
            ring.push(op);
            model.push(op);
          }
          expect(ring.size).to.equal(model.length);
          expect(ring.peek()).to.equal(model[0]);
        }
        expect([...ring]).to.deep.equal(model);
      }),
      { seed: 42 },
    );
  });

  it('drains everything in order', () => {
    const ring = new RingBuffer<number>();
    for (let i = 0; i < 100; i++) ring.push(i);
    for (let i = 0; i < 30; i++) ring.shift();
    expect(ring.drain()).to.deep.equal(Array.from({ length: 70 }, (_, i) => i + 30));
    expect(ring.size).to.equal(0);
  });
});

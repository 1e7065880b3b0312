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

  it('replaceOldest drops the oldest and appends, as shift then push, whether or not the ring is full to its array', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.record({ replace: fc.integer() }))), (ops) => {
        const ring = new RingBuffer<number>(4);
        const model: number[] = [];
        for (const op of ops) {
          if (op === null) expect(ring.shift()).to.equal(model.shift());
          else if (typeof op === 'number') {
            ring.push(op);
            model.push(op);
          } else if (model.length > 0) {
            ring.replaceOldest(op.replace);
            model.shift();
            model.push(op.replace);
          }
          expect(ring.size).to.equal(model.length);
        }
        expect([...ring]).to.deep.equal(model);
      }),
      { seed: 7 },
    );
    const full = new RingBuffer<number>(4);
    for (let i = 0; i < 4; i++) full.push(i); // full to its array: the newest slot is the oldest's
    full.replaceOldest(4);
    full.replaceOldest(5);
    expect([...full]).to.deep.equal([2, 3, 4, 5]);
  });

  it('drains everything in order', () => {
    const ring = new RingBuffer<number>();
    for (let i = 0; i < 100; i++) ring.push(i);
    for (let i = 0; i < 30; i++) ring.shift();
    expect(ring.drain()).to.deep.equal(Array.from({ length: 70 }, (_, i) => i + 30));
    expect(ring.size).to.equal(0);
  });
});

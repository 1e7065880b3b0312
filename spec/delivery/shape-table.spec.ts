import { expect } from 'chai';
import { ShapeTable, type Shape } from '../../lib/delivery/shape-table.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { SignalEnvelope } from '../../lib/signal/envelope.ts';

const LIMITS = { maxBytes: 1 << 20, maxDepth: 64 };
const signal = (target: string, type = 'job', extra: Record<string, unknown> = {}) => createSignal({ type, ...extra }, target, 1, LIMITS);

describe('delivery/ShapeTable', () => {
  it('numbers each shape once, in order, announcing it the first time only', () => {
    const announced: Shape[] = [];
    const table = new ShapeTable((s) => void announced.push(s));
    const numbers = [
      signal('a'),
      signal('a'),
      signal('b'),
      signal('a', 'other'),
      signal('a', 'job', { version: '2.0' }),
      signal('a', 'job', { urgency: 0.9 }),
      signal('a', 'job', { source: 'edge' }),
      signal('b'),
      signal('a', 'job', { urgency: 0.9 }),
    ].map((s) => table.numberOf(s));
    expect(numbers).to.deep.equal([0, 0, 1, 2, 3, 4, 5, 1, 4]);
    expect(announced.map((s) => s.n)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(announced[5]).to.deep.equal({ n: 5, type: 'job', version: '1.0', target: 'a', urgency: 0.5, source: 'edge' });
    expect(table.shapes).to.deep.equal(announced);
  });

  it('says -1 once full, and still finds the shapes it has', () => {
    const table = new ShapeTable(() => {}, 2);
    expect([table.numberOf(signal('a')), table.numberOf(signal('b')), table.numberOf(signal('c')), table.numberOf(signal('a'))]).to.deep.equal([0, 1, -1, 0]);
  });

  it('refuses a field of the wrong type with a TypeError, numbering nothing', () => {
    const announced: Shape[] = [];
    const table = new ShapeTable((s) => void announced.push(s));
    const bad = [
      new SignalEnvelope('b-1', 42 as unknown as string, '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({})),
      new SignalEnvelope('b-2', 't', '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, Number.NaN, Object.freeze({})),
      new SignalEnvelope('b-3', 't', '1.0', 1, 7 as unknown as string, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({})),
    ];
    for (const s of bad) expect(() => table.numberOf(s), s.id).to.throw(TypeError);
    expect(announced).to.deep.equal([]);
    expect(table.numberOf(signal('w'))).to.equal(0);
  });
});

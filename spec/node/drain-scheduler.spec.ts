import { expect } from 'chai';
import sinon from 'sinon';
import { scheduleDrain } from '../../lib/node/drain-scheduler.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('node/drain-scheduler', () => {
  afterEach(() => sinon.restore());

  it('runs the drains of one burst in one batch, in order, after the current synchronous code', async () => {
    const ran: string[] = [];
    scheduleDrain(() => ran.push('a'));
    scheduleDrain(() => ran.push('b'));
    ran.push('sync');
    await settle();
    expect(ran).to.deep.equal(['sync', 'a', 'b']);
  });

  it('runs a drain scheduled by a running drain in the same batch, before other microtasks', async () => {
    const ran: string[] = [];
    scheduleDrain(() => {
      ran.push('first');
      queueMicrotask(() => ran.push('other microtask'));
      scheduleDrain(() => ran.push('joined'));
    });
    await settle();
    expect(ran).to.deep.equal(['first', 'joined', 'other microtask']);
  });

  it('keeps going when a drain throws, and rethrows its error in a microtask of its own', async () => {
    const rethrows: (() => void)[] = [];
    sinon.stub(globalThis, 'queueMicrotask').callsFake((fn: () => void) => void rethrows.push(fn));
    const ran: string[] = [];
    const boom = new Error('bug in a drain');
    scheduleDrain(() => {
      throw boom;
    });
    scheduleDrain(() => ran.push('after'));
    await settle();
    sinon.restore();
    expect(ran).to.deep.equal(['after']);
    expect(rethrows).to.have.length(1);
    expect(() => rethrows[0]!()).to.throw(boom);
    // A later burst is scheduled afresh.
    scheduleDrain(() => ran.push('next burst'));
    await settle();
    expect(ran).to.deep.equal(['after', 'next burst']);
  });
});

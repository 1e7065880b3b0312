import { expect } from 'chai';
import { validate, version } from 'uuid';
import { newId } from '../../lib/signal/ids.ts';

describe('signal/newId', () => {
  it('makes valid UUID v7 strings (checked by the uuid package)', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      expect(validate(id), id).to.equal(true);
      expect(version(id)).to.equal(7);
      expect('89ab').to.include(id[19]!);
    }
  });

  it('sorts in creation order, also within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect([...ids].sort()).to.deep.equal(ids);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('carries the current time in its first 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    // A burst of over ~2,000 ids in one millisecond borrows from the next ones, so allow a little lead.
    expect(ms).to.be.within(before, Date.now() + 100);
  });

  it('carries the time its caller read, yet stays monotonic when the clocks of its callers disagree', () => {
    const wall = Date.now() + 60_000;
    const a = newId(wall + 0.75);
    expect(parseInt(a.slice(0, 8) + a.slice(9, 13), 16)).to.equal(wall);
    const b = newId(0); // a virtual clock at the epoch, after a wall-clock id
    expect(b > a).to.equal(true);
    expect(validate(b)).to.equal(true);
  });
});

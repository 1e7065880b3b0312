import { expect } from 'chai';
import { newId } from '../../lib/signal/ids.ts';

/** RFC 9562: lower-case hex in 8-4-4-4-12 groups, version digit 7, variant bits 10 (8, 9, a or b). */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('signal/newId', () => {
  it('makes valid UUID v7 strings', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newId();
      expect(id).to.match(UUID_V7);
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
    expect(b).to.match(UUID_V7);
  });
});

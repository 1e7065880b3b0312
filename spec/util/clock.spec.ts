import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../lib/util/clock.ts';

describe('util/systemClock', () => {
  it('follows sinon fake timers (it reads the global performance each time, not a cached copy)', () => {
    const fake = sinon.useFakeTimers({ now: 1_000_000 });
    try {
      const before = systemClock.now();
      let fired = false;
      systemClock.setTimeout(() => (fired = true), 5000);
      fake.tick(5000);
      expect(systemClock.now() - before).to.equal(5000);
      expect(fired).to.equal(true);
    } finally {
      fake.restore();
    }
  });
});

import { expect } from 'chai';
import { createSeededRandom, DEFAULT_SEED, TestingOptionError } from '../../lib/testing/index.ts';

describe('testing/seededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const xs = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).to.deep.equal(xs);
  });

  it('gives different sequences for different seeds', () => {
    const a = createSeededRandom(1);
    const b = createSeededRandom(2);
    expect(Array.from({ length: 5 }, () => a())).not.to.deep.equal(Array.from({ length: 5 }, () => b()));
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const r = createSeededRandom(DEFAULT_SEED);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = r();
      if (!(x >= 0 && x < 1)) expect.fail(`out of range: ${x}`);
      buckets[Math.floor(x * 10)]!++;
    }
    for (const b of buckets) expect(b).to.be.within(9_500, 10_500);
  });

  it('rejects a seed that is not a finite number', () => {
    expect(() => createSeededRandom(Number.NaN))
      .to.throw(TestingOptionError)
      .with.property('code', 'PLEXUS_TESTING_INVALID_OPTION');
    expect(() => createSeededRandom('7' as unknown as number)).to.throw(TestingOptionError);
  });
});

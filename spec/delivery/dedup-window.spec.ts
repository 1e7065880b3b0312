import { expect } from 'chai';
import fc from 'fast-check';
import { DedupScope } from '../../lib/delivery/dedup-scope.ts';
import { DedupWindow } from '../../lib/delivery/dedup-window.ts';

/** The naive model: a key is a duplicate when it was first seen less than `windowMs` ago. */
class NaiveWindow {
  readonly #seen = new Map<string, number>();
  constructor(readonly windowMs: number) {}
  has(key: string, now: number): boolean {
    const at = this.#seen.get(key);
    return at !== undefined && now - at < this.windowMs;
  }
  admit(key: string, now: number): boolean {
    if (this.has(key, now)) return false;
    this.#seen.set(key, now);
    return true;
  }
}

/** A step: advance the virtual clock by `advance` ms, then admit (or only look up) `key`. */
const step = fc.record({
  advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 400 }), fc.constantFrom(99, 100, 101, 199, 200, 201, 299, 300)),
  key: fc.integer({ min: 0, max: 12 }).map((k) => 'k' + k),
  lookOnly: fc.boolean(),
});

describe('DedupWindow: exact window', () => {
  it('agrees with a Map<key, first-seen> on virtual time, to the millisecond (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(step, { maxLength: 300 }), (windowMs, steps) => {
        const scope = new DedupScope(new DedupWindow(windowMs, 1_000_000));
        const model = new NaiveWindow(windowMs);
        let now = 0;
        for (const s of steps) {
          now += s.advance;
          if (s.lookOnly) expect(scope.has(s.key, now), `has ${s.key} at ${now}`).to.equal(model.has(s.key, now));
          else expect(scope.admit(s.key, now), `admit ${s.key} at ${now}`).to.equal(model.admit(s.key, now));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('forgets a key at exactly windowMs, also with sparse traffic (no repeat answered late)', () => {
    const scope = new DedupScope(new DedupWindow(300_000, 1_000_000));
    expect(scope.admit('a', 0)).to.equal(true);
    expect(scope.admit('a', 299_999)).to.equal(false);
    expect(scope.admit('a', 300_000)).to.equal(true); // first seen again at 300,000
    // Sparse: one key late in a generation, its repeat after the window and before the next
    // rotation would have dropped it (the generations alone kept it up to ~2 windows more).
    expect(scope.admit('x', 700_000)).to.equal(true);
    expect(scope.admit('b', 999_999)).to.equal(true);
    expect(scope.admit('b', 1_299_998)).to.equal(false);
    expect(scope.has('b', 1_299_999)).to.equal(false);
    expect(scope.admit('b', 1_599_000)).to.equal(true);
    expect(scope.admit('b', 1_598_999 + 300_000)).to.equal(false);
  });

  it('with a key cap: never a false duplicate, memory bounded, exact while nothing was evicted early (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.array(step, { maxLength: 400 }), (maxKeys, steps) => {
        const window = new DedupWindow(200, maxKeys);
        const scope = new DedupScope(window);
        // The model follows the window's own acceptances: a key the cap made it forget early is
        // accepted again, and its window then runs from that second acceptance.
        const accepted = new Map<string, number>();
        let now = 0;
        for (const s of steps) {
          now += s.advance;
          const last = accepted.get(s.key);
          const withinWindow = last !== undefined && now - last < 200;
          const fresh = scope.admit(s.key, now);
          if (!fresh) expect(withinWindow, `duplicate ${s.key} at ${now}, accepted at ${last}`).to.equal(true);
          if (window.evictedEarly === 0) expect(fresh, `admit ${s.key} at ${now}`).to.equal(!withinWindow);
          if (fresh) accepted.set(s.key, now);
          expect(window.size).to.be.at.most(maxKeys);
        }
      }),
      { numRuns: 300 },
    );
  });
});

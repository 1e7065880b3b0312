import { expect } from 'chai';
import fc from 'fast-check';
import { FingerprintGenerations } from '../../lib/delivery/fingerprint-generations.ts';
import { fingerprint, fingerprintOf } from '../../lib/delivery/key-fingerprint.ts';

function fp(key: string): [number, number] {
  fingerprint(key);
  return [fingerprintOf.high, fingerprintOf.low];
}

describe('FingerprintGenerations', () => {
  it('adds each distinct key once, through many growths, and finds them all', () => {
    const g = new FingerprintGenerations(4);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(g.add(...fp('key-' + i))).to.equal(true);
    expect(g.currentSize).to.equal(n);
    for (let i = 0; i < n; i++) expect(g.add(...fp('key-' + i))).to.equal(false);
    for (let i = 0; i < n; i++) expect(g.has(...fp('key-' + i))).to.equal(true);
    expect(g.has(...fp('key-' + n))).to.equal(false);
    expect(g.currentSize).to.equal(n);
  });

  it('remembers a generation through one rotation and forgets it at the second', () => {
    const g = new FingerprintGenerations(8);
    for (let i = 0; i < 100; i++) g.add(...fp('old-' + i));
    g.rotate();
    expect(g.previousSize).to.equal(100);
    expect(g.currentSize).to.equal(0);
    for (let i = 0; i < 100; i++) expect(g.add(...fp('old-' + i)), 'old-' + i).to.equal(false);
    expect(g.currentSize).to.equal(0); // a key of the previous generation is not added again
    for (let i = 0; i < 100; i++) g.add(...fp('new-' + i));
    g.rotate();
    for (let i = 0; i < 100; i++) {
      expect(g.has(...fp('old-' + i)), 'old-' + i).to.equal(false);
      expect(g.has(...fp('new-' + i)), 'new-' + i).to.equal(true);
    }
    expect(g.add(...fp('old-0'))).to.equal(true);
  });

  it('keeps both generations when the table grows under them', () => {
    const g = new FingerprintGenerations(4);
    for (let i = 0; i < 1000; i++) g.add(...fp('a' + i));
    g.rotate();
    for (let i = 0; i < 20_000; i++) g.add(...fp('b' + i)); // several growths with the previous lane full
    for (let i = 0; i < 1000; i++) expect(g.has(...fp('a' + i))).to.equal(true);
    for (let i = 0; i < 20_000; i++) expect(g.has(...fp('b' + i))).to.equal(true);
    expect(g.previousSize + g.currentSize).to.equal(21_000);
  });

  it('forgets everything on clear and can be filled again', () => {
    const g = new FingerprintGenerations(8);
    for (let i = 0; i < 100; i++) g.add(...fp(String(i)));
    g.rotate();
    g.add(...fp('x'));
    g.clear();
    expect(g.currentSize + g.previousSize).to.equal(0);
    expect(g.has(...fp('5'))).to.equal(false);
    expect(g.has(...fp('x'))).to.equal(false);
    expect(g.add(...fp('5'))).to.equal(true);
  });

  it('agrees with two Set<string> generations on any sequence of adds and rotations (property)', () => {
    const op = fc.oneof(fc.string({ maxLength: 8, unit: 'binary' }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const g = new FingerprintGenerations(2);
        let current = new Set<string>();
        let previous = new Set<string>();
        for (const k of ops) {
          if (k === null) {
            g.rotate();
            previous = current;
            current = new Set();
            continue;
          }
          const fresh = !current.has(k) && !previous.has(k);
          if (fresh) current.add(k);
          expect(g.add(...fp(k))).to.equal(fresh);
          expect(g.has(...fp(k))).to.equal(true);
        }
        expect(g.currentSize).to.equal(current.size);
        expect(g.previousSize).to.equal(previous.size);
      }),
    );
  });
});

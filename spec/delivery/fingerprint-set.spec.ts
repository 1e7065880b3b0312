import { expect } from 'chai';
import fc from 'fast-check';
import { FingerprintSet } from '../../lib/delivery/fingerprint-set.ts';
import { fingerprint, fingerprintOf } from '../../lib/delivery/key-fingerprint.ts';

function fp(key: string): [number, number] {
  fingerprint(key);
  return [fingerprintOf.high, fingerprintOf.low];
}

describe('FingerprintSet', () => {
  it('adds each distinct key once, through many doublings, and finds them all', () => {
    const set = new FingerprintSet(4);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(set.add(...fp('key-' + i))).to.equal(true);
    expect(set.size).to.equal(n);
    for (let i = 0; i < n; i++) expect(set.add(...fp('key-' + i))).to.equal(false);
    for (let i = 0; i < n; i++) expect(set.has(...fp('key-' + i))).to.equal(true);
    expect(set.has(...fp('key-' + n))).to.equal(false);
    expect(set.size).to.equal(n);
  });

  it('forgets everything on clear and can be filled again', () => {
    const set = new FingerprintSet(8);
    for (let i = 0; i < 100; i++) set.add(...fp(String(i)));
    set.clear();
    expect(set.size).to.equal(0);
    expect(set.has(...fp('5'))).to.equal(false);
    expect(set.add(...fp('5'))).to.equal(true);
  });

  it('agrees with a Set<string> on any sequence of keys (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12, unit: 'binary' }), { maxLength: 300 }), (keys) => {
        const set = new FingerprintSet(2);
        const ref = new Set<string>();
        for (const k of keys) {
          const before = ref.size;
          ref.add(k);
          expect(set.add(...fp(k))).to.equal(ref.size !== before);
        }
        expect(set.size).to.equal(ref.size);
      }),
    );
  });
});

describe('fingerprint', () => {
  it('gives distinct fingerprints to 200,000 similar keys, and the same one to the same key', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const [h, l] = fp('order-' + i);
      expect(h).to.not.equal(0);
      seen.add(h + ':' + l);
    }
    expect(seen.size).to.equal(200_000);
    expect(fp('same')).to.deep.equal(fp('sa' + 'me'));
    expect(fp('ab')).to.not.deep.equal(fp('ba'));
  });
});

import { expect } from 'chai';
import { fingerprint, fingerprintOf } from '../../lib/delivery/key-fingerprint.ts';

function fp(key: string): [number, number] {
  fingerprint(key);
  return [fingerprintOf.high, fingerprintOf.low];
}

describe('fingerprint', () => {
  it('gives distinct fingerprints to 200,000 similar keys, and the same one to the same key', function () {
    this.timeout(60_000); // a CPU-bound loop: seconds on a loaded shared machine
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

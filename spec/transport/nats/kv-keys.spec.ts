import { expect } from 'chai';
import { decodeKey, encodeKey, filterFor } from '../../../lib/transport/nats/kv-keys.ts';

const NATS_KEY = /^[-/=\w]+(\.[-/=\w]+)*$/;

describe('transport/nats/kv-keys: store keys as JetStream key-value keys', () => {
  it('keeps plain keys as they are and escapes the rest token by token, reversibly', () => {
    expect(encodeKey('node.store.breakerState')).to.equal('node.store.breakerState');
    expect(encodeKey('svc:a.b')).to.equal('svc=3Aa.b');
    const keys = ['svc:a.b', 'a=b', '=3A', 'x..y', '.lead', 'tail.', '.', 'ünï cødé', 'a/b-c_d', '>', '*.x'];
    for (const k of keys) {
      const e = encodeKey(k);
      expect(e, k).to.match(NATS_KEY);
      expect(decodeKey(e), k).to.equal(k);
    }
    expect(new Set(keys.map(encodeKey)).size, 'no two keys share an encoding').to.equal(keys.length);
  });

  it('filters on the whole tokens of a prefix (the rest is compared by the caller)', () => {
    expect(filterFor('')).to.equal('>');
    expect(filterFor('node')).to.equal('>');
    expect(filterFor('node.')).to.equal('node.>');
    expect(filterFor('node.st')).to.equal('node.>');
    expect(filterFor('svc:x.a.')).to.equal('svc=3Ax.a.>');
  });
});

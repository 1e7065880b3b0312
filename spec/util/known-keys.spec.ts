import { expect } from 'chai';
import { createSignal, SIGNAL_DRAFT_KEYS } from '../../lib/signal/create-signal.ts';
import { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_DEPTH } from '../../lib/signal/validate-payload.ts';
import { firstUnknownKey, optionKeys, suggestKey, unknownKeyReason } from '../../lib/util/known-keys.ts';

const LIMITS = { maxBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxDepth: DEFAULT_MAX_PAYLOAD_DEPTH };

interface Example {
  alpha?: number;
  beta: string;
}

describe('util/known-keys', () => {
  it('suggests the key meant: one or two edits away, a swap of neighbours, or the same letters in another case', () => {
    const known = ['maxAttempts', 'baseDelayMs', 'jitter', 'jitterMode', 'partitions', 'name'];
    expect(suggestKey('maxAttemps', known)).to.equal('maxAttempts');
    expect(suggestKey('maxAtempts', known)).to.equal('maxAttempts');
    expect(suggestKey('baseDleayMs', known)).to.equal('baseDelayMs');
    expect(suggestKey('BASEDELAYMS', known)).to.equal('baseDelayMs');
    expect(suggestKey('partiton', known)).to.equal('partitions');
    expect(suggestKey('nme', known)).to.equal('name');
    expect(suggestKey('jitterMod', known)).to.equal('jitterMode');
  });

  it('suggests nothing when no key is close, nor for short keys that only share length', () => {
    const known = ['network', 'node', 'operation', 'key', 'name'];
    expect(suggestKey('user', known)).to.equal(undefined);
    expect(suggestKey('rate', known)).to.equal(undefined); // 2 edits from 'name', but unrelated
    expect(suggestKey('something', known)).to.equal(undefined);
    expect(unknownKeyReason('user', known)).to.equal('unknown option (known: network, node, operation, key, name)');
    expect(unknownKeyReason('nodes', known)).to.equal("unknown option; did you mean 'node'?");
  });

  it('finds the first own key not listed, and none in an object of listed keys', () => {
    expect(firstUnknownKey({ a: 1, b: 2, c: 3 }, ['a', 'c'])).to.equal('b');
    expect(firstUnknownKey({ a: 1 }, ['a', 'c'])).to.equal(undefined);
    expect(firstUnknownKey(Object.create({ inherited: 1 }) as object, ['a'])).to.equal(undefined);
  });

  it('optionKeys keeps the list as given, frozen; a list missing a key or naming an extra one does not compile', () => {
    const keys = optionKeys<Example>()(['alpha', 'beta']);
    expect(keys).to.deep.equal(['alpha', 'beta']);
    expect(Object.isFrozen(keys)).to.equal(true);
    // @ts-expect-error 'beta' is missing: adding an option without listing it is a compile error.
    optionKeys<Example>()(['alpha']);
    // @ts-expect-error 'gamma' is no key of Example.
    optionKeys<Example>()(['alpha', 'beta', 'gamma']);
  });

  it("createSignal's draft-key switch accepts every key of SIGNAL_DRAFT_KEYS (the two lists agree)", () => {
    const values: Record<string, unknown> = {
      type: 't',
      version: '1.0',
      payload: 1,
      partitionKey: 'p',
      idempotencyKey: 'i',
      correlationId: 'c',
      causationId: 'x',
      urgency: 0.5,
      headers: {},
      source: 's',
    };
    expect(Object.keys(values).sort()).to.deep.equal([...SIGNAL_DRAFT_KEYS].sort());
    for (const key of SIGNAL_DRAFT_KEYS) {
      const draft = key === 'type' ? { type: 't' } : { type: 't', [key]: values[key] };
      expect(() => createSignal(draft as never, 'a', 0, LIMITS), key).to.not.throw();
    }
    expect(() => createSignal({ type: 't', Payload: 1 } as never, 'a', 0, LIMITS)).to.throw(/did you mean 'payload'/);
  });
});

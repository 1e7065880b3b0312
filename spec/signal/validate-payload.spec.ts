import { expect } from 'chai';
import { ValidationError } from '../../lib/signal/errors.ts';
import { validatePayload } from '../../lib/signal/validate-payload.ts';

const limits = { maxBytes: 1024 * 1024, maxDepth: 64 };

function issueOf(payload: unknown, l = limits): string | undefined {
  try {
    validatePayload(payload, l);
    return undefined;
  } catch (e) {
    expect(e).to.be.instanceOf(ValidationError);
    return (e as ValidationError).issue;
  }
}

describe('signal/validatePayload', () => {
  it('accepts plain JSON values', () => {
    for (const p of [null, 1, 'x', true, [], {}, { a: [1, { b: null }], c: 'é' }, Object.create(null)]) expect(issueOf(p)).to.equal(undefined);
  });

  it('accepts a value shared twice (not a cycle)', () => {
    const shared = { x: 1 };
    expect(issueOf({ a: shared, b: shared })).to.equal(undefined);
  });

  it('refuses cycles, naming where', () => {
    const a: Record<string, unknown> = { b: {} };
    (a.b as Record<string, unknown>).back = a;
    try {
      validatePayload(a, limits);
      expect.fail();
    } catch (e) {
      expect((e as ValidationError).issue).to.equal('cyclic');
      expect((e as ValidationError).path).to.equal('$.b.back');
    }
  });

  it('refuses functions, BigInt, symbols, NaN and Infinity', () => {
    expect(issueOf({ f: () => 1 })).to.equal('not-serialisable');
    expect(issueOf({ n: 10n })).to.equal('not-serialisable');
    expect(issueOf({ s: Symbol('x') })).to.equal('not-serialisable');
    expect(issueOf([Number.NaN])).to.equal('not-serialisable');
    expect(issueOf({ i: Infinity })).to.equal('not-serialisable');
    expect(issueOf([1, undefined])).to.equal('not-serialisable');
  });

  it('looks at what JSON sees: symbol keys are neither refused nor part of the JSON', () => {
    const payload = { a: 1, [Symbol('k')]: 2, nested: { [Symbol('j')]: 'x', b: 'y' } };
    expect(() => validatePayload(payload, limits)).to.not.throw();
    expect(JSON.parse(JSON.stringify(payload))).to.deep.equal({ a: 1, nested: { b: 'y' } });
  });

  it('refuses class instances, Maps and Dates (they do not survive JSON)', () => {
    expect(issueOf({ d: new Date() })).to.equal('not-serialisable');
    expect(issueOf(new Map())).to.equal('not-serialisable');
    expect(issueOf({ u: new Uint8Array(2) })).to.equal('not-serialisable');
  });

  it('refuses prototype-polluting keys', () => {
    expect(issueOf(JSON.parse('{"__proto__": {"polluted": 1}}'))).to.equal('forbidden-key');
    expect(issueOf({ a: { constructor: { prototype: {} } } })).to.equal('forbidden-key');
    expect(issueOf({ prototype: 1 })).to.equal('forbidden-key');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('finds an own __proto__ key in a flat payload and in a nested one (V8 lists it in for..in)', () => {
    expect(issueOf(JSON.parse('{"a": 1, "__proto__": 2}'))).to.equal('forbidden-key');
    expect(issueOf(JSON.parse('{"a": {"__proto__": "x"}}'))).to.equal('forbidden-key');
    const defined = { a: 1 };
    Object.defineProperty(defined, '__proto__', { value: 1, enumerable: true });
    expect(issueOf(defined)).to.equal('forbidden-key');
  });

  it('refuses lone surrogates in values and keys', () => {
    expect(issueOf({ s: 'a\uD800b' })).to.equal('invalid-utf16');
    expect(issueOf({ ['k\uDC00']: 1 })).to.equal('invalid-utf16');
  });

  it('refuses payloads over the size limit, measured as UTF-8 JSON', () => {
    expect(issueOf({ s: 'x'.repeat(2000) }, { maxBytes: 1000, maxDepth: 8 })).to.equal('too-large');
    expect(issueOf({ s: 'x'.repeat(900) }, { maxBytes: 1000, maxDepth: 8 })).to.equal(undefined);
    // 400 three-byte characters: 1,200 bytes as UTF-8 though only 400 UTF-16 units.
    expect(issueOf({ s: '€'.repeat(400) }, { maxBytes: 1000, maxDepth: 8 })).to.equal('too-large');
    expect(issueOf({ s: 'x'.repeat(1024 * 1024 + 1) })).to.equal('too-large');
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(issueOf(deep)).to.equal('too-deep');
  });
});

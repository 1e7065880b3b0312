import { expect } from 'chai';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { isValidationError } from '../../lib/signal/errors.ts';

const limits = { maxBytes: 1024, maxDepth: 8 };
const make = (draft: unknown) => createSignal(draft as never, 'n', 1_000, limits);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('signal/createSignal', () => {
  it('fills every envelope field with its default', () => {
    const s = make({ type: 'reading', payload: { t: 1 } });
    expect(s.id).to.match(UUID_V7);
    expect(s).to.include({ type: 'reading', version: '1.0', target: 'n', createdAt: 1_000, urgency: 0.5, source: undefined, causationId: undefined });
    expect(s.partitionKey).to.equal(s.id);
    expect(s.idempotencyKey).to.equal(s.id);
    expect(s.correlationId).to.equal(s.id);
    expect(s.headers).to.deep.equal({});
    expect(s.hops).to.deep.equal([]);
  });

  it('keeps what the draft gives', () => {
    const s = make({ type: 't', version: '1.1', partitionKey: 'p', idempotencyKey: 'k', correlationId: 'c', causationId: 'x', urgency: 1, headers: { user: 'u1' }, source: 'src' });
    expect(s).to.include({ version: '1.1', partitionKey: 'p', idempotencyKey: 'k', correlationId: 'c', causationId: 'x', urgency: 1, source: 'src' });
    expect(s.headers).to.deep.equal({ user: 'u1' });
  });

  it('is immutable', () => {
    const s = make({ type: 't', headers: { a: 'b' } });
    expect(Object.isFrozen(s)).to.equal(true);
    expect(Object.isFrozen(s.headers)).to.equal(true);
    expect(() => {
      (s as { type: string }).type = 'x';
    }).to.throw(TypeError);
  });

  it('gives unique ids that sort by creation', () => {
    const ids = Array.from({ length: 2000 }, () => make({ type: 't' }).id);
    expect(new Set(ids).size).to.equal(2000);
  });

  const bad: [string, unknown, string][] = [
    ['a missing type', { payload: 1 }, 'invalid-type'],
    ['a non-string type', { type: 42 }, 'invalid-type'],
    ['an empty type', { type: '' }, 'invalid-type'],
    ['a null draft', null, 'invalid-field'],
    ['a non-string partition key', { type: 't', partitionKey: 5 }, 'invalid-field'],
    ['urgency above 1', { type: 't', urgency: 1.5 }, 'urgency-out-of-range'],
    ['urgency NaN', { type: 't', urgency: Number.NaN }, 'urgency-out-of-range'],
    ['a header that is not a string', { type: 't', headers: { a: 1 } }, 'invalid-field'],
    ['a __proto__ header', { type: 't', headers: JSON.parse('{"__proto__": "x"}') }, 'forbidden-key'],
  ];
  for (const [what, draft, issue] of bad) {
    it(`refuses ${what} with a typed error (${issue})`, () => {
      try {
        make(draft as never);
        expect.fail('should have thrown');
      } catch (e) {
        expect(isValidationError(e), String(e)).to.equal(true);
        expect((e as { code: string }).code).to.equal('PLEXUS_VALIDATION');
        expect((e as { issue: string }).issue).to.equal(issue);
      }
    });
  }
});

/**
 * A corpus of bad input. Each entry must be refused with a typed error (a stable `PLEXUS_` code
 * on the receipt, never a throw from `post`), or reach the dead letter queue with a reason; the
 * node must keep processing valid signals afterwards; and nothing may touch Object.prototype.
 */
import { expect } from 'chai';
import type { Network } from '../../lib/index.ts';
import { recordEvents } from '../../lib/testing/index.ts';
import { settle, virtualNetwork } from './harness.ts';
import type { VirtualClock } from '../../lib/testing/index.ts';

const MIB = 1024 * 1024;

/** Nested objects `depth` levels deep, built without recursion. */
function deepObject(depth: number): unknown {
  let v: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) v = { next: v };
  return v;
}
function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
function cyclic(): unknown {
  const a: Record<string, unknown> = { name: 'a' };
  a['self'] = { back: a };
  return a;
}
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** A draft (or anything else) handed to `post`. */
type Entry = readonly [name: string, draft: () => unknown, issue?: string];

// Refused at the door: the receipt says `rejected`, with a typed error.
const REFUSED: readonly Entry[] = [
  ['draft null', () => null],
  ['draft undefined', () => undefined],
  ['draft a number', () => 42],
  ['draft a string', () => 'job'],
  ['draft an array', () => [{ type: 'job' }]],
  ['type missing', () => ({ payload: {} }), 'invalid-type'],
  ['type a number', () => ({ type: 7 }), 'invalid-type'],
  ['type an object', () => ({ type: { name: 'job' } }), 'invalid-type'],
  ['type empty', () => ({ type: '' }), 'invalid-type'],
  ['type 100k characters', () => ({ type: 'j'.repeat(100_000) }), 'invalid-type'],
  ['version a number', () => ({ type: 'job', version: 1.0 })],
  ['partitionKey a number', () => ({ type: 'job', partitionKey: 5 })],
  ['idempotencyKey an object', () => ({ type: 'job', idempotencyKey: { k: 1 } })],
  ['urgency out of range', () => ({ type: 'job', urgency: 2 })],
  ['urgency NaN', () => ({ type: 'job', urgency: Number.NaN })],
  ['header not a string', () => ({ type: 'job', headers: { a: 1 } })],
  ['header __proto__ (own key)', () => ({ type: 'job', headers: JSON.parse('{"__proto__": "x"}') as unknown })],
  ['payload a 2 MiB string', () => ({ type: 'job', payload: 'x'.repeat(2 * MIB) }), 'too-large'],
  ['payload 1.2 MB of 3-byte characters', () => ({ type: 'job', payload: '€'.repeat(400_000) }), 'too-large'],
  ['payload 1.5 MiB of small objects', () => ({ type: 'job', payload: Array.from({ length: 100_000 }, (_, i) => ({ i, s: 'abcdef' })) }), 'too-large'],
  ['payload nested 1,000 objects deep', () => ({ type: 'job', payload: deepObject(1_000) }), 'too-deep'],
  ['payload nested 100,000 arrays deep', () => ({ type: 'job', payload: deepArray(100_000) }), 'too-deep'],
  ['payload cyclic', () => ({ type: 'job', payload: cyclic() }), 'cyclic'],
  [
    'payload cyclic through an array',
    () => ({
      type: 'job',
      payload: (() => {
        const a: unknown[] = [1];
        a.push({ a });
        return a;
      })(),
    }),
    'cyclic',
  ],
  ['payload own __proto__ key', () => ({ type: 'job', payload: JSON.parse('{"__proto__": {"polluted": true}}') as unknown }), 'forbidden-key'],
  ['payload nested __proto__ key', () => ({ type: 'job', payload: JSON.parse('{"a": [{"b": {"__proto__": {"polluted": true}}}]}') as unknown }), 'forbidden-key'],
  ['payload constructor.prototype', () => ({ type: 'job', payload: JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown }), 'forbidden-key'],
  ['payload prototype key', () => ({ type: 'job', payload: JSON.parse('{"prototype": {"polluted": true}}') as unknown }), 'forbidden-key'],
  ['payload lone high surrogate', () => ({ type: 'job', payload: { s: 'ok\uD800' } }), 'invalid-utf16'],
  ['payload lone low surrogate in a key', () => ({ type: 'job', payload: { ['\uDC00k']: 1 } }), 'invalid-utf16'],
  // Envelope strings end up in journals, NATS subjects and headers as UTF-8, where a lone
  // surrogate becomes U+FFFD: two different keys would collapse into one.
  ['type with a lone surrogate', () => ({ type: 'job\uD800' })],
  ['idempotencyKey with a lone surrogate', () => ({ type: 'job', idempotencyKey: 'k\uDFFF' })],
  ['header value with a lone surrogate', () => ({ type: 'job', headers: { h: '\uD83D' } })],
  ['payload a function', () => ({ type: 'job', payload: { f: () => 1 } }), 'not-serialisable'],
  ['payload a BigInt', () => ({ type: 'job', payload: { n: 10n } }), 'not-serialisable'],
  ['payload a symbol value', () => ({ type: 'job', payload: { s: Symbol('x') } }), 'not-serialisable'],
  ['payload undefined in an array', () => ({ type: 'job', payload: [1, undefined, 3] }), 'not-serialisable'],
  // biome-ignore lint/suspicious/noSparseArray: the input under test
  ['payload a sparse array', () => ({ type: 'job', payload: [1, , 3] }), 'not-serialisable'],
  ['payload NaN', () => ({ type: 'job', payload: { n: Number.NaN } }), 'not-serialisable'],
  ['payload Infinity', () => ({ type: 'job', payload: [Number.NEGATIVE_INFINITY] }), 'not-serialisable'],
  ['payload a Date', () => ({ type: 'job', payload: { at: new Date(0) } }), 'not-serialisable'],
  ['payload a Map', () => ({ type: 'job', payload: new Map([['a', 1]]) }), 'not-serialisable'],
  ['payload a class instance', () => ({ type: 'job', payload: new Point(1, 2) }), 'not-serialisable'],
  ['payload a typed array', () => ({ type: 'job', payload: { b: new Uint8Array(4) } }), 'not-serialisable'],
  ['payload a Promise', () => ({ type: 'job', payload: Promise.resolve(1) }), 'not-serialisable'],
  ['payload with a toJSON method', () => ({ type: 'job', payload: { toJSON: () => 'sneaky' } }), 'not-serialisable'],
  [
    'payload getter that throws',
    () => ({
      type: 'job',
      payload: Object.defineProperty({}, 'boom', {
        enumerable: true,
        get() {
          throw new Error('getter exploded');
        },
      }),
    }),
  ],
  [
    'draft whose type getter throws',
    () =>
      Object.defineProperty({}, 'type', {
        enumerable: true,
        get() {
          throw new Error('type getter exploded');
        },
      }),
  ],
  [
    'payload a Proxy that throws on ownKeys',
    () => ({
      type: 'job',
      payload: new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('proxy trap');
          },
        },
      ),
    }),
  ],
];

/** Sends `draft` and returns the receipt, or the exception `post` threw. */
function tryPost(net: Network, draft: unknown): { receipt?: ReturnType<Network['post']>; thrown?: unknown } {
  try {
    return { receipt: net.post('worker', draft as never) };
  } catch (thrown) {
    return { thrown };
  }
}

async function setup(): Promise<{ net: Network; clock: VirtualClock; handled: unknown[] }> {
  const { net, clock } = virtualNetwork({ dedup: false });
  const handled: unknown[] = [];
  net.schemas.register('reading', { versions: { '1.0': (p) => typeof (p as { t?: unknown })?.t === 'number' || 'needs a numeric t' } });
  net.node('worker', { retry: false, breaker: false, handle: (s) => void handled.push(s.payload) });
  await net.start();
  return { net, clock, handled };
}

describe('reliability/bad input', function () {
  this.timeout(20_000);
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  for (const [name, make, issue] of REFUSED) {
    it(`refuses ${name} with a typed error, then handles a valid signal`, async () => {
      const { net, clock, handled } = await setup();
      using rec = recordEvents(net.events$);
      const { receipt, thrown } = tryPost(net, make());
      expect(thrown, `post threw ${String(thrown)}`).to.equal(undefined);
      expect(receipt?.status).to.equal('rejected');
      if (receipt?.status !== 'rejected') return;
      expect(receipt.reason).to.equal('invalid');
      expect(receipt.error.code, `error ${receipt.error.name}: ${receipt.error.message}`).to.match(/^PLEXUS_[A-Z_]+$/);
      if (issue !== undefined) expect(receipt.error.details).to.have.property('issue', issue);
      expect(rec.ofKind('rejected')[0]?.error.code).to.equal(receipt.error.code);
      expect(net.post('worker', { type: 'job', payload: { ok: 1 } }).status).to.equal('accepted');
      await settle(net, clock);
      expect(handled).to.deep.equal([{ ok: 1 }]);
    });
  }

  it('dead-letters an unknown version of a registered type with reason unsupported-version', async () => {
    const { net, clock, handled } = await setup();
    using rec = recordEvents(net.events$);
    expect(net.post('worker', { type: 'reading', version: '9.9', payload: { t: 1 } }).status).to.equal('accepted');
    expect(net.post('worker', { type: 'reading', version: '1.0', payload: { t: 2 } }).status).to.equal('accepted');
    await settle(net, clock);
    const [dl] = rec.ofKind('dead-lettered');
    expect(dl).to.deep.include({ reason: 'unsupported-version' });
    expect(dl!.error.code).to.match(/^PLEXUS_/);
    expect(handled).to.deep.equal([{ t: 2 }]);
  });

  it('dead-letters a payload its schema refuses with reason invalid-payload', async () => {
    const { net, clock, handled } = await setup();
    using rec = recordEvents(net.events$);
    net.post('worker', { type: 'reading', payload: { t: 'hot' } });
    net.post('worker', { type: 'reading', payload: 42 });
    net.post('worker', { type: 'reading', payload: { t: 3 } });
    await settle(net, clock);
    expect(rec.ofKind('dead-lettered').map((e) => e.reason)).to.deep.equal(['invalid-payload', 'invalid-payload']);
    expect(rec.ofKind('dead-lettered')[0]!.error.message).to.include('needs a numeric t');
    expect(handled).to.deep.equal([{ t: 3 }]);
  });

  it('refuses an unknown target with a typed error', async () => {
    const { net } = await setup();
    const r = net.post('nobody', { type: 'job' });
    expect(r).to.deep.include({ status: 'rejected', reason: 'unknown-target' });
    expect(r.status === 'rejected' && r.error.code).to.equal('PLEXUS_UNKNOWN_TARGET');
  });

  it('accepts the largest payload under the limit and a payload nested just under the depth limit', async () => {
    const { net, clock, handled } = await setup();
    expect(net.post('worker', { type: 'job', payload: 'x'.repeat(MIB - 100) }).status).to.equal('accepted');
    expect(net.post('worker', { type: 'job', payload: deepObject(60) }).status).to.equal('accepted');
    await settle(net, clock);
    expect(handled).to.have.length(2);
  });

  it('leaves Object.prototype untouched after the whole corpus', async () => {
    const { net, clock } = await setup();
    for (const [, make] of REFUSED) tryPost(net, make());
    await settle(net, clock);
    const probe: Record<string, unknown> = {};
    expect(probe['polluted']).to.equal(undefined);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(protoBefore);
    expect(Object.prototype).to.not.have.property('polluted');
    expect(Object.getPrototypeOf(probe)).to.equal(Object.prototype);
  });
});

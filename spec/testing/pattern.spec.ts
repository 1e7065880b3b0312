import { expect } from 'chai';
import { matchesEvent, matchesPartial } from '../../lib/testing/index.ts';
import type { NetworkEvent } from '../../lib/observe/events.ts';
import { ev, fakeSignal } from './fake-events.ts';

describe('testing/pattern', () => {
  const s = fakeSignal({ type: 'order', payload: { id: 7, items: [{ sku: 'a', qty: 2 }], meta: { region: 'eu', tags: ['x'] } } });

  it('matches on kind, node, signal type, correlation id, partition and attempt', () => {
    const e = ev('failed', s, { node: 'billing', partition: 3, attempt: 2 });
    expect(matchesEvent(e, { kind: 'failed', node: 'billing', signalType: 'order', correlationId: s.correlationId, partition: 3, attempt: 2 })).to.equal(true);
    expect(matchesEvent(e, { kind: ['completed', 'failed'] })).to.equal(true);
    expect(matchesEvent(e, { kind: 'completed' })).to.equal(false);
    expect(matchesEvent(e, { node: 'shipping' })).to.equal(false);
    expect(matchesEvent(e, { attempt: 1 })).to.equal(false);
  });

  it('never matches a field the event kind does not carry', () => {
    expect(matchesEvent(ev('completed', s), { reason: 'handler-failed' })).to.equal(false);
    expect(matchesEvent(ev('dead-lettered', s, { reason: 'timeout' }), { reason: 'timeout' })).to.equal(true);
    const pressure: NetworkEvent = { kind: 'pressure', at: 0, node: 'w', level: 'warning', fill: 0.85 };
    expect(matchesEvent(pressure, { payload: {} })).to.equal(false);
    expect(matchesEvent(pressure, { node: 'w' })).to.equal(true);
  });

  it('matches breaker events by their name as the node', () => {
    const b: NetworkEvent = { kind: 'breaker', at: 0, name: 'store', from: 'closed', to: 'open', pressureLevel: 1 };
    expect(matchesEvent(b, { kind: 'breaker', node: 'store' })).to.equal(true);
  });

  it('matches payloads deep-partially', () => {
    const e = ev('completed', s);
    expect(matchesEvent(e, { payload: { id: 7 } })).to.equal(true);
    expect(matchesEvent(e, { payload: { meta: { region: 'eu' } } })).to.equal(true);
    expect(matchesEvent(e, { payload: { items: [{ sku: 'a' }] } })).to.equal(true);
    expect(matchesEvent(e, { payload: { items: [] } })).to.equal(false, 'arrays match element-wise with equal length');
    expect(matchesEvent(e, { payload: { meta: { region: 'us' } } })).to.equal(false);
    expect(matchesEvent(e, { payload: { missing: undefined } })).to.equal(false, 'a listed key must exist');
    expect(matchesEvent(e, { payload: { id: (v: unknown) => typeof v === 'number' && v > 5 } })).to.equal(true);
  });

  it('compares primitives with Object.is and never walks the prototype for pattern keys', () => {
    expect(matchesPartial(Number.NaN, Number.NaN)).to.equal(true);
    expect(matchesPartial(0, -0)).to.equal(false);
    expect(matchesPartial({}, JSON.parse('{"__proto__": {}}'))).to.equal(false);
    expect(matchesPartial(JSON.parse('{"__proto__": {"x": 1}}'), JSON.parse('{"__proto__": {"x": 1}}'))).to.equal(true);
    expect(matchesPartial({ toString: 1 }, { toString: 1 })).to.equal(true);
    expect(matchesPartial({}, { toString: Object.prototype.toString })).to.equal(false);
  });

  it('survives cyclic patterns and payloads', () => {
    const a: Record<string, unknown> = { n: 1 };
    a['self'] = a;
    const p: Record<string, unknown> = { n: 1 };
    p['self'] = p;
    expect(matchesPartial(a, p)).to.equal(true);
  });

  it('accepts a predicate instead of a pattern', () => {
    expect(matchesEvent(ev('started', s), (x) => x.kind === 'started')).to.equal(true);
  });
});

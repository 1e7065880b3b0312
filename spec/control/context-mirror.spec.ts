import { expect } from 'chai';
import { ContextError } from '../../lib/control/context-errors.ts';
import { ContextMirror, type ContextChange, type ContextEntry } from '../../lib/control/context-mirror.ts';
import { InvalidOptionsError } from '../../lib/resilience/errors.ts';
import { ValidationError } from '../../lib/signal/errors.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

const LIMITS = { maxBytes: 1024, maxDepth: 8 };

function mirror(): { clock: VirtualClock; context: ContextMirror; changes: ContextChange[] } {
  const clock = new VirtualClock();
  const changes: ContextChange[] = [];
  const context = new ContextMirror({ clock, limits: LIMITS, onChange: (c) => changes.push(c) });
  return { clock, context, changes };
}

describe('control: context mirror', () => {
  it('publishes and reads a value with its publisher and publish time; a re-publish of the same value is no change', async () => {
    const { clock, context, changes } = mirror();
    expect(context.get('node.store.breakerState')).to.equal(undefined);
    context.publish('node.store.breakerState', 'closed', { publisher: 'net-a' });
    await clock.advance(5);
    context.publish('network.health', { status: 'healthy' }, { publisher: 'net-a' });
    const entry = context.get('network.health');
    expect(entry).to.deep.equal({ key: 'network.health', value: { status: 'healthy' }, publisher: 'net-a', publishedAt: clock.now(), expiresAt: undefined });
    expect(Object.isFrozen(entry?.value)).to.equal(true, 'readers cannot change what others read');
    expect(context.entries().map((e) => e.key)).to.deep.equal(['node.store.breakerState', 'network.health']);
    expect(context.entries('node.').map((e) => e.key)).to.deep.equal(['node.store.breakerState']);
    await clock.advance(5);
    context.publish('network.health', { status: 'healthy' }, { publisher: 'net-a' });
    expect(context.get('network.health')?.publishedAt).to.equal(clock.now(), 'the time is refreshed');
    expect(changes.map((c) => `${c.change}:${c.entry.key}`)).to.deep.equal(['set:node.store.breakerState', 'set:network.health']);
    context.publish('network.health', { status: 'healthy' }, { publisher: 'net-b' });
    expect(changes).to.have.length(3, 'another publisher is a change');
  });

  it('expires a value when its TTL passes on the clock, unless published again before', async () => {
    const { clock, context, changes } = mirror();
    context.publish('node.a.pressureLevel', 'warning', { publisher: 'p', ttlMs: 1000 });
    expect(context.get('node.a.pressureLevel')?.expiresAt).to.equal(clock.now() + 1000);
    await clock.advance(900);
    context.publish('node.a.pressureLevel', 'warning', { publisher: 'p', ttlMs: 1000 });
    await clock.advance(900);
    expect(context.get('node.a.pressureLevel')?.value).to.equal('warning', 'the re-publish renewed the TTL');
    expect(clock.pendingTimers).to.equal(1, 'the first TTL timer was cleared');
    await clock.advance(100);
    expect(context.get('node.a.pressureLevel')).to.equal(undefined);
    expect(clock.pendingTimers).to.equal(0);
    expect(changes.map((c) => c.change)).to.deep.equal(['set', 'expired']);
  });

  it('watches a key from its current value on, through changes and expiry', async () => {
    const { clock, context } = mirror();
    context.publish('node.a.breakerState', 'closed', { publisher: 'p' });
    const seen: (unknown | undefined)[] = [];
    const subscription = context.watch('node.a.breakerState').subscribe((e) => seen.push(e?.value));
    context.publish('node.a.breakerState', 'closed', { publisher: 'p' });
    context.publish('node.a.breakerState', 'open', { publisher: 'p', ttlMs: 10 });
    context.publish('node.b.breakerState', 'open', { publisher: 'p' });
    await clock.advance(10);
    subscription.unsubscribe();
    context.publish('node.a.breakerState', 'half-open', { publisher: 'p' });
    expect(seen).to.deep.equal(['closed', 'open', undefined]);
    const late: (ContextEntry | undefined)[] = [];
    context.watch('node.z').subscribe((e) => late.push(e));
    expect(late).to.deep.equal([undefined], 'a key with no value starts with undefined');
  });

  it('watches a prefix from its current entries on, and completes every watch on close', () => {
    const { context } = mirror();
    context.publish('node.a.breakerState', 'closed', { publisher: 'p' });
    context.publish('network.health', 'healthy', { publisher: 'p' });
    const seen: string[][] = [];
    let completed = false;
    context.watchPrefix('node.').subscribe({ next: (entries) => seen.push(entries.map((e) => `${e.key}=${String(e.value)}`)), complete: () => (completed = true) });
    context.publish('node.b.pressureLevel', 'normal', { publisher: 'p' });
    context.publish('network.health', 'degraded', { publisher: 'p' });
    context.remove('node.a.breakerState');
    expect(seen).to.deep.equal([['node.a.breakerState=closed'], ['node.a.breakerState=closed', 'node.b.pressureLevel=normal'], ['node.b.pressureLevel=normal']]);
    context.close();
    expect(completed).to.equal(true);
    expect(() => context.publish('node.a.x', 1, { publisher: 'p' }))
      .to.throw(ContextError)
      .with.property('reason', 'closed');
    expect(context.get('network.health')?.value).to.equal('degraded', 'values stay readable after close');
  });

  it('refuses a value that is no JSON with a typed error naming the rule, and a bad key or options', () => {
    const { context, changes } = mirror();
    const refusal = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: Number.NaN }, new Map(), { big: 'x'.repeat(2000) }, () => 1]) {
      const e = refusal(() => context.publish('network.x', bad, { publisher: 'p' }));
      expect(e).to.be.instanceOf(ContextError);
      expect((e as ContextError).code).to.equal('PLEXUS_CONTEXT');
      expect((e as ContextError).reason).to.equal('invalid-value');
      expect((e as ContextError).cause).to.be.instanceOf(ValidationError);
    }
    for (const key of ['', 'a..b', '.a', 'a.', 'a b', 'x'.repeat(300)])
      expect(refusal(() => context.publish(key, 1, { publisher: 'p' })))
        .to.be.instanceOf(ContextError)
        .with.property('reason', 'invalid-key');
    expect(refusal(() => context.publish('a', 1, { publisher: '' }))).to.be.instanceOf(InvalidOptionsError);
    expect(refusal(() => context.publish('a', 1, { publisher: 'p', ttlMs: 0 }))).to.be.instanceOf(InvalidOptionsError);
    expect(refusal(() => context.publish('a', 1, { publisher: 'p', ttl: 5 } as never))).to.be.instanceOf(InvalidOptionsError);
    expect(refusal(() => context.watchPrefix('a..'))).to.be.instanceOf(ContextError);
    expect(context.entries()).to.deep.equal([]);
    expect(changes).to.deep.equal([]);
  });

  it('keeps publishing when a watcher throws (the error is counted)', () => {
    const { context } = mirror();
    context.watch('a').subscribe((e) => {
      if (e !== undefined) throw new Error('watcher bug');
    });
    context.publish('a', 1, { publisher: 'p' });
    expect(context.get('a')?.value).to.equal(1);
    expect(context.subscriberErrors).to.equal(1);
  });
});

import { expect } from 'chai';
import { createFailoverGroup, type FailoverAuditEntry } from '../../lib/control/failover-group.ts';
import { FAILOVER_EXHAUSTED_CODE, NoHealthyMemberError } from '../../lib/control/failover-errors.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

/** Three members that record which one took each call; `failing` makes a member throw. */
function fixture(options: { healthy?: Record<string, boolean>; failureThreshold?: number } = {}) {
  const clock = new VirtualClock();
  const calls: string[] = [];
  const failing = new Set<string>();
  const health = options.healthy;
  const member = (name: string) => ({
    name,
    call: async (value: number) => {
      calls.push(name);
      if (failing.has(name)) throw new Error(`${name} down`);
      return `${name}:${value}`;
    },
    ...(health !== undefined ? { healthy: () => health[name] ?? true } : {}),
  });
  const group = createFailoverGroup({
    name: 'db',
    members: [member('a'), member('b'), member('c')],
    clock,
    ...(options.failureThreshold !== undefined ? { failureThreshold: options.failureThreshold } : {}),
  });
  return { clock, calls, failing, group };
}

async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.catch((error: Error) => error);
}

describe('failover group', () => {
  it('has exactly one active member and calls reach the active member only', async () => {
    const { group, calls } = fixture();
    const results = await Promise.all([group.call(1), group.call(2), group.call(3)]);
    expect(group.active).to.equal('a');
    expect(results).to.deep.equal(['a:1', 'a:2', 'a:3']);
    expect(calls).to.deep.equal(['a', 'a', 'a']);
    expect(group.snapshot().audit.map((entry) => [entry.action, entry.to])).to.deep.equal([['acquire', 'a']]);
    group.dispose();
  });

  it('switches to the next healthy standby after failureThreshold failures in a row', async () => {
    const { group, calls, failing, clock } = fixture({ failureThreshold: 2 });
    const seen: FailoverAuditEntry[] = [];
    group.state$.subscribe((entry) => seen.push(entry));
    failing.add('a');
    await settle(group.call(1));
    const activeAfterOne = group.active;
    await settle(group.call(2));
    const result = await group.call(3);
    expect(activeAfterOne).to.equal('a');
    expect(group.active).to.equal('b');
    expect(result).to.equal('b:3');
    expect(calls).to.deep.equal(['a', 'a', 'b']);
    expect(seen).to.deep.equal([{ at: clock.now(), action: 'switch', from: 'a', to: 'b', by: 'group', reason: '2 consecutive failures' }]);
    group.dispose();
  });

  it('a success resets the failure count', async () => {
    const { group, failing } = fixture({ failureThreshold: 2 });
    failing.add('a');
    await settle(group.call(1));
    failing.delete('a');
    await group.call(2);
    failing.add('a');
    await settle(group.call(3));
    expect(group.active).to.equal('a');
    group.dispose();
  });

  it('switches by hand and on release, each audited with who, when and why', async () => {
    const { group, clock, calls } = fixture();
    await clock.advance(1_000);
    group.switchTo('c', { by: 'alice', reason: 'maintenance on a' });
    await group.call(1);
    await clock.advance(500);
    group.release({ by: 'bob', reason: 'c drains' });
    await group.call(2);
    expect(calls).to.deep.equal(['c', 'a']);
    const start = clock.now() - 1_500;
    expect(group.audit()).to.deep.equal([
      { at: start, action: 'acquire', from: undefined, to: 'a', by: 'group', reason: 'created' },
      { at: start + 1_000, action: 'switch', from: 'a', to: 'c', by: 'alice', reason: 'maintenance on a' },
      { at: start + 1_500, action: 'release', from: 'c', to: 'a', by: 'bob', reason: 'c drains' },
    ]);
    expect(() => group.switchTo('nope')).to.throw(NoHealthyMemberError);
    group.dispose();
  });

  it('with no healthy member, calls reject with NoHealthyMemberError (PLEXUS_FAILOVER_EXHAUSTED), and a recovered member is acquired', async () => {
    const health = { a: true, b: true, c: true };
    const { group, clock, calls } = fixture({ healthy: health });
    health.a = false;
    health.b = false;
    health.c = false;
    await clock.advance(5_000);
    const refused = await settle(group.call(1));
    const releaseRefused = (() => {
      try {
        group.release();
        return undefined;
      } catch (error) {
        return error;
      }
    })();
    health.b = true;
    await clock.advance(5_000);
    const afterRecovery = await group.call(2);
    expect(refused).to.be.instanceOf(NoHealthyMemberError);
    expect((refused as NoHealthyMemberError).code).to.equal(FAILOVER_EXHAUSTED_CODE);
    expect(releaseRefused).to.be.instanceOf(NoHealthyMemberError);
    expect(afterRecovery).to.equal('b:2');
    expect(calls).to.deep.equal(['b']);
    expect(group.audit().map((entry) => [entry.action, entry.from, entry.to])).to.deep.equal([
      ['acquire', undefined, 'a'],
      ['switch', 'a', 'b'],
      ['switch', 'b', 'c'],
      ['switch', 'c', undefined],
      ['acquire', undefined, 'b'],
    ]);
    group.dispose();
  });

  it('a failed health probe switches the group; an unhealthy member cannot be switched to', async () => {
    const health = { a: true, b: true, c: true };
    const { group, clock } = fixture({ healthy: health });
    health.a = false;
    await clock.advance(4_999);
    const beforeProbe = group.active;
    await clock.advance(1);
    expect(beforeProbe).to.equal('a');
    expect(group.active).to.equal('b');
    expect(() => group.switchTo('a')).to.throw(NoHealthyMemberError);
    group.dispose();
  });

  it('snapshot and restore carry the active member, the unhealthy ones and the audit over a restart', async () => {
    const first = fixture({ failureThreshold: 1 });
    first.failing.add('a');
    await settle(first.group.call(1));
    first.group.switchTo('c', { by: 'alice', reason: 'prefer c' });
    const saved = JSON.parse(JSON.stringify(first.group.snapshot()));
    first.group.dispose();

    const second = fixture();
    second.group.restore(saved);
    const result = await second.group.call(5);
    expect(result).to.equal('c:5');
    expect(second.group.snapshot()).to.deep.equal(saved);
    expect(saved.unhealthy).to.deep.equal(['a']);
    expect(() => second.group.switchTo('a')).to.throw(NoHealthyMemberError);
    second.group.dispose();
  });

  it('dispose clears the probe timer and refuses later calls', async () => {
    const { group, clock } = fixture({ healthy: {} });
    const pendingBefore = clock.pendingTimers;
    group.dispose();
    const refused = await settle(group.call(1));
    expect(pendingBefore).to.equal(1);
    expect(clock.pendingTimers).to.equal(0);
    expect(refused).to.be.instanceOf(NoHealthyMemberError);
  });

  it('checks its options', () => {
    const clock = new VirtualClock();
    const call = async () => 1;
    expect(() => createFailoverGroup({ name: 'x', members: [{ name: 'a', call }], clock, treshold: 2 } as never)).to.throw(/unknown option/);
    expect(() =>
      createFailoverGroup({
        name: 'x',
        members: [
          { name: 'a', call },
          { name: 'a', call },
        ],
        clock,
      }),
    ).to.throw(/unique/);
    expect(() => createFailoverGroup({ name: 'x', members: [], clock })).to.throw(/non-empty/);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createNetwork, type NetworkEvent, type NetworkOptions } from '../../lib/index.ts';
import { FileJournal } from '../../lib/delivery/file-journal.ts';
import { NoHealthyMemberError } from '../../lib/control/failover-errors.ts';
import { FAILOVER_RUNBOOK } from '../../lib/network/node-failover.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { testNetwork } from '../support/networks.ts';

type FailoverEvent = Extract<NetworkEvent, { kind: 'failover' }>;

/** A network with members pay-a, pay-b, pay-c (each records what it handled) in group `pay`; health readings fixed. */
function payNetwork(options: NetworkOptions = {}, clock = new VirtualClock()) {
  const { net } = testNetwork({ clock, health: { intervalMs: 1_000, timeoutMs: 100, readEventLoopLagMs: () => 0, readHeapUsed: () => 100, heapLimitBytes: 1_000 }, ...options });
  const handled: [string, unknown][] = [];
  const gates: Record<string, Promise<void> | undefined> = {};
  for (const name of ['pay-a', 'pay-b', 'pay-c']) {
    net.node(name, {
      partitions: 1,
      capacity: 20,
      retry: false,
      breaker: {},
      handle: async (signal) => {
        await gates[name];
        handled.push([name, signal.payload]);
      },
    });
  }
  const group = net.failover('pay', { members: ['pay-a', 'pay-b', 'pay-c'] });
  const events: FailoverEvent[] = [];
  net.events$.subscribe((event) => {
    if (event.kind === 'failover') events.push(event);
  });
  return { net, clock, group, handled, gates, events };
}

const metricLines = async (net: { metrics: { text(): Promise<string> } }): Promise<string[]> => (await net.metrics.text()).split('\n').filter((line) => line.startsWith('plexus_failover'));

describe('network: failover groups of nodes', () => {
  it('signals posted, sent and emitted to the group reach the active member only', async () => {
    const { net, group, handled } = payNetwork();
    net.node('front', { handle: (signal, ctx) => void ctx.emit('pay', { type: 'charge', payload: `emitted ${String(signal.payload)}` }) });
    await net.start();
    const receipt = net.post('pay', { type: 'charge', payload: 1 });
    await net.send('pay', { type: 'charge', payload: 2 });
    net.post('front', { type: 'order', payload: 3 });
    await net.idle();
    expect(receipt).to.include({ status: 'accepted', target: 'pay-a' });
    expect(group.active).to.equal('pay-a');
    expect(handled).to.deep.equal([
      ['pay-a', 1],
      ['pay-a', 2],
      ['pay-a', 'emitted 3'],
    ]);
    await net.shutdown();
  });

  it('an open breaker switches the group to the next healthy standby in one step: event, metrics, report, audit', async () => {
    const { net, group, handled, events, clock } = payNetwork();
    await net.start();
    net.breaker('pay-a')!.isolate();
    const receipt = net.post('pay', { type: 'charge', payload: 1 });
    await net.idle();
    expect(receipt).to.include({ status: 'accepted', target: 'pay-b' });
    expect(handled).to.deep.equal([['pay-b', 1]]);
    expect(events.map((e) => [e.action, e.from, e.to, e.by, e.reason, e.runbook])).to.deep.equal([
      ['switch', 'pay-a', 'pay-b', 'group', 'pay-a: breaker open', 'docs/operations.md#failover-switched'],
    ]);
    expect(await metricLines(net)).to.include.members([
      'plexus_failover_active{group="pay",member="pay-a",network="spec"} 0',
      'plexus_failover_active{group="pay",member="pay-b",network="spec"} 1',
      'plexus_failover_switches_total{group="pay",network="spec"} 1',
    ]);
    const section = net.health().failover.pay!;
    expect(section).to.deep.include({ active: 'pay-b', members: { 'pay-a': 'unhealthy', 'pay-b': 'healthy', 'pay-c': 'healthy' }, switches: 1, lock: undefined });
    expect(section.lastChange).to.deep.equal({ at: clock.now(), action: 'switch', from: 'pay-a', to: 'pay-b', by: 'group', reason: 'pay-a: breaker open' });
    // Back to closed: pay-a is a healthy standby again, the group stays where it is.
    net.breaker('pay-a')!.reset();
    expect(group.active).to.equal('pay-b');
    expect(net.health().failover.pay!.members['pay-a']).to.equal('healthy');
    await net.shutdown();
  });

  it('a member whose health check turns unhealthy (a full mailbox) hands the group on; queued signals stay with it', async () => {
    const { net, group, handled, gates, clock } = payNetwork();
    let open: () => void = () => {};
    gates['pay-a'] = new Promise<void>((resolve) => (open = resolve));
    await net.start();
    for (let i = 0; i < 19; i++) net.post('pay', { type: 'charge', payload: i });
    await clock.advance(1_000);
    expect(net.health().components['node:pay-a']!.status).to.equal('unhealthy');
    expect(group.active).to.equal('pay-b');
    net.post('pay', { type: 'charge', payload: 'after' });
    open();
    await net.idle();
    expect(handled.filter(([member]) => member === 'pay-a')).to.have.length(19);
    expect(handled.filter(([member]) => member === 'pay-b')).to.deep.equal([['pay-b', 'after']]);
    expect(group.audit().at(-1)).to.include({ from: 'pay-a', to: 'pay-b', reason: 'pay-a: health check unhealthy' });
    await net.shutdown();
  });

  it('switches by hand and on release, each audited with who and why; refuses unhealthy or unknown members', async () => {
    const { net, group, events } = payNetwork();
    await net.start();
    await group.switchTo('pay-c', { by: 'alice', reason: 'maintenance on pay-a' });
    await group.release({ by: 'bob', reason: 'pay-c drains' });
    net.breaker('pay-b')!.isolate();
    const unhealthy = await group.switchTo('pay-b').catch((error: unknown) => error);
    const unknown = await group.switchTo('nope').catch((error: unknown) => error);
    expect(group.active).to.equal('pay-a');
    expect(events.map((e) => [e.action, e.from, e.to, e.by, e.reason])).to.deep.equal([
      ['switch', 'pay-a', 'pay-c', 'alice', 'maintenance on pay-a'],
      ['release', 'pay-c', 'pay-a', 'bob', 'pay-c drains'],
    ]);
    expect(unhealthy).to.be.instanceOf(NoHealthyMemberError);
    expect(unknown).to.be.instanceOf(NoHealthyMemberError);
    expect(group.audit().map((entry) => [entry.action, entry.to, entry.by])).to.deep.equal([
      ['acquire', 'pay-a', 'group'],
      ['switch', 'pay-c', 'alice'],
      ['release', 'pay-a', 'bob'],
    ]);
    await net.shutdown();
  });

  it('with no healthy member, signals to the group are refused as no-active-member (PLEXUS_FAILOVER_EXHAUSTED); a recovered member is acquired', async () => {
    const { net, group } = payNetwork();
    await net.start();
    for (const member of ['pay-a', 'pay-b', 'pay-c']) net.breaker(member)!.isolate();
    const refused = net.post('pay', { type: 'charge' });
    net.breaker('pay-c')!.reset();
    const accepted = net.post('pay', { type: 'charge' });
    await net.idle();
    expect(refused).to.include({ status: 'rejected', reason: 'no-active-member' });
    expect(refused.status === 'rejected' && refused.error.code).to.equal('PLEXUS_FAILOVER_EXHAUSTED');
    expect(accepted).to.include({ status: 'accepted', target: 'pay-c' });
    expect(net.health().components['failover:pay']!.status).to.be.oneOf(['healthy', 'unknown']);
    expect(
      group
        .audit()
        .slice(-2)
        .map((entry) => [entry.action, entry.from, entry.to]),
    ).to.deep.equal([
      ['switch', 'pay-c', undefined],
      ['acquire', undefined, 'pay-c'],
    ]);
    await net.shutdown();
  });

  it('names a runbook entry that docs/operations.md has', () => {
    // GitHub's anchors: each heading lower-cased, punctuation dropped, spaces as hyphens.
    const anchors = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) =>
        line
          .replace(/^#+\s*/, '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
    expect(anchors).to.include(FAILOVER_RUNBOOK.split('#')[1]);
  });

  it('checks its options and names', () => {
    const { net } = payNetwork();
    expect(() => net.failover('pay', { members: ['pay-a'] })).to.throw(/already exists/);
    expect(() => net.failover('pay-a', { members: ['pay-b'] })).to.throw(/already a node/);
    expect(() => net.failover('g', { members: [] })).to.throw(/non-empty/);
    expect(() => net.failover('g', { members: ['pay-a', 'nope'] })).to.throw(/members\[1\]/);
    expect(() => net.failover('g', { members: ['pay-a', 'pay-a'] })).to.throw(/twice/);
    expect(() => net.failover('g', { members: ['pay-a'], lock: { leaseMs: 1_000, renewMs: 1_000 } })).to.throw(/less than/);
    expect(() => net.failover('g', { members: ['pay-a'], treshold: 1 } as never)).to.throw(/unknown option/);
    expect(() => net.node('pay', { handle: () => {} })).to.throw(/failover group/);
  });

  describe('with a durable journal', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'plexus-failover-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('a restarted network comes back with the same active member and its audit trail, through compactions too', async () => {
      const path = join(dir, 'journal.jsonl');
      const clock = new VirtualClock();
      const first = payNetwork({ journal: new FileJournal({ path, maxBytes: 2_000 }) }, clock);
      await first.net.start();
      await first.group.switchTo('pay-b', { by: 'alice', reason: 'maintenance on pay-a' });
      await clock.advance(500);
      first.net.breaker('pay-b')!.isolate();
      // Enough signals to compact the file several times over.
      for (let i = 0; i < 40; i++) await first.net.send('pay', { type: 'charge', payload: 'x'.repeat(100) });
      await first.net.idle();
      const trail = first.group.audit();
      await first.net.shutdown();
      expect(trail.map((entry) => [entry.action, entry.to, entry.by])).to.deep.equal([
        ['acquire', 'pay-a', 'group'],
        ['switch', 'pay-b', 'alice'],
        ['switch', 'pay-c', 'group'],
      ]);

      const second = payNetwork({ journal: new FileJournal({ path }) }, clock);
      const beforeStart = second.group.active;
      await second.net.start();
      const receipt = second.net.post('pay', { type: 'charge' });
      await second.net.idle();
      expect(beforeStart).to.equal('pay-a');
      expect(second.group.active).to.equal('pay-c');
      expect(receipt).to.include({ target: 'pay-c' });
      // pay-b was unhealthy when the state was kept; its breaker is closed in this run, so it is a healthy standby again.
      expect(second.net.health().failover.pay!.members['pay-b']).to.equal('healthy');
      expect(JSON.parse(JSON.stringify(second.group.audit()))).to.deep.equal(JSON.parse(JSON.stringify(trail)));
      await second.net.shutdown();
    });

    it('the active member chosen by hand survives a restart', async () => {
      const path = join(dir, 'journal.jsonl');
      const first = payNetwork({ journal: new FileJournal({ path }) });
      await first.net.start();
      await first.group.switchTo('pay-b', { by: 'alice', reason: 'prefer b' });
      await first.net.send('pay', { type: 'charge' });
      await first.net.shutdown();
      const second = payNetwork({ journal: new FileJournal({ path }) });
      await second.net.start();
      expect(second.group.active).to.equal('pay-b');
      expect(second.group.audit().at(-1)).to.include({ action: 'switch', to: 'pay-b', by: 'alice', reason: 'prefer b' });
      await second.net.shutdown();
    });
  });

  it('without a journal to keep it, createNetwork still takes groups (memory journal: nothing kept)', async () => {
    const net = createNetwork({ name: 'plain', clock: new VirtualClock(), journal: false });
    net.node('x', { handle: () => {} });
    net.node('y', { handle: () => {} });
    const group = net.failover('xy', { members: ['x', 'y'], lock: false });
    await net.start();
    expect(net.post('xy', { type: 't' })).to.include({ target: 'x' });
    expect(net.failoverGroups).to.deep.equal([group]);
    await net.idle();
    await net.shutdown();
  });
});

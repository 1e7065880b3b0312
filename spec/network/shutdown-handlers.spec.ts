import { expect } from 'chai';
import { InvalidOptionsError, LifecycleError, MemoryJournal, type NetworkEvent, type ShutdownHandlerRecord } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { testNetwork } from '../support/networks.ts';

/** The handler records of one phase of a report. */
const handlersOf = (report: { phases: readonly { phase: string; handlers: readonly ShutdownHandlerRecord[] }[] }, phase: string) => report.phases.find((p) => p.phase === phase)!.handlers;

describe('network: shutdown handlers', () => {
  it('run in SaveState once the nodes are still and in CleanupResources, in order, each reported in its phase', async () => {
    const { net, clock } = testNetwork({ health: false });
    const seen: string[] = [];
    let handled = 0;
    net.node('w', { partitions: 1, handle: () => sleep(clock, 10).then(() => void handled++) });
    net.onShutdown('save-state', 'orders-checkpoint', async (ctx) => {
      seen.push(`save:${ctx.phase}:handled=${handled}:forced=${ctx.forced}`);
      await sleep(clock, 20);
    });
    net.onShutdown('save-state', 'flush', () => void seen.push('flush'));
    net.onShutdown('cleanup-resources', 'db-pool', () => void seen.push(`cleanup:${net.state}`));
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => e.kind === 'shutdown-handler' && events.push(e));
    await net.start();
    for (let i = 0; i < 5; i++) net.post('w', { type: 't' });
    const reportP = net.shutdown({ timeoutMs: 10_000 });
    await clock.advance(100);
    const report = await reportP;
    // The checkpoint saw every signal handled: it ran after the drain.
    expect(seen).to.deep.equal(['save:save-state:handled=5:forced=false', 'flush', 'cleanup:stopping']);
    const save = handlersOf(report, 'save-state');
    expect(save.map((r) => [r.name, r.outcome, r.durationMs])).to.deep.equal([
      ['orders-checkpoint', 'ok', 20],
      ['flush', 'ok', 0],
    ]);
    expect(handlersOf(report, 'cleanup-resources').map((r) => [r.name, r.phase, r.outcome])).to.deep.equal([['db-pool', 'cleanup-resources', 'ok']]);
    expect(handlersOf(report, 'finish-active-requests')).to.deep.equal([]);
    // The node's breaker snapshot, and each save-state handler that ended ok.
    expect(Object.keys(report.breakers)).to.deep.equal(['w']);
    expect(report.checkpoints).to.equal(1 + 2);
    expect(events.map((e) => e.kind === 'shutdown-handler' && `${e.phase}/${e.name}/${e.outcome}`)).to.deep.equal([
      'save-state/orders-checkpoint/ok',
      'save-state/flush/ok',
      'cleanup-resources/db-pool/ok',
    ]);
  });

  it('a handler that throws, rejects or hangs is reported and never blocks the shutdown; a hanging one is aborted at its limit', async () => {
    const { net, clock } = testNetwork({ health: false });
    let abortedWith: unknown;
    let after = false;
    net.onShutdown('save-state', 'throws', () => {
      throw new Error('disk full');
    });
    net.onShutdown('save-state', 'rejects', () => Promise.reject(new Error('no route')));
    net.onShutdown(
      'save-state',
      'hangs',
      (ctx) =>
        new Promise<void>(() => {
          ctx.abortSignal.addEventListener('abort', () => void (abortedWith = ctx.abortSignal.reason));
        }),
      { timeoutMs: 2_000 },
    );
    net.onShutdown('cleanup-resources', 'after', () => void (after = true));
    await net.start();
    const reportP = net.shutdown();
    let done = false;
    void reportP.then(() => (done = true));
    await clock.advance(1_999);
    expect(done, 'still waiting for the hanging handler').to.equal(false);
    await clock.advance(1);
    const report = await reportP;
    expect(handlersOf(report, 'save-state').map((r) => ({ name: r.name, outcome: r.outcome, durationMs: r.durationMs, error: r.error }))).to.deep.equal([
      { name: 'throws', outcome: 'error', durationMs: 0, error: 'disk full' },
      { name: 'rejects', outcome: 'error', durationMs: 0, error: 'no route' },
      { name: 'hangs', outcome: 'timeout', durationMs: 2_000, error: 'did not finish within 2000 ms' },
    ]);
    expect(String(abortedWith)).to.match(/hangs timed out after 2000 ms/);
    expect(after, 'the next phase ran').to.equal(true);
    expect(report.checkpoints).to.equal(0);
    expect(report.errors).to.deep.equal([], 'handler failures are in their records, not phase errors');
    expect(net.state).to.equal('terminated');
  });

  it('tells handlers that the shutdown was forced', async () => {
    const { net, clock } = testNetwork({ health: false });
    const forced: boolean[] = [];
    net.node('w', { partitions: 1, handle: () => sleep(clock, 1_000) });
    net.onShutdown('save-state', 'a', (ctx) => void forced.push(ctx.forced));
    net.onShutdown('cleanup-resources', 'b', (ctx) => void forced.push(ctx.forced));
    await net.start();
    net.post('w', { type: 't' });
    const report = await net.shutdown({ force: true });
    expect(report.leftover).to.have.length(1);
    expect(forced).to.deep.equal([true, true]);
  });

  it('dispose() removes a handler; names are unique per phase; options and arguments are checked', async () => {
    const { net } = testNetwork({ health: false });
    let ran = 0;
    const h = net.onShutdown('save-state', 'x', () => void ran++);
    expect(() => net.onShutdown('save-state', 'x', () => {})).to.throw(InvalidOptionsError, /already registered/);
    net.onShutdown('cleanup-resources', 'x', () => void ran++); // another phase: fine
    h.dispose();
    net.onShutdown('save-state', 'x', () => void (ran += 10)); // the name is free again
    expect(() => net.onShutdown('save-state', 'y', () => {}, { timeotMs: 5 } as never)).to.throw(InvalidOptionsError, /timeoutMs/);
    expect(() => net.onShutdown('save-state', 'y', () => {}, { timeoutMs: 0 })).to.throw(InvalidOptionsError, /timeoutMs/);
    expect(() => net.onShutdown('drain' as never, 'y', () => {})).to.throw(InvalidOptionsError, /save-state, cleanup-resources/);
    expect(() => net.onShutdown('save-state', '', () => {})).to.throw(InvalidOptionsError, /name/);
    expect(() => net.onShutdown('save-state', 'y', 'nope' as never)).to.throw(InvalidOptionsError, /handler/);
    await net.start();
    await net.shutdown();
    expect(ran).to.equal(11);
    expect(() => net.onShutdown('save-state', 'late', () => {})).to.throw(LifecycleError, /terminated/);
  });

  it('a cleanup handler runs before the journal closes (it may still read the network)', async () => {
    const journal = new MemoryJournal(100);
    const order: string[] = [];
    const close = journal.close.bind(journal);
    journal.close = () => {
      order.push('journal closed');
      return close();
    };
    const { net } = testNetwork({ health: false, journal });
    net.onShutdown('cleanup-resources', 'reader', () => void order.push(`handler (dead letters: ${net.dlq.size})`));
    await net.start();
    await net.shutdown();
    expect(order).to.deep.equal(['handler (dead letters: 0)', 'journal closed']);
  });
});

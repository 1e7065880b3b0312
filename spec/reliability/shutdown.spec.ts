/**
 * Shutdown under fault: a drain that cannot finish because handlers hang. The report must say
 * what remained, and every accepted signal must end up somewhere a user can see: completed,
 * dead-lettered, handed back in `leftover`, or counted as still running. Nothing silently lost.
 */
import { expect } from 'chai';
import type { Network, ShutdownReport, Signal } from '../../lib/index.ts';
import { expectEvents, createHangingHandler, recordEvents, type EventRecorder } from '../../lib/testing/index.ts';
import { virtualNetwork } from './harness.ts';
import type { VirtualClock } from '../../lib/testing/index.ts';

/** Starts a shutdown and advances the clock past its drain timeout. */
async function shutdownWithTimeout(net: Network, clock: VirtualClock, timeoutMs: number): Promise<ShutdownReport> {
  const done = net.shutdown({ timeoutMs });
  await clock.advance(timeoutMs + 1);
  return done;
}

/** Every accepted id is completed, dead-lettered or in the leftover, exactly once. */
function unaccounted(ids: readonly string[], rec: EventRecorder, report: ShutdownReport): string[] {
  const ended = new Set([...rec.ofKind('completed'), ...rec.ofKind('dead-lettered')].map((e) => e.signalId));
  const left = new Set(report.leftover.map((s) => s.id));
  return ids.filter((id) => !ended.has(id) && !left.has(id));
}

describe('reliability/shutdown under fault', function () {
  this.timeout(10_000);

  it('times out a drain blocked by hanging handlers and reports what remained', async () => {
    const { net, clock } = virtualNetwork();
    const handle = createHangingHandler<Signal>();
    net.node('stuck', { partitions: 2, retry: false, breaker: false, handle });
    net.node('fine', { partitions: 2, handle: async () => {} });
    using rec = recordEvents(net.events$);
    await net.start();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = net.post('stuck', { type: 'job', payload: { i }, partitionKey: `k${i % 2}` });
      if (r.status === 'accepted') ids.push(r.id);
    }
    for (let i = 0; i < 3; i++) net.post('fine', { type: 'job', payload: { i } });
    await clock.advance(10);
    const inHandler = handle.active;
    expect(ids).to.have.length(6);
    expect(inHandler).to.be.within(1, 2);

    const report = await shutdownWithTimeout(net, clock, 100);
    expect(report.timedOut).to.equal(true);
    expect(report.phases.map((p) => p.phase)).to.include.members(['finish-active-requests', 'save-state', 'terminated']);
    expect(report.remainingByNode).to.deep.equal({ stuck: 6 });
    expect(report.remaining).to.equal(6);
    // Queued signals and those cut off inside a hanging handler are all handed back.
    expect(report.leftover).to.have.length(6, 'queued and cut-off signals are handed back');
    expect(net.counts().active).to.equal(0);
    expectEvents(rec).toHaveCount({ kind: 'completed', node: 'fine' }, 3);
    // Nothing silently lost: what is not ended or handed back is still counted as running.
    const missing = unaccounted(ids, rec, report);
    expect(missing.length).to.equal(net.counts().active, 'signals neither ended nor handed back must be counted active');
    const c = net.counts();
    expect(c.completed + c.deadLettered + c.handedBack + c.active).to.equal(c.accepted);
  });

  it('aborts handlers still running when the drain times out (HandlerContext.abortSignal: "aborts when … the network is shut down by force")', async () => {
    const { net, clock } = virtualNetwork();
    const handle = createHangingHandler<Signal>();
    // No timeoutMs: only the shutdown can stop these handlers.
    net.node('stuck', { partitions: 2, retry: false, breaker: false, handle });
    await net.start();
    net.post('stuck', { type: 'job', partitionKey: 'a' });
    await clock.advance(1);
    expect(handle.active).to.equal(1);
    await shutdownWithTimeout(net, clock, 100);
    await clock.advance(1);
    expect(handle.active).to.equal(0, 'the hanging handler was never aborted');
  });

  it('dead-letters an aborted in-flight signal with reason shutdown-forced, or hands it back', async () => {
    const { net, clock } = virtualNetwork();
    const handle = createHangingHandler<Signal>();
    // A generous per-attempt limit gives the handler an abort signal, but it never fires first.
    net.node('stuck', { partitions: 1, timeoutMs: 60_000, retry: { maxAttempts: 3, baseDelayMs: 10, jitter: 0 }, breaker: false, handle });
    using rec = recordEvents(net.events$);
    await net.start();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = net.post('stuck', { type: 'job', payload: { i } });
      if (r.status === 'accepted') ids.push(r.id);
    }
    await clock.advance(1);
    const report = await shutdownWithTimeout(net, clock, 100);
    await clock.advance(1);
    expect(handle.active).to.equal(0, 'the forced stop aborts the attempt');
    expect(unaccounted(ids, rec, report)).to.deep.equal([], 'every accepted signal is ended or handed back');
    const dl = rec.ofKind('dead-lettered');
    const handedBack = report.leftover.map((s) => s.id);
    expect(dl.length + handedBack.length).to.equal(3);
    for (const e of dl) expect(e.reason, 'a signal cut off by shutdown is not a handler failure').to.equal('shutdown-forced');
    const c = net.counts();
    expect(c.completed + c.deadLettered + c.handedBack + c.active).to.equal(c.accepted);
  });

  it('refuses sends during and after shutdown with a typed error, never silently', async () => {
    const { net, clock } = virtualNetwork();
    net.node('stuck', { partitions: 1, retry: false, breaker: false, handle: createHangingHandler() });
    using rec = recordEvents(net.events$);
    await net.start();
    net.post('stuck', { type: 'job' });
    const done = net.shutdown({ timeoutMs: 50 });
    const during = net.post('stuck', { type: 'job' });
    await clock.advance(51);
    await done;
    const after = net.post('stuck', { type: 'job' });
    for (const r of [during, after]) {
      expect(r.status).to.equal('rejected');
      if (r.status === 'rejected') {
        expect(r.reason).to.equal('shutting-down');
        expect(r.error.code).to.match(/^PLEXUS_/);
      }
    }
    expectEvents(rec).toInclude({ kind: 'rejected', reason: 'shutting-down' });
  });
});

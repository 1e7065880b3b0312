/**
 * `network.shutdownOnSignals()` in this process: the signals are delivered with `process.emit`,
 * which calls the listeners as a real signal would (the child-process spec sends real ones).
 */
import { expect } from 'chai';
import { InvalidOptionsError, LifecycleError, type NetworkEvent, type NetworkShutdownReport } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { exitCodeOf } from '../../lib/network/shutdown-hooks.ts';
import { testNetwork } from '../support/networks.ts';

const listeners = () => ({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') });

describe('network: shutdownOnSignals', () => {
  // A spec that fails half-way must not leave hooks behind: this process would then ignore a
  // real SIGTERM (its hooks run with `exit: false`).
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGUSR2'] as const;
  let baseline = new Map<string, unknown[]>();
  beforeEach(() => {
    baseline = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  });
  afterEach(() => {
    for (const s of SIGNALS) for (const l of process.listeners(s)) if (!baseline.get(s)!.includes(l)) process.off(s, l);
  });

  it('the first SIGTERM shuts down gracefully, a second forces it; the hooks go away at termination', async () => {
    const { net, clock } = testNetwork({ health: false });
    net.node('w', { partitions: 1, handle: () => sleep(clock, 100) });
    const before = listeners();
    let reported: { report: NetworkShutdownReport; signal: string } | undefined;
    net.shutdownOnSignals({ exit: false, timeoutMs: 60_000, onReport: (report, signal) => void (reported = { report, signal }) });
    expect(listeners()).to.deep.equal({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => e.kind === 'process-signal' && events.push(e));
    await net.start();
    for (let i = 0; i < 10; i++) net.post('w', { type: 't' });
    await clock.advance(0);

    process.emit('SIGTERM', 'SIGTERM');
    expect(net.state).to.equal('stopping');
    await clock.advance(250); // three signals drained, the drain goes on
    expect(reported).to.equal(undefined);
    process.emit('SIGTERM', 'SIGTERM');
    await clock.advance(0);
    for (let i = 0; i < 10 && reported === undefined; i++) await Promise.resolve();
    await clock.advance(0);

    expect(net.state).to.equal('terminated');
    expect(reported?.signal).to.equal('SIGTERM');
    const report = reported!.report;
    expect(report.forced).to.equal(true);
    expect(report.drained).to.be.within(2, 3);
    expect(report.drained + report.leftover.length).to.equal(10);
    const t0 = events[0]!.at;
    expect(events.filter((e) => e.kind === 'process-signal')).to.deep.equal([
      { kind: 'process-signal', at: t0, signal: 'SIGTERM', action: 'shutdown', count: 1 },
      { kind: 'process-signal', at: t0 + 250, signal: 'SIGTERM', action: 'force', count: 2 },
    ]);
    expect(listeners(), 'unhooked at termination').to.deep.equal(before);
  });

  it('SIGINT works the same; a shutdown started in code unhooks too', async () => {
    const { net } = testNetwork({ health: false });
    const before = listeners();
    let signal: string | undefined;
    net.shutdownOnSignals({ exit: false, onReport: (_, s) => void (signal = s) });
    await net.start();
    process.emit('SIGINT', 'SIGINT');
    await net.shutdown();
    await new Promise((r) => setImmediate(r));
    expect(signal).to.equal('SIGINT');
    expect(listeners()).to.deep.equal(before);

    const other = testNetwork({ health: false, name: 'other' }).net;
    other.shutdownOnSignals({ exit: false });
    await other.start();
    await other.shutdown();
    expect(listeners(), 'a shutdown from code removes the hooks as well').to.deep.equal(before);
  });

  it('dispose() unhooks: a later signal does nothing to the network', async () => {
    const { net } = testNetwork({ health: false });
    const before = listeners();
    const hook = net.shutdownOnSignals({ exit: false, signals: ['SIGUSR2'] });
    expect(process.listenerCount('SIGUSR2')).to.be.above(0);
    hook.dispose();
    hook.dispose();
    expect(process.listenerCount('SIGUSR2')).to.equal(0);
    expect(listeners()).to.deep.equal(before);
    await net.start();
    net.shutdownOnSignals({ exit: false, signals: ['SIGUSR2'] }).dispose();
    process.emit('SIGUSR2', 'SIGUSR2'); // no listener left: nothing happens (emit does not raise the signal)
    expect(net.state).to.equal('running');
    await net.shutdown();
  });

  it('checks its options (unknown keys too), refuses a second hook and a terminated network', async () => {
    const { net } = testNetwork({ health: false });
    const bad: [unknown, RegExp][] = [
      [{ signal: ['SIGTERM'] }, /shutdownOnSignals\.signal.*did you mean 'signals'/],
      [{ signals: [] }, /non-empty/],
      [{ signals: ['SIGKILL'] }, /can catch/],
      [{ signals: ['SIGNOPE'] }, /can catch/],
      [{ timeoutMs: -1 }, /timeoutMs/],
      [{ exit: 'yes' }, /exit/],
      [{ onReport: 42 }, /onReport/],
      ['SIGTERM', /must be an object/],
    ];
    for (const [options, message] of bad) expect(() => net.shutdownOnSignals(options as never), JSON.stringify(options)).to.throw(InvalidOptionsError, message);
    const before = listeners();
    expect(listeners()).to.deep.equal(before, 'a refused call hooks nothing');
    const hook = net.shutdownOnSignals({ exit: false });
    expect(() => net.shutdownOnSignals({ exit: false })).to.throw(LifecycleError, /already hooked/);
    hook.dispose();
    net.shutdownOnSignals({ exit: false }).dispose();
    await net.start();
    await net.shutdown();
    expect(() => net.shutdownOnSignals()).to.throw(LifecycleError, /terminated/);
  });

  it('the exit code: 0 for a clean shutdown, 1 when forced or when a shutdown handler failed', async () => {
    const clean = testNetwork({ health: false, name: 'clean' }).net;
    clean.onShutdown('save-state', 'ok', () => {});
    await clean.start();
    expect(exitCodeOf(await clean.shutdown())).to.equal(0);

    const failing = testNetwork({ health: false, name: 'failing' }).net;
    failing.onShutdown('save-state', 'checkpoint', () => {
      throw new Error('disk full');
    });
    await failing.start();
    expect(exitCodeOf(await failing.shutdown())).to.equal(1);

    const forced = testNetwork({ health: false, name: 'forced' }).net;
    await forced.start();
    expect(exitCodeOf(await forced.shutdown({ force: true }))).to.equal(1);
  });
});

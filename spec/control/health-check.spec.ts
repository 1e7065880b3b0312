import { expect } from 'chai';
import { HealthMonitor, overallStatus, type HealthChange } from '../../lib/control/health-monitor.ts';
import type { ComponentHealth, HealthCheckResult } from '../../lib/control/health-types.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

const DEFAULTS = { intervalMs: 1_000, timeoutMs: 200 };

function monitor() {
  const clock = new VirtualClock();
  const changes: HealthChange[] = [];
  const m = new HealthMonitor(clock, DEFAULTS, (c) => void changes.push(c));
  return { clock, m, changes };
}

const component = (status: ComponentHealth['status'], essential: boolean): ComponentHealth => ({
  status,
  essential,
  consecutiveFailures: 0,
  responseMs: undefined,
  lastError: undefined,
  totalChecks: 0,
  checkedAt: undefined,
  details: undefined,
  runbook: undefined,
});

describe('control: health checks', () => {
  it('aggregates: unhealthy only from an essential component, degraded from any other trouble, unknown before every first check', () => {
    expect(overallStatus([])).to.equal('healthy');
    expect(overallStatus([component('healthy', true), component('healthy', false)])).to.equal('healthy');
    expect(overallStatus([component('healthy', true), component('unknown', false)])).to.equal('unknown');
    expect(overallStatus([component('healthy', true), component('degraded', false)])).to.equal('degraded');
    expect(overallStatus([component('healthy', true), component('unhealthy', false)])).to.equal('degraded');
    expect(overallStatus([component('degraded', true), component('healthy', false)])).to.equal('degraded');
    expect(overallStatus([component('unhealthy', true), component('unknown', false)])).to.equal('unhealthy');
  });

  it('is unknown before the first check, then follows the check at its interval, with counts and response time', async () => {
    const { clock, m, changes } = monitor();
    let next: HealthCheckResult['status'] = 'healthy';
    m.register('db', () => next, { essential: true });
    expect(m.components().db).to.include({ status: 'unknown', totalChecks: 0, essential: true });
    expect(m.status).to.equal('unknown');
    m.start();
    expect(m.components().db).to.include({ status: 'healthy', totalChecks: 1, consecutiveFailures: 0, responseMs: 0 });
    expect(m.status).to.equal('healthy');
    next = 'degraded';
    await clock.advance(999);
    expect(m.components().db!.totalChecks).to.equal(1, 'the next check waits its interval');
    await clock.advance(1);
    expect(m.components().db).to.include({ status: 'degraded', totalChecks: 2 });
    expect(m.status).to.equal('degraded');
    next = 'unhealthy';
    await clock.advance(2_000);
    expect(m.components().db).to.include({ status: 'unhealthy', totalChecks: 4, consecutiveFailures: 2 });
    expect(m.status).to.equal('unhealthy');
    next = 'healthy';
    await clock.advance(1_000);
    expect(m.components().db).to.include({ status: 'healthy', consecutiveFailures: 0 });
    expect(changes.map((c) => [c.component, c.componentStatus, c.from, c.to])).to.deep.equal([
      [undefined, undefined, 'healthy', 'unknown'],
      ['db', 'healthy', 'unknown', 'healthy'],
      ['db', 'degraded', 'healthy', 'degraded'],
      ['db', 'unhealthy', 'degraded', 'unhealthy'],
      ['db', 'healthy', 'unhealthy', 'healthy'],
    ]);
  });

  it('takes an async check’s time on the clock, and its details', async () => {
    const { clock, m } = monitor();
    m.register('api', () => new Promise<HealthCheckResult>((resolve) => clock.setTimeout(() => resolve({ status: 'healthy', details: { version: 3 } }), 40)));
    m.start();
    await clock.advance(40);
    expect(m.components().api).to.include({ status: 'healthy', responseMs: 40 });
    expect(m.components().api!.details).to.deep.equal({ version: 3 });
  });

  it('counts a check that throws, rejects or returns no status as failed, keeping its error; nothing escapes', async () => {
    const { clock, m } = monitor();
    m.register(
      'throws',
      () => {
        throw new Error('db down');
      },
      { essential: true },
    );
    m.register('rejects', () => Promise.reject(new Error('no answer')));
    m.register('nonsense', () => 'fine' as never);
    const brokenThenable = {
      // biome-ignore lint/suspicious/noThenProperty: a broken thenable is the input under test
      then() {
        throw new Error('then threw');
      },
    };
    m.register('bad-thenable', () => brokenThenable as never);
    m.start();
    await clock.advance(0);
    const c = m.components();
    expect(c.throws).to.include({ status: 'unhealthy', consecutiveFailures: 1, totalChecks: 1 });
    expect(c.throws!.lastError!.message).to.equal('db down');
    expect(c.rejects).to.include({ status: 'unhealthy', consecutiveFailures: 1 });
    expect(c.rejects!.lastError!.message).to.equal('no answer');
    expect(c.nonsense).to.include({ status: 'unhealthy' });
    expect(c.nonsense!.lastError!.message).to.match(/must return healthy, degraded or unhealthy/);
    expect(c['bad-thenable']!.lastError!.message).to.equal('then threw');
    expect(m.status).to.equal('unhealthy');
    await clock.advance(1_000);
    expect(m.components().throws).to.include({ consecutiveFailures: 2, totalChecks: 2 });
  });

  it('fails a check that runs past its timeout, aborts it, ignores its late answer and checks again at the interval', async () => {
    const { clock, m } = monitor();
    const aborted: boolean[] = [];
    let answer: ((status: 'healthy') => void) | undefined;
    m.register(
      'slow',
      (signal) =>
        new Promise((resolve) => {
          answer = resolve;
          signal.addEventListener('abort', () => void aborted.push(true));
        }),
      { timeoutMs: 300 },
    );
    m.start();
    await clock.advance(299);
    expect(m.components().slow!.status).to.equal('unknown');
    await clock.advance(1);
    const slow = m.components().slow!;
    expect(slow).to.include({ status: 'unhealthy', consecutiveFailures: 1, responseMs: 300 });
    expect(slow.lastError).to.include({ code: 'PLEXUS_TIMEOUT' });
    expect(aborted).to.deep.equal([true]);
    answer!('healthy');
    await clock.advance(0);
    expect(m.components().slow).to.include({ status: 'unhealthy', totalChecks: 1 }, 'the late answer changes nothing');
    await clock.advance(1_000);
    expect(m.components().slow!.totalChecks).to.equal(1, 'the second check runs (and is still waiting)');
    answer!('healthy');
    await clock.advance(0);
    expect(m.components().slow).to.include({ status: 'healthy', totalChecks: 2, consecutiveFailures: 0, lastError: undefined });
  });

  it('leaves no timer once stopped, even with a check under way; a disposed check is gone', async () => {
    const { clock, m } = monitor();
    m.register('fast', () => 'healthy');
    const slow = m.register('slow', () => new Promise(() => {}));
    m.start();
    expect(clock.pendingTimers).to.equal(2, 'the next check of fast, the timeout of slow');
    slow.dispose();
    expect(Object.keys(m.components())).to.deep.equal(['fast']);
    expect(clock.pendingTimers).to.equal(1);
    m.stop();
    expect(clock.pendingTimers).to.equal(0);
  });

  it('refuses unknown option keys, bad values and a name taken', () => {
    const { m } = monitor();
    expect(() => m.register('a', () => 'healthy', { intervalMS: 5 } as never)).to.throw(/healthCheck\.intervalMS.*did you mean 'intervalMs'/);
    expect(() => m.register('a', () => 'healthy', { timeoutMs: 0 })).to.throw(/healthCheck\.timeoutMs/);
    expect(() => m.register('a', () => 'healthy', { essential: 'yes' as never })).to.throw(/healthCheck\.essential/);
    m.register('a', () => 'healthy');
    expect(() => m.register('a', () => 'healthy')).to.throw(/registered already/);
  });
});

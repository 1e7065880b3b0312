/**
 * The `logger` option with a plain fake logger: which events become which lines at which level,
 * the fields every signal line carries, the option's check, and that a network without a logger
 * builds no event for one (the signal path is untouched).
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { createNetwork, type Receipt, InvalidOptionsError, type Logger, type NetworkEvent } from '../../lib/index.ts';
import { EventHub } from '../../lib/observe/event-hub.ts';
import { logLine } from '../../lib/observe/log-events.ts';
import { sleep } from '../../lib/util/clock.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';
import { fakeSignal } from '../testing/fake-events.ts';

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string | undefined;
  bindings: Record<string, unknown>;
}

/** A logger that records every line with the bindings of the child it was written through. */
function fakeLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger & { children: Record<string, unknown>[] } {
  const children: Record<string, unknown>[] = [];
  const at = (level: Line['level']) => (fields: object, message?: string) => void lines.push({ level, fields: fields as Record<string, unknown>, message, bindings });
  return {
    children,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child(b) {
      children.push(b);
      return fakeLogger(lines, { ...bindings, ...b });
    },
  };
}

/** The id of an accepted receipt. */
function idOf(r: Receipt): string {
  if (r.status !== 'accepted') throw new Error(`not accepted: ${r.status}`);
  return r.id;
}

const SIGNAL_FIELDS = ['event', 'node', 'signalId', 'signalType', 'correlationId', 'at', 'ageMs'];

describe('observe: the logger option (a fake logger)', () => {
  it('writes a line per signal event through child({ network }): successes at debug, failed attempts at warn, dead letters at error', async () => {
    const clock = new VirtualClock();
    const lines: Line[] = [];
    const logger = fakeLogger(lines);
    const net = createNetwork({ name: 'logs', clock, health: false, logger });
    net.node('ok', { handle: () => sleep(clock, 7) });
    net.node('bad', {
      retry: false,
      breaker: false,
      handle: () => {
        throw new Error('boom');
      },
    });
    await net.start();
    const good = net.post('ok', { type: 'order', correlationId: 'req-1' });
    const failed = net.post('bad', { type: 'order', correlationId: 'req-2' });
    await clock.advance(10);
    await net.idle();

    expect(logger.children).to.deep.equal([{ network: 'logs' }]);
    expect(lines.every((l) => l.bindings.network === 'logs')).to.equal(true);
    const about = (id: string) => lines.filter((l) => l.fields.signalId === id).map((l) => [l.level, l.fields.event, l.message]);
    expect(about(idOf(good))).to.deep.equal([
      ['debug', 'accepted', 'signal accepted'],
      ['debug', 'completed', 'signal completed'],
    ]);
    expect(about(idOf(failed))).to.deep.equal([
      ['debug', 'accepted', 'signal accepted'],
      ['warn', 'failed', 'signal attempt failed'],
      ['error', 'dead-lettered', 'signal dead-lettered (handler-failed)'],
    ]);
    for (const l of lines.filter((x) => x.fields.signalId !== undefined)) {
      expect(l.fields, `${l.fields.event}`).to.include.keys(SIGNAL_FIELDS);
      expect(l.fields.correlationId).to.match(/^req-[12]$/);
      expect(l.fields.node).to.be.oneOf(['ok', 'bad']);
      expect(l.fields.ageMs).to.be.a('number').and.at.least(0);
    }
    const completed = lines.find((l) => l.fields.event === 'completed')!;
    expect(completed.fields).to.include({ node: 'ok', signalId: idOf(good), correlationId: 'req-1', durationMs: 7, ageMs: 7, attempt: 1 });
    const dead = lines.find((l) => l.fields.event === 'dead-lettered')!;
    expect(dead.fields).to.include({ reason: 'handler-failed', attempts: 1 });
    expect(dead.fields.err).to.include({ name: 'Error', message: 'boom' });

    await net.shutdown();
    const phases = lines.filter((l) => l.fields.event === 'shutdown-phase');
    expect(phases.map((l) => [l.level, l.fields.phase])).to.deep.equal(
      ['running', 'initiate-shutdown', 'stop-accepting-requests', 'finish-active-requests', 'save-state', 'cleanup-resources', 'terminated'].map((p) => ['info', p]),
    );
    const refused = net.post('ok', { type: 'order' });
    expect(refused.status).to.equal('rejected');
  });

  it('logs refusals, breaker changes, shutdown handlers and process signals at their levels', async () => {
    const clock = new VirtualClock();
    const lines: Line[] = [];
    const net = createNetwork({ name: 'logs2', clock, health: false, logger: fakeLogger(lines) });
    net.node('flaky', {
      retry: false,
      breaker: { failureThreshold: 1, resetTimeoutMs: 1_000 },
      handle: () => {
        throw new Error('down');
      },
    });
    net.onShutdown('save-state', 'hangs', () => new Promise(() => {}), { timeoutMs: 50 });
    await net.start();
    net.post('nowhere', { type: 't' });
    net.post('flaky', { type: 't' });
    await clock.advance(0);
    net.shutdownOnSignals({ exit: false });
    process.emit('SIGTERM', 'SIGTERM');
    const done = net.shutdown(); // the one the signal started
    await clock.advance(100);
    await done;
    const pick = (event: string) => lines.filter((l) => l.fields.event === event).map((l) => [l.level, l.message]);
    expect(pick('rejected')).to.deep.equal([['warn', 'send refused (unknown-target)']]);
    expect(pick('breaker')[0]).to.deep.equal(['warn', 'breaker closed → open']);
    expect(pick('shutdown-handler')).to.deep.equal([['warn', 'shutdown handler hangs: timeout']]);
    expect(pick('process-signal')).to.deep.equal([['info', 'SIGTERM: shutting down']]);
    const rejected = lines.find((l) => l.fields.event === 'rejected')!;
    expect(rejected.fields).to.include({ node: 'nowhere', reason: 'unknown-target' });
  });

  it('maps the control-plane events to levels: health, alerts, reflexes, pressure, dead-letter overflow', () => {
    const at = 1_000;
    const level = (e: NetworkEvent) => logLine(e)?.level;
    const health = (status: 'healthy' | 'degraded' | 'unhealthy') => level({ kind: 'health', at, status, previous: 'healthy', component: 'journal', componentStatus: status });
    expect([health('healthy'), health('degraded'), health('unhealthy')]).to.deep.equal(['info', 'warn', 'error']);
    const alert = (severity: 'warning' | 'critical', state: 'firing' | 'resolved') => level({ kind: 'alert', at, alert: 'mailbox-fill', severity, runbook: 'alert-mailbox-fill', state, since: 0 });
    expect([alert('warning', 'firing'), alert('critical', 'firing'), alert('critical', 'resolved')]).to.deep.equal(['warn', 'error', 'info']);
    const reflex = logLine({ kind: 'reflex', at, rule: 'breakerPressure', level: 'high', cause: 'pressure 0.85 ≥ 0.8', value: 0.85, source: 'w', acted: false, shadowed: true, targets: ['p'] })!;
    expect([reflex.level, reflex.message]).to.deep.equal(['info', 'reflex breakerPressure high: shadowed']);
    expect(reflex.fields).to.include({ rule: 'breakerPressure', source: 'w', shadowed: true });
    const forecast = (risk: 'low' | 'high' | 'critical', rising: boolean) =>
      level({ kind: 'forecast', at, node: 'w', risk, previous: 'medium', rising, utilisation: 1.2, timeToFullSeconds: 30, confidence: 0.8, bottleneck: true });
    expect([forecast('high', true), forecast('critical', true), forecast('low', false)]).to.deep.equal(['warn', 'error', 'info']);
    expect(level({ kind: 'pressure', at, node: 'w', level: 'critical', fill: 0.96 })).to.equal('error');
    expect(level({ kind: 'pressure', at, node: 'w', level: 'warning', fill: 0.81 })).to.equal('warn');
    const s = fakeSignal({ createdAt: 400 });
    const overflow = logLine({ kind: 'dlq-overflow', at, node: 'w', signalId: s.id, signalType: s.type, correlationId: s.correlationId, signal: s })!;
    expect(overflow.level).to.equal('error');
    expect(overflow.fields).to.include({ node: 'w', signalId: s.id, correlationId: s.correlationId, at, ageMs: 600 });
    expect(logLine({ kind: 'started', at, node: 'w', signalId: s.id, signalType: s.type, correlationId: s.correlationId, signal: s, partition: 0, attempt: 1 }), 'no line per attempt start').to.equal(
      undefined,
    );
    expect(level({ kind: 'transport-error', at, transport: 'nats', operation: 'transport.publish', node: 'w', error: { name: 'Error', message: 'x', code: 'UNKNOWN' } })).to.equal('error');
  });

  it('asks isLevelEnabled (when the logger has it) and writes no line of a level it leaves out; a kind without a rule is written plainly at info', async () => {
    const clock = new VirtualClock();
    const lines: Line[] = [];
    const asked: string[] = [];
    const logger = Object.assign(fakeLogger(lines), {
      isLevelEnabled: (level: string) => {
        asked.push(level);
        return level !== 'debug';
      },
    });
    logger.child = () => logger;
    const net = createNetwork({ clock, health: false, logger });
    net.node('w', { handle: () => {} });
    net.node('bad', {
      retry: false,
      handle: () => {
        throw new Error('no');
      },
    });
    await net.start();
    for (let i = 0; i < 10; i++) net.post('w', { type: 't' });
    net.post('bad', { type: 't' });
    await net.idle();
    expect(asked.filter((l) => l === 'debug').length).to.be.at.least(20);
    expect(lines.filter((l) => l.level === 'debug')).to.deep.equal([]);
    expect(lines.map((l) => l.fields.event)).to.deep.equal(['failed', 'dead-lettered']);
    await net.shutdown();
    expect(() => createNetwork({ logger: Object.assign(fakeLogger([]), { isLevelEnabled: true }) as never })).to.throw(InvalidOptionsError, /isLevelEnabled/);

    const future = logLine({ kind: 'future-kind', at: 3, group: 'db', action: 'switch' } as never)!;
    expect(future.level).to.equal('info');
    expect(future.fields).to.include({ event: 'future-kind', group: 'db', action: 'switch', at: 3 });
    const failover = (action: string) => logLine({ kind: 'failover', at: 4, group: 'db', action, from: 'db-a', to: 'db-b', by: 'group', reason: 'breaker open', runbook: 'r' } as never)!;
    expect([failover('switch').level, failover('lock-lost').level, failover('acquire').level]).to.deep.equal(['warn', 'warn', 'info']);
    expect(failover('switch').message).to.equal('failover db: switch db-a → db-b');
  });

  it('is checked: an object with debug, info, warn, error and child functions, whose child is a logger too', () => {
    const ok = fakeLogger([]);
    const bad: [unknown, RegExp][] = [
      ['info', /Invalid option "logger": must be a logger/],
      [{ ...ok, debug: undefined }, /debug is not a function/],
      [{ info: ok.info, warn: ok.warn, error: ok.error, debug: ok.debug }, /child is not a function/],
      [console, /child is not a function/],
      [{ ...ok, child: () => ({}) }, /Invalid option "logger.child\(\)"/],
    ];
    for (const [logger, message] of bad) expect(() => createNetwork({ logger: logger as Logger }), String(message)).to.throw(InvalidOptionsError, message);
    expect(() => createNetwork({ loger: ok } as never)).to.throw(InvalidOptionsError, /did you mean 'logger'/);
  });

  it('without a logger, the signal path builds no event at all; with one it does (the log is a subscriber)', async () => {
    const emit = sinon.spy(EventHub.prototype, 'emit');
    try {
      for (const logger of [undefined, fakeLogger([])]) {
        emit.resetHistory();
        const clock = new VirtualClock();
        const net = createNetwork({ clock, health: false, ...(logger === undefined ? {} : { logger }) });
        net.node('w', { handle: () => {} });
        await net.start();
        for (let i = 0; i < 100; i++) net.post('w', { type: 't' });
        await net.idle();
        const during = emit.callCount;
        await net.shutdown();
        if (logger === undefined) expect(during, 'no logger: no event built').to.equal(0);
        else expect(during, 'a logger: accepted + completed per signal (and the rest)').to.be.at.least(200);
      }
    } finally {
      emit.restore();
    }
  });
});

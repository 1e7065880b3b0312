/**
 * A real pino logger (the devDependency) as a network's `logger`, writing JSON lines to a stream
 * in memory: the lines a network writes, as an operator's log collector would read them.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createNetwork, type Receipt } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

/** pino's numeric levels. */
const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/** The id of an accepted receipt. */
function idOf(r: Receipt): string {
  if (r.status !== 'accepted') throw new Error(`not accepted: ${r.status}`);
  return r.id;
}

type JsonLine = Record<string, unknown> & { level: number; msg: string };

function memoryStream(): { stream: Writable; lines: JsonLine[] } {
  const lines: JsonLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) if (text !== '') lines.push(JSON.parse(text) as JsonLine);
      done();
    },
  });
  return { stream, lines };
}

describe('observe: the logger option with pino', () => {
  it('writes JSON lines with the network binding, the signal fields and the timing, at pino levels', async () => {
    const { stream, lines } = memoryStream();
    const logger = pino({ level: 'debug', base: { service: 'orders' } }, stream);
    const clock = new VirtualClock();
    // A pino Logger is accepted as the option's type as it is (this line type-checks).
    const net = createNetwork({ name: 'pino-net', clock, health: false, logger });
    net.node('charge', {
      retry: false,
      handle: async (signal) => {
        await sleep(clock, 12);
        if ((signal.payload as { n: number }).n === 2) throw new Error('card declined');
      },
    });
    net.onShutdown('save-state', 'checkpoint', () => {});
    await net.start();
    const receipts = [1, 2].map((n) => net.post('charge', { type: 'charge', payload: { n }, correlationId: `order-${n}` }));
    await clock.advance(100);
    await net.idle();
    await net.shutdown();
    await new Promise((r) => setImmediate(r));

    expect(lines.length).to.be.above(0);
    for (const l of lines) {
      expect(l).to.include({ network: 'pino-net', service: 'orders' });
      expect(l).to.include.keys('time', 'msg', 'event', 'at');
    }
    const of = (id: string, event: string) => lines.find((l) => l.signalId === id && l.event === event)!;
    const completed = of(idOf(receipts[0]!), 'completed');
    expect(completed).to.include({ level: LEVEL.debug, msg: 'signal completed', node: 'charge', signalType: 'charge', correlationId: 'order-1', durationMs: 12, ageMs: 12, attempt: 1 });
    const failed = of(idOf(receipts[1]!), 'failed');
    expect(failed).to.include({ level: LEVEL.warn, node: 'charge', correlationId: 'order-2' });
    expect(failed.err).to.include({ message: 'card declined', name: 'Error' });
    const dead = of(idOf(receipts[1]!), 'dead-lettered');
    expect(dead).to.include({ level: LEVEL.error, msg: 'signal dead-lettered (handler-failed)', reason: 'handler-failed', correlationId: 'order-2' });
    const phases = lines.filter((l) => l.event === 'shutdown-phase');
    expect(phases.map((l) => l.phase)).to.deep.equal(['running', 'initiate-shutdown', 'stop-accepting-requests', 'finish-active-requests', 'save-state', 'cleanup-resources', 'terminated']);
    expect(phases.every((l) => l.level === LEVEL.info)).to.equal(true);
    expect(lines.find((l) => l.event === 'shutdown-handler')).to.include({ level: LEVEL.info, handler: 'checkpoint', outcome: 'ok', phase: 'save-state' });
  });

  it('at level info, the per-signal debug lines are left out and the failures stay', async () => {
    const { stream, lines } = memoryStream();
    const clock = new VirtualClock();
    const net = createNetwork({ clock, health: false, logger: pino({ level: 'info' }, stream) });
    net.node('w', {
      retry: false,
      handle: (s) => {
        if (s.payload === 'bad') throw new Error('no');
      },
    });
    await net.start();
    for (let i = 0; i < 20; i++) net.post('w', { type: 't', payload: i === 5 ? 'bad' : 'ok' });
    await net.idle();
    await net.shutdown();
    expect(lines.filter((l) => l.level === LEVEL.debug)).to.deep.equal([]);
    expect(lines.filter((l) => l.signalId !== undefined).map((l) => l.event)).to.deep.equal(['failed', 'dead-lettered']);
  });
});

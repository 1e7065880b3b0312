import { expect } from 'chai';
import { DEFAULT_MAX_CAUSATION_DEPTH, type HandlerContext, type Signal } from '../../lib/index.ts';
import { SignalEnvelope } from '../../lib/signal/envelope.ts';
import { decodeSignal, encodeSignal } from '../../lib/transport/nats/codec.ts';
import { testNetwork } from '../support/networks.ts';

// Real setImmediate, captured like the VirtualClock's own: no spec here waits on real time.
const realSetImmediate = globalThis.setImmediate;
/** How many handler runs had happened when the event loop next got a turn. */
function countAtNextTurn(count: () => number): Promise<number> {
  return new Promise((resolve) => realSetImmediate(() => resolve(count())));
}

// Each loop stops on its own after this many emits, so that the original code (which never
// yields) ends too and fails an assertion instead of hanging the suite.
const EMITS = 100_000;

describe('network: a handler cannot starve the process', () => {
  it('a synchronous handler emitting to itself lets the event loop turn', async () => {
    const { net } = testNetwork({ maxCausationDepth: 1_000_000 });
    let runs = 0;
    net.node('echo', { handle: (_s: Signal, ctx: HandlerContext) => void (++runs < EMITS && ctx.emit('echo', { type: 'again' })) });
    await net.start();
    net.post('echo', { type: 'again' });
    const seen = await countAtNextTurn(() => runs);
    await net.idle();
    expect(seen).to.be.below(EMITS);
    expect(runs).to.equal(EMITS);
    expect(net.counts()).to.include({ accepted: EMITS, completed: EMITS, active: 0 });
  });

  it('two async nodes emitting to each other let the event loop turn', async () => {
    const { net } = testNetwork({ maxCausationDepth: 1_000_000 });
    let runs = 0;
    const bounce = (to: string) => async (_s: Signal, ctx: HandlerContext) => void (++runs < EMITS && ctx.emit(to, { type: 'ball' }));
    net.node('ping', { handle: bounce('pong') });
    net.node('pong', { handle: bounce('ping') });
    await net.start();
    net.post('ping', { type: 'ball' });
    const seen = await countAtNextTurn(() => runs);
    await net.idle();
    expect(seen).to.be.below(EMITS);
    expect(net.counts()).to.include({ accepted: EMITS, completed: EMITS, active: 0 });
  });

  it('a shutdown with a timeout ends while a handler keeps emitting to itself, and hands back what is left', async () => {
    const { net, clock } = testNetwork({ maxCausationDepth: 10_000_000 });
    let runs = 0;
    net.node('echo', { handle: async (_s: Signal, ctx: HandlerContext) => void (++runs < 1_000_000 && ctx.emit('echo', { type: 'again' })) });
    await net.start();
    net.post('echo', { type: 'again' });
    const reportP = net.shutdown({ timeoutMs: 50 });
    await clock.advance(50);
    const report = await reportP;
    expect(runs).to.be.below(1_000_000);
    expect(report.timedOut).to.equal(true);
    expect(report.leftover).to.have.length(1);
    expect(report.activeAtStart + report.emitted).to.equal(report.drained + report.remaining);
    const c = net.counts();
    expect(c.accepted).to.equal(c.completed + c.deadLettered + c.handedBack);
  });

  it('bounds an emit chain: past maxCausationDepth ctx.emit throws a typed error and the signal is dead-lettered', async () => {
    const { net } = testNetwork();
    const thrown: unknown[] = [];
    net.node('echo', {
      handle: (_s: Signal, ctx: HandlerContext) => {
        try {
          ctx.emit('echo', { type: 'again' });
        } catch (e) {
          thrown.push(e);
          throw e;
        }
      },
    });
    await net.start();
    net.post('echo', { type: 'again' });
    await net.idle();
    expect(thrown).to.have.length(1); // never retried: a chain too deep stays too deep
    expect(thrown[0]).to.include({ code: 'PLEXUS_CAUSATION_DEPTH' });
    expect((thrown[0] as { details: unknown }).details).to.deep.include({ target: 'echo', depth: DEFAULT_MAX_CAUSATION_DEPTH + 1, maxCausationDepth: DEFAULT_MAX_CAUSATION_DEPTH });
    const dead = net.dlq.list();
    expect(dead).to.have.length(1);
    expect(dead[0]!.error.code).to.equal('PLEXUS_CAUSATION_DEPTH');
    expect(dead[0]!.signal.causationDepth).to.equal(DEFAULT_MAX_CAUSATION_DEPTH);
    expect(net.counts()).to.include({ accepted: DEFAULT_MAX_CAUSATION_DEPTH + 1, completed: DEFAULT_MAX_CAUSATION_DEPTH, deadLettered: 1, active: 0 });
  });

  it('takes maxCausationDepth as a network option, and validates it', async () => {
    const { net } = testNetwork({ maxCausationDepth: 2 });
    const depths: number[] = [];
    net.node('echo', {
      handle: (s: Signal, ctx: HandlerContext) => {
        depths.push(s.causationDepth!);
        ctx.emit('echo', { type: 'again' });
      },
    });
    await net.start();
    net.post('echo', { type: 'again' });
    await net.idle();
    expect(depths).to.deep.equal([0, 1, 2]);
    expect(() => testNetwork({ maxCausationDepth: 0 })).to.throw(/maxCausationDepth/);
    expect(() => testNetwork({ maxCausationDepth: 1.5 })).to.throw(/maxCausationDepth/);
  });

  it('carries causationDepth across the transport codec (so a chain between processes is bounded too)', () => {
    const child = new SignalEnvelope('id-2', 'again', '1.0', undefined, 'echo', 'echo', 'pk', 'ik', 'corr', 'id-1', 1, 0.5, Object.freeze({}), [], 5);
    expect(decodeSignal(encodeSignal(child)).causationDepth).to.equal(5);
    const root = new SignalEnvelope('id-1', 'again', '1.0', undefined, undefined, 'echo', 'pk', 'ik', 'corr', undefined, 1, 0.5, Object.freeze({}));
    expect(encodeSignal(root)).not.to.include('causationDepth');
    expect(decodeSignal(encodeSignal(root)).causationDepth).to.equal(0);
    expect(() => decodeSignal(JSON.stringify({ ...child.toJSON(), causationDepth: -1 }))).to.throw(/causationDepth/);
  });
});

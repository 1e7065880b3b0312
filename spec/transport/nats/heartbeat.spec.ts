/**
 * A signal held longer than the ack wait (queued behind others, or a slow handler) is marked in
 * progress, so JetStream does not deliver it again while this process still has it.
 */
import { expect } from 'chai';
import type { JsMsg } from '@nats-io/jetstream';
import type { Signal } from '../../../lib/index.ts';
import { encodeSignal } from '../../../lib/transport/nats/codec.ts';
import { Receiver } from '../../../lib/transport/nats/receiver.ts';
import type { TransportHost } from '../../../lib/transport/transport.ts';
import { systemClock } from '../../../lib/util/clock.ts';
import { createSignal } from '../../../lib/signal/create-signal.ts';
import { describeNats, expectIdentities, networksPerTest, until } from './support.ts';

/** A JsMsg stand-in that records what was done to it. */
function fakeMessage(body: string, calls: string[], failWorking = false): JsMsg {
  return {
    info: { deliveryCount: 1 },
    string: () => body,
    ack: () => void calls.push('ack'),
    nak: () => void calls.push('nak'),
    term: () => void calls.push('term'),
    working: () => {
      if (failWorking) throw new Error('connection closed');
      calls.push('working');
    },
  } as unknown as JsMsg;
}

describe('transport/nats: Receiver.heartbeat', () => {
  const failures: string[] = [];
  const host: TransportHost = {
    network: 'n',
    clock: systemClock,
    capacity: () => 100,
    receive: () => 'accepted',
    giveUp: () => {},
    failure: (_e, operation) => void failures.push(operation),
  };
  const signal = (n: number): Signal => createSignal({ type: 'job', payload: { n } }, 'worker', 1_700_000_000_000 + n, { maxBytes: 1 << 20, maxDepth: 32 });

  it('marks every held message in progress, and no longer a settled one', () => {
    const r = new Receiver(host, { maxDeliver: 5, nakDelayMs: 10 });
    const [a, b] = [signal(1), signal(2)];
    const calls: [string[], string[]] = [[], []];
    r.onMessage('worker', fakeMessage(encodeSignal(a), calls[0]));
    r.onMessage('worker', fakeMessage(encodeSignal(b), calls[1]));
    r.heartbeat();
    r.settled(a);
    r.heartbeat();
    expect(calls).to.deep.equal([
      ['working', 'ack'],
      ['working', 'working'],
    ]);
    expect(r.counts.inProgress).to.equal(3);
  });

  it('reports a failed heartbeat (the connection is gone) instead of throwing', () => {
    failures.length = 0;
    const r = new Receiver(host, { maxDeliver: 5, nakDelayMs: 10 });
    r.onMessage('worker', fakeMessage(encodeSignal(signal(3)), [], true));
    expect(() => r.heartbeat()).to.not.throw();
    expect(failures).to.deep.equal(['transport.working']);
  });
});

describeNats('transport/nats: heartbeats', () => {
  const fixture = networksPerTest('beat');

  it('a handler that runs for several ack waits gets its signal once, with no redelivery', async () => {
    // The ack wait runs on the server's clock, so this one waits for real: 300 ms ack wait,
    // heartbeats every 100 ms, and the handler held until five of them went out (> 1.5 ack waits).
    const b = fixture.network({ ackWaitMs: 300 });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let runs = 0;
    b.node('worker', {
      handle: async () => {
        runs++;
        await held;
      },
    });
    const a = fixture.network();
    a.remote('worker');
    await b.start();
    await a.start();
    expect(a.post('worker', { type: 'slow', payload: 1 }).status).to.equal('accepted');
    await until(() => (b.counts().transport?.inProgress ?? 0) >= 5, 'five heartbeats for the held signal');
    release();
    await until(() => b.counts().completed === 1, 'the slow signal completed');
    const c = b.counts();
    expectIdentities(c);
    expect(runs).to.equal(1);
    expect([c.transport?.redeliveries, c.transport?.absorbed, c.transport?.acked]).to.deep.equal([0, 0, 1]);
    const scraped = /plexus_transport_messages_total\{[^}]*outcome="in_progress"[^}]*\} (\d+)/.exec(await b.metrics.text());
    expect(Number(scraped?.[1])).to.be.at.least(5);
  });
});

import { expect } from 'chai';
import { createNetwork, createNatsTransport } from '../../../lib/index.ts';
import { isLifecycleError } from '../../../lib/network/errors.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_PENDING,
  DEFAULT_NATS_SERVERS,
  DEFAULT_PUBLISH_RETRIES,
  DEFAULT_PUBLISH_RETRY_DELAY_MS,
  DEFAULT_RECONNECT_WAIT_MS,
  DEFAULT_MAX_RECONNECT_ATTEMPTS,
  DEFAULT_CONNECT_TIMEOUT_MS,
} from '../../../lib/transport/nats/options.ts';
import { decodeSignal, encodeSignal } from '../../../lib/transport/nats/codec.ts';
import { defaultStream, durableFor, subjectFor } from '../../../lib/transport/nats/names.ts';
import { SignalEnvelope } from '../../../lib/signal/envelope.ts';
import { badOption } from './support.ts';

describe('transport/nats: options, names and codec (no server needed)', () => {
  it('fills in the defaults', () => {
    const t = createNatsTransport();
    expect(t.kind).to.equal('nats');
    expect(t.options.servers).to.deep.equal([DEFAULT_NATS_SERVERS]);
    expect(t.options.maxPending).to.equal(DEFAULT_MAX_PENDING);
    expect(t.options.maxInFlight).to.equal(DEFAULT_MAX_IN_FLIGHT);
    expect(createNatsTransport({ maxPending: 10 }).options.maxInFlight, 'the window fits in maxPending').to.equal(10);
    expect(t.options.subjectPrefix).to.equal('plexus');
    expect(t.options).to.include({
      publishRetries: DEFAULT_PUBLISH_RETRIES,
      publishRetryDelayMs: DEFAULT_PUBLISH_RETRY_DELAY_MS,
      reconnectWaitMs: DEFAULT_RECONNECT_WAIT_MS,
      maxReconnectAttempts: DEFAULT_MAX_RECONNECT_ATTEMPTS,
      connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
      auth: undefined,
      tls: undefined,
    });
  });

  it('names the bad option', () => {
    expect(badOption(() => createNatsTransport({ servers: 42 as never }))).to.equal('servers');
    expect(badOption(() => createNatsTransport({ servers: [] }))).to.equal('servers');
    expect(badOption(() => createNatsTransport({ servers: ['nats://a:1', 'not a url'] }))).to.equal('servers[1]');
    expect(badOption(() => createNatsTransport({ stream: 'a.b' }))).to.equal('stream');
    expect(badOption(() => createNatsTransport({ subjectPrefix: 'a.*' }))).to.equal('subjectPrefix');
    expect(badOption(() => createNatsTransport({ maxPending: 0 }))).to.equal('maxPending');
    expect(badOption(() => createNatsTransport({ maxInFlight: 0 }))).to.equal('maxInFlight');
    expect(badOption(() => createNatsTransport({ maxPending: 100, maxInFlight: 101 }))).to.equal('maxInFlight');
    expect(badOption(() => createNatsTransport({ ackWaitMs: -1 }))).to.equal('ackWaitMs');
    expect(badOption(() => createNatsTransport({ maxDeliver: 1.5 }))).to.equal('maxDeliver');
    expect(badOption(() => createNatsTransport({ duplicateWindowMs: 'x' as never }))).to.equal('duplicateWindowMs');
    expect(badOption(() => createNatsTransport({ nakDelayMs: Number.NaN }))).to.equal('nakDelayMs');
    expect(badOption(() => createNatsTransport({ publishTimeoutMs: 0 }))).to.equal('publishTimeoutMs');
    expect(badOption(() => createNetwork({ transport: {} as never }))).to.equal('transport');
  });

  it('validates remote(): needs a transport, a valid name, and no local node of that name', () => {
    const plain = createNetwork({ name: 'no-transport' });
    expect(() => plain.remote('worker'))
      .to.throw()
      .that.satisfies(isLifecycleError);
    const net = createNetwork({ name: 'with-transport', transport: createNatsTransport() });
    net.node('local', { handle: () => {} });
    expect(() => net.remote('local'))
      .to.throw()
      .that.satisfies(isLifecycleError);
    expect(badOption(() => net.remote('bad name'))).to.equal('name');
    net.remote('worker');
    expect(() => net.node('worker', { handle: () => {} }))
      .to.throw()
      .that.satisfies(isLifecycleError);
    expect(net.remoteNames).to.deep.equal(['worker']);
  });

  it('posts to a remote node before start are refused like any other (not-started)', () => {
    const net = createNetwork({ name: 'early', transport: createNatsTransport() });
    net.remote('worker');
    const r = net.post('worker', { type: 't' });
    expect(r.status).to.equal('rejected');
    expect(r.status === 'rejected' && r.reason).to.equal('not-started');
  });

  it('start() rejects with a TransportError (connect) when no server answers, and the network can start again later', async () => {
    const net = createNetwork({ name: 'nowhere', transport: createNatsTransport({ servers: 'nats://127.0.0.1:1' }) });
    net.remote('worker');
    const error = await net.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTransportError(error) && error.failure).to.equal('connect');
    expect(net.state).to.equal('created');
    expect(net.post('worker', { type: 't' }).status).to.equal('rejected');
    const report = await net.shutdown();
    expect(report.transport).to.deep.equal({ nakedAtClose: 0, publishesAwaited: 0, publishesFailed: 0, errors: [] });
  });

  it('makes one NATS token per name, apart for names that differ only in . and :', () => {
    expect(subjectFor('plexus', 'shop', 'worker')).to.equal('plexus.shop.worker');
    expect(subjectFor('plexus', 'shop', 'a.b')).to.not.equal(subjectFor('plexus', 'shop', 'a_b'));
    expect(subjectFor('plexus', 'shop', 'a.b').split('.')).to.have.length(3);
    expect(defaultStream('my.net')).to.match(/^PLEXUS_[A-Za-z0-9_-]+$/);
    expect(durableFor('a:b')).to.match(/^[A-Za-z0-9_-]+$/);
  });

  it('round-trips an envelope with its history, and refuses malformed ones with a TransportError', () => {
    const hop = { node: 'a', partition: 2, attempt: 1, startedAt: 1, finishedAt: 2, outcome: 'failed' as const };
    const s = new SignalEnvelope('id-1', 'order', '1.1', { n: 1 }, 'src', 'worker', 'pk', 'ik', 'corr', 'cause', 123, 0.7, Object.freeze({ h: 'v' }), [hop]);
    const back = decodeSignal(encodeSignal(s));
    expect(JSON.parse(JSON.stringify(back))).to.deep.equal(JSON.parse(JSON.stringify(s)));
    expect(back.hops).to.deep.equal([hop]);
    expect(Object.isFrozen(back)).to.equal(true);
    for (const bad of ['not json', '[]', '{"id":"x"}', JSON.stringify({ ...s.toJSON(), hops: [{ node: 1 }] }), JSON.stringify({ ...s.toJSON(), headers: { a: 1 } })]) {
      expect(() => decodeSignal(bad))
        .to.throw()
        .that.satisfies(isTransportError);
    }
  });
});

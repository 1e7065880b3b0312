import { request } from 'node:http';
import { expect } from 'chai';
import { servedNetwork, openEvents } from './serve-support.ts';

describe('serve: /events (Server-Sent Events)', () => {
  it('streams every event as a data: line of JSON, errors included', async () => {
    const { net, server } = await servedNetwork();
    net.node('w', { handle: (s) => (s.payload === 'bad' ? Promise.reject(new Error('boom')) : undefined), retry: { maxAttempts: 1 } });
    await net.start();
    const stream = await openEvents(`${server.url}/events`);
    net.post('w', { type: 't', payload: 'ok' });
    net.post('w', { type: 't', payload: 'bad' });
    await net.idle();
    await stream.readUntil(() => stream.events.filter((e) => e.kind === 'completed' || e.kind === 'dead-lettered').length === 2);
    await net.shutdown();
    expect(stream.response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    const kinds = stream.events.filter((e) => e.kind !== 'health').map((e) => e.kind);
    expect(kinds).to.include.members(['accepted', 'started', 'completed', 'failed', 'dead-lettered']);
    const failed = stream.events.find((e) => e.kind === 'failed') as unknown as { error: { message: string } };
    expect(failed.error.message).to.equal('boom');
  });

  it('filters by kind, node and correlationId (repeated or comma-separated)', async () => {
    const { net, server } = await servedNetwork();
    net.node('a', { handle: () => {} });
    net.node('b', { handle: () => {} });
    await net.start();
    const byKind = await openEvents(`${server.url}/events?kind=completed,dead-lettered`);
    const byNode = await openEvents(`${server.url}/events?node=b&kind=accepted`);
    const byCorrelation = await openEvents(`${server.url}/events?correlationId=c-2&correlationId=c-3`);
    for (const [node, correlationId] of [
      ['a', 'c-1'],
      ['b', 'c-2'],
      ['a', 'c-3'],
    ] as const)
      net.post(node, { type: 't', correlationId });
    await net.idle();
    await byKind.readUntil(() => byKind.events.length === 3);
    await byNode.readUntil(() => byNode.events.length === 1);
    await byCorrelation.readUntil(() => byCorrelation.events.filter((e) => e.kind === 'completed').length === 2);
    await net.shutdown();
    await byKind.readUntil(() => false);
    await byNode.readUntil(() => false);
    await byCorrelation.readUntil(() => false);
    // Nodes drain independently: the order across nodes is not fixed.
    expect(byKind.events.map((e) => `${e.kind} ${'node' in e ? e.node : ''}`).sort()).to.deep.equal(['completed a', 'completed a', 'completed b']);
    expect(byNode.events.map((e) => [e.kind, 'node' in e ? e.node : undefined])).to.deep.equal([['accepted', 'b']]);
    const correlations = new Set(byCorrelation.events.map((e) => ('correlationId' in e ? e.correlationId : undefined)));
    expect([...correlations].sort()).to.deep.equal(['c-2', 'c-3']);
  });

  it('cuts off a client that does not read once its buffer overflows; the network goes on at full speed', async () => {
    const { net, server } = await servedNetwork({ eventBufferBytes: 64 * 1024 });
    net.node('w', { handle: () => {}, capacity: 10_000 });
    await net.start();
    // A second client whose filter lets nothing through: it is never behind, so it stays.
    const quiet = await openEvents(`${server.url}/events?node=elsewhere`);
    const slow = await connectWithoutReading(`${server.url}/events`);
    const payload = 'x'.repeat(10_000);
    const perRound = 100;
    let rounds = 0;
    // Post until the slow client is cut: the kernel's socket buffers take some megabytes first.
    while (server.droppedEventClients === 0 && rounds < 20) {
      for (let i = 0; i < perRound; i++) net.post('w', { type: 't', payload });
      await net.idle();
      rounds++;
    }
    await slow.closed;
    const counts = net.counts();
    const connectedAfter = server.eventClients;
    await net.shutdown();
    expect(server.droppedEventClients).to.equal(1);
    expect(connectedAfter).to.equal(1, 'the quiet client is still connected');
    expect([counts.accepted, counts.completed]).to.deep.equal([rounds * perRound, rounds * perRound], 'every signal ran while the client stalled');
    expect(quiet.ended).to.equal(false);
  });
});

/** Opens `/events` over node:http and pauses the response after the first chunk: a client that stops reading. */
function connectWithoutReading(url: string): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (response) => {
      response.once('data', () => {
        response.pause();
        resolve({ closed: new Promise((done) => response.socket.once('close', () => done())) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

import { expect } from 'chai';
import { createNetworkServer, ErrorCode, type NodeStatsSnapshot } from '../../lib/index.ts';
import { refusesMutations } from '../../lib/serve/api-routes.ts';
import { testNetwork } from '../support/networks.ts';
import { servedNetwork } from './serve-support.ts';

/** fetch, answering the status and the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: each route answers its own JSON shape; the specs read fields of it
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

/** A served network with node `w` (breaker, no retries) that dead-letters signals of type 'bad'. */
async function failingNetwork(options: Parameters<typeof servedNetwork>[1] = {}) {
  const served = await servedNetwork({}, options);
  served.net.node('w', {
    breaker: { failureThreshold: 100 },
    retry: false,
    handle: (signal) => {
      if (signal.type === 'bad') throw new Error('boom');
    },
  });
  served.net.node('v', { breaker: false, handle: () => {} });
  await served.net.start();
  return served;
}

describe('serve: /api endpoints', () => {
  it('GET /api/topology lists nodes and remote nodes; GET /api/nodes[/:name] gives stats, 404 for an unknown node', async () => {
    const { net, server } = await failingNetwork();
    net.post('w', { type: 'ok' });
    await net.idle();
    const topology = await call(`${server.url}/api/topology`);
    const nodes = await call(`${server.url}/api/nodes`);
    const one = await call(`${server.url}/api/nodes/w`);
    const missing = await call(`${server.url}/api/nodes/nope`);
    await net.shutdown();
    expect(topology.status).to.equal(200);
    expect(topology.body.nodes.map((node: { name: string }) => node.name)).to.deep.equal(['w', 'v']);
    expect([topology.body.remoteNodes, topology.body.edges, topology.body.edgesFrom]).to.deep.equal([[], [], 'none']);
    expect(nodes.body.nodes.map((stats: NodeStatsSnapshot) => [stats.node, stats.completed])).to.deep.equal([
      ['w', 1],
      ['v', 0],
    ]);
    expect([one.status, one.body.node, one.body.completed, one.body.breakerState]).to.deep.equal([200, 'w', 1, 'closed']);
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'not-found']);
  });

  it('GET /api/topology derives the edges seen so far from the journal (source → target of emitted signals)', async () => {
    const { net, server } = await servedNetwork({}, { journal: {} });
    net.node('a', { handle: (_signal, ctx) => void ctx.emit('b', { type: 'next' }) });
    net.node('b', { handle: (_signal, ctx) => void ctx.emit('c', { type: 'last' }) });
    net.node('c', { handle: () => {} });
    await net.start();
    net.post('a', { type: 'first' });
    net.post('a', { type: 'first' });
    await net.idle();
    const topology = await call(`${server.url}/api/topology`);
    await net.shutdown();
    expect([topology.body.edgesFrom, topology.body.edges]).to.deep.equal([
      'journal',
      [
        { from: 'a', to: 'b', signals: 2 },
        { from: 'b', to: 'c', signals: 2 },
      ],
    ]);
  });

  it('lists dead letters with filters, gets one, and answers 404 / 400 with codes', async () => {
    const { net, server } = await failingNetwork();
    for (let i = 0; i < 3; i++) net.post('w', { type: 'bad', payload: i });
    await net.idle();
    const all = await call(`${server.url}/api/dead-letters`);
    const limited = await call(`${server.url}/api/dead-letters?node=w&reason=handler-failed&limit=2`);
    const otherNode = await call(`${server.url}/api/dead-letters?node=v`);
    const badLimit = await call(`${server.url}/api/dead-letters?limit=abc`);
    const id = all.body.deadLetters[0].id as string;
    const one = await call(`${server.url}/api/dead-letters/${id}`);
    const unknown = await call(`${server.url}/api/dead-letters/nope`);
    await net.shutdown();
    expect([all.status, all.body.size, all.body.deadLetters.length]).to.deep.equal([200, 3, 3]);
    expect(limited.body.deadLetters.length).to.equal(2);
    expect(otherNode.body.deadLetters).to.deep.equal([]);
    expect([badLimit.status, badLimit.body.error.code]).to.deep.equal([400, 'bad-request']);
    expect([one.status, one.body.id, one.body.node, one.body.error.message]).to.deep.equal([200, id, 'w', 'boom']);
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, ErrorCode.DeadLetterNotFound]);
  });

  it('POST /api/dead-letters/:id/reprocess sends it back; DELETE purges it; unknown ids are 404 with the DLQ code', async () => {
    const { net, server } = await failingNetwork();
    net.post('w', { type: 'bad', payload: 1 });
    net.post('w', { type: 'bad', payload: 2 });
    await net.idle();
    const [first, second] = net.dlq.list().map((entry) => entry.id);
    const reprocessed = await call(`${server.url}/api/dead-letters/${first}/reprocess`, { method: 'POST' });
    await net.idle();
    const purged = await call(`${server.url}/api/dead-letters/${second}`, { method: 'DELETE' });
    const reprocessUnknown = await call(`${server.url}/api/dead-letters/nope/reprocess`, { method: 'POST' });
    const purgeUnknown = await call(`${server.url}/api/dead-letters/nope`, { method: 'DELETE' });
    const wrongMethod = await call(`${server.url}/api/dead-letters/${second}/reprocess`, { method: 'GET' });
    const counts = net.counts();
    const left = net.dlq.list().map((entry) => [entry.id, entry.signal.payload]);
    await net.shutdown();
    expect([reprocessed.status, reprocessed.body]).to.deep.equal([200, { id: first, status: 'accepted' }]);
    expect([purged.status, purged.body]).to.deep.equal([200, { id: second, purged: true }]);
    // The reprocessed signal failed again (it is 'bad'): it is back as a new entry; the purged one is gone.
    expect(left).to.deep.equal([[first, 1]]);
    expect(counts.redelivered).to.equal(1);
    expect([reprocessUnknown.status, reprocessUnknown.body.error.code]).to.deep.equal([404, ErrorCode.DeadLetterNotFound]);
    expect([purgeUnknown.status, purgeUnknown.body.error.code]).to.deep.equal([404, ErrorCode.DeadLetterNotFound]);
    expect([wrongMethod.status, wrongMethod.body.error.code]).to.deep.equal([405, 'method-not-allowed']);
  });

  it('POST /api/nodes/:name/breaker/isolate and /reset drive the breaker; a node without one is 409', async () => {
    const { net, server } = await failingNetwork();
    const isolated = await call(`${server.url}/api/nodes/w/breaker/isolate`, { method: 'POST' });
    const isolatedNow = net.breaker('w')!.isolated;
    const reset = await call(`${server.url}/api/nodes/w/breaker/reset`, { method: 'POST' });
    const afterReset = [net.breaker('w')!.isolated, net.breaker('w')!.state];
    const none = await call(`${server.url}/api/nodes/v/breaker/reset`, { method: 'POST' });
    const unknown = await call(`${server.url}/api/nodes/nope/breaker/isolate`, { method: 'POST' });
    await net.shutdown();
    expect([isolated.status, isolatedNow]).to.deep.equal([200, true]);
    expect([reset.status, ...afterReset]).to.deep.equal([200, false, 'closed']);
    expect([none.status, none.body.error.code]).to.deep.equal([409, 'conflict']);
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'not-found']);
  });

  it('GET /api/traces/:correlationId gives the journaled hops of that correlation; 404 when none, 409 without a journal', async () => {
    const { net, server } = await failingNetwork({ journal: {} });
    net.post('w', { type: 'ok', correlationId: 'c-1' });
    net.post('v', { type: 'next', correlationId: 'c-1' });
    net.post('v', { type: 'other', correlationId: 'c-2' });
    await net.idle();
    const found = await call(`${server.url}/api/traces/c-1`);
    const missing = await call(`${server.url}/api/traces/c-9`);
    await net.shutdown();
    const withoutJournal = await servedNetwork();
    await withoutJournal.net.start();
    const noJournal = await call(`${withoutJournal.server.url}/api/traces/c-1`);
    await withoutJournal.net.shutdown();
    expect(found.status).to.equal(200);
    expect(found.body.hops.map((hop: { type: string }) => hop.type)).to.deep.equal(['ok', 'next']);
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'not-found']);
    expect([noJournal.status, noJournal.body.error.code]).to.deep.equal([409, 'conflict']);
  });

  it('POST /api/shutdown starts a graceful shutdown (202) and the server closes with the network', async () => {
    const { net, server } = await failingNetwork();
    const answer = await call(`${server.url}/api/shutdown`, { method: 'POST' });
    const report = await net.shutdown();
    expect([answer.status, answer.body.state]).to.deep.equal([202, 'stopping']);
    expect(report).to.be.an('object');
    const refused = await fetch(`${server.url}/api/topology`).then(
      () => 'answered',
      () => 'closed',
    );
    expect(refused).to.equal('closed');
  });

  it('refuses changes without a token when bound beyond loopback (403 token-required); reads stay allowed', async () => {
    expect([refusesMutations('127.0.0.1', undefined), refusesMutations('::1', undefined), refusesMutations('localhost', undefined)]).to.deep.equal([false, false, false]);
    expect([refusesMutations('0.0.0.0', undefined), refusesMutations('192.168.1.5', undefined), refusesMutations('0.0.0.0', 'secret')]).to.deep.equal([true, true, false]);
    const { net } = testNetwork({ journal: false, health: false });
    net.node('w', { handle: () => {}, breaker: {} });
    await net.start();
    // Bound to every interface, but every request here goes to 127.0.0.1.
    const server = await createNetworkServer(net, { port: 0, host: '0.0.0.0' });
    const local = server.url.replace('0.0.0.0', '127.0.0.1');
    const read = await call(`${local}/api/nodes/w`);
    const change = await call(`${local}/api/nodes/w/breaker/isolate`, { method: 'POST' });
    const shutdown = await call(`${local}/api/shutdown`, { method: 'POST' });
    const isolated = net.breaker('w')!.isolated;
    const state = net.state;
    await net.shutdown();
    expect(read.status).to.equal(200);
    expect([change.status, change.body.error.code, shutdown.status, shutdown.body.error.code]).to.deep.equal([403, 'token-required', 403, 'token-required']);
    expect([isolated, state]).to.deep.equal([false, 'running']);
  });

  it('with a token, /api requests need it; with it, changes are allowed even beyond loopback', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    net.node('w', { handle: () => {}, breaker: {} });
    await net.start();
    const server = await createNetworkServer(net, { port: 0, host: '0.0.0.0', token: 'secret' });
    const local = server.url.replace('0.0.0.0', '127.0.0.1');
    const without = await call(`${local}/api/nodes/w/breaker/isolate`, { method: 'POST' });
    const withToken = await call(`${local}/api/nodes/w/breaker/isolate`, { method: 'POST', headers: { authorization: 'Bearer secret' } });
    const isolated = net.breaker('w')!.isolated;
    await net.shutdown();
    expect([without.status, without.body.error.code]).to.deep.equal([401, 'unauthorized']);
    expect([withToken.status, isolated]).to.deep.equal([200, true]);
  });
});

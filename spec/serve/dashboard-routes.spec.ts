import { expect } from 'chai';
import { createNetworkServer } from '../../lib/index.ts';
import { intervalLatency } from '../../lib/serve/stats-history.ts';
import { testNetwork } from '../support/networks.ts';
import { servedNetwork } from './serve-support.ts';

/** fetch, answering the status and the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: each route answers its own JSON shape; the specs read fields of it
async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any }> {
  const { json, ...rest } = init;
  const response = await fetch(url, json === undefined ? rest : { method: 'POST', body: JSON.stringify(json), ...rest });
  return { status: response.status, body: await response.json() };
}

/** Node `a` emits to `b`; `b` takes `reading` at 1.0 only (schema), with a breaker. */
async function pipeline(options: Parameters<typeof servedNetwork>[1] = {}) {
  const served = await servedNetwork({}, { journal: {}, ...options });
  served.net.schemas.register('reading', { versions: { '1.0': null } });
  served.net.node('a', { partitions: 4, handle: (signal, ctx) => void ctx.emit('b', { type: 'reading', payload: signal.payload }) });
  served.net.node('b', { partitions: 2, retry: false, breaker: {}, handle: () => {} });
  await served.net.start();
  return served;
}

describe('serve: the routes the dashboard reads and drives', () => {
  it('GET /api/overview: name, state, counts, every node’s stats (queue by partition, handling times), the health report and the DLQ size', async () => {
    const { net, server } = await pipeline();
    for (let i = 0; i < 5; i++) net.post('a', { type: 'tick', payload: i, partitionKey: `k${i}` });
    await net.idle();
    const { status, body } = await call(`${server.url}/api/overview`);
    await net.shutdown();
    expect([status, body.network, body.state, body.counts.completed, body.deadLetters]).to.deep.equal([200, 'spec', 'running', 10, { size: 0 }]);
    expect(body.nodes.map((n: { node: string; partitionDepths: number[] }) => [n.node, n.partitionDepths])).to.deep.equal([
      ['a', [0, 0, 0, 0]],
      ['b', [0, 0]],
    ]);
    const handled = body.nodes[0].handleMs;
    expect([handled.count, handled.counts.length, handled.boundsMs.length + 1]).to.deep.equal([5, handled.boundsMs.length + 1, handled.counts.length]);
    expect(handled.counts.reduce((sum: number, c: number) => sum + c, 0)).to.equal(5);
    expect(body.health).to.include.keys('status', 'components', 'circuitBreakers', 'alerts');
  });

  it('GET /api/history: a sample a second on the network clock, each node’s throughput and handling times; `since` gives the newer ones; five minutes kept', async () => {
    const { net, server, clock } = await pipeline();
    for (let i = 0; i < 6; i++) net.post('a', { type: 'tick', payload: i });
    await net.idle();
    await clock.advance(1_000);
    await clock.advance(1_000);
    const first = await call(`${server.url}/api/history`);
    const [one, two] = first.body.samples;
    const newer = await call(`${server.url}/api/history?since=${one.at}`);
    const bad = await call(`${server.url}/api/history?since=soon`);
    await clock.advance(6 * 60_000);
    const later = await call(`${server.url}/api/history`);
    await net.shutdown();
    expect([first.status, first.body.intervalMs, first.body.keepMs, first.body.samples.length]).to.deep.equal([200, 1_000, 300_000, 2]);
    expect([one.nodes.a.throughput, one.nodes.b.throughput, two.nodes.a.throughput]).to.deep.equal([6, 6, 0]);
    // Handled in no time on a virtual clock: a mean of 0 ms and a p95 inside the first bucket (0.05 ms) in the first second; nothing handled in the second.
    expect([one.nodes.a.latency.meanMs, one.latency.meanMs, two.latency]).to.deep.equal([0, 0, null]);
    expect(one.latency.p95Ms).to.be.within(0, 0.05);
    expect(newer.body.samples).to.deep.equal([two]);
    expect([bad.status, bad.body.error.code]).to.deep.equal([400, 'bad-request']);
    expect(later.body.samples.length).to.equal(300);
    expect(later.body.samples[0].at).to.be.greaterThan(later.body.samples.at(-1).at - 300_000);
  });

  it('intervalLatency: mean and p95 of the attempts between two readings, p95 interpolated in its bucket', () => {
    const boundsMs = [1, 2, 5, 10];
    const before = { count: 10, sumMs: 10, boundsMs, counts: [10, 0, 0, 0, 0] };
    // 100 more attempts: 80 in (0, 1], 10 in (1, 2], 10 in (2, 5]: the 95th is the 5th of the 10 in (2, 5].
    const after = { count: 110, sumMs: 10 + 80 * 0.5 + 10 * 1.5 + 10 * 4, boundsMs, counts: [90, 10, 10, 0, 0] };
    expect(intervalLatency(before, after)).to.deep.equal({ meanMs: 0.95, p95Ms: 2 + 0.5 * 3 });
    expect(intervalLatency(after, after)).to.equal(null);
    // Beyond the last bound the histogram knows only that bound.
    expect(intervalLatency(before, { count: 11, sumMs: 30, boundsMs, counts: [10, 0, 0, 0, 1] })).to.deep.equal({ meanMs: 20, p95Ms: 10 });
  });

  it('stats show the queue by partition while signals wait (they add up to queueDepth)', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    net.node('slow', { partitions: 3, concurrency: 1, handle: () => gate });
    await net.start();
    for (let i = 0; i < 7; i++) net.post('slow', { type: 't', partitionKey: `key-${i}` });
    const stats = net.stats('slow');
    release();
    await net.shutdown();
    expect(stats.partitionDepths).to.have.length(3);
    expect(stats.partitionDepths.reduce((a, b) => a + b, 0)).to.equal(stats.queueDepth);
    expect(stats.queueDepth).to.be.greaterThan(0);
  });

  it('GET /api/topology gives each node its partitions, the signal types seen in the journal and the schema versions of those that have one', async () => {
    const { net, server } = await pipeline();
    net.post('a', { type: 'tick', payload: 1 });
    await net.idle();
    const { body } = await call(`${server.url}/api/topology`);
    await net.shutdown();
    expect(body.nodes.map((n: { name: string; partitions: number; signalTypes: string[]; schemas: unknown[] }) => [n.name, n.partitions, n.signalTypes, n.schemas])).to.deep.equal([
      ['a', 4, ['tick'], []],
      ['b', 2, ['reading'], [{ type: 'reading', versions: ['1.0'] }]],
    ]);
    expect(body.edges).to.deep.equal([{ from: 'a', to: 'b', signals: 1 }]);
  });

  it('POST /api/signals sends a signal: a version the schema does not support ends as a dead letter; bad requests are 400/404', async () => {
    const { net, server } = await pipeline();
    const sent = await call(`${server.url}/api/signals`, { json: { target: 'b', type: 'reading', version: '9.9', payload: { t: 1 }, correlationId: 'c-9' } });
    await net.idle();
    const dead = net.dlq.list();
    const refused = await call(`${server.url}/api/signals`, { json: { target: 'b', type: 'reading', payload: 10n.toString(), idempotencyKey: 'k' } });
    const duplicate = await call(`${server.url}/api/signals`, { json: { target: 'b', type: 'reading', idempotencyKey: 'k' } });
    const unknownTarget = await call(`${server.url}/api/signals`, { json: { target: 'nope', type: 'x' } });
    const noType = await call(`${server.url}/api/signals`, { json: { target: 'b' } });
    const unknownField = await call(`${server.url}/api/signals`, { json: { target: 'b', type: 'x', urgent: true } });
    const badVersion = await call(`${server.url}/api/signals`, { json: { target: 'b', type: 'x', version: 2 } });
    await net.shutdown();
    expect([sent.status, sent.body.status, sent.body.target]).to.deep.equal([202, 'accepted', 'b']);
    expect(dead.map((d) => [d.node, d.reason, d.signal.version, d.signal.correlationId])).to.deep.equal([['b', 'unsupported-version', '9.9', 'c-9']]);
    expect([refused.status, refused.body.status, duplicate.status, duplicate.body.status]).to.deep.equal([202, 'accepted', 202, 'duplicate']);
    expect([unknownTarget.status, unknownTarget.body.error.code]).to.deep.equal([404, 'not-found']);
    for (const answer of [noType, unknownField, badVersion]) expect([answer.status, answer.body.error.code]).to.deep.equal([400, 'bad-request']);
  });

  it('POST /api/replay sends again the journaled signals of the last minute (or lastMs), of one node when asked; 409 without a journal', async () => {
    const { net, server, clock } = await pipeline();
    net.post('a', { type: 'old', payload: 0 });
    await net.idle();
    await clock.advance(120_000);
    net.post('a', { type: 'recent', payload: 1 });
    await net.idle();
    const before = net.counts().redelivered;
    const lastMinute = await call(`${server.url}/api/replay`, { json: {} });
    await net.idle();
    const ofB = await call(`${server.url}/api/replay`, { json: { node: 'b', lastMs: 10 * 60_000 } });
    await net.idle();
    const redelivered = net.counts().redelivered - before;
    const bad = await call(`${server.url}/api/replay`, { json: { lastMs: -1 } });
    const unknownNode = await call(`${server.url}/api/replay`, { json: { node: 'nope' } });
    const unknownField = await call(`${server.url}/api/replay`, { json: { since: 1 } });
    await net.shutdown();
    const noJournal = await servedNetwork();
    noJournal.net.node('a', { handle: () => {} });
    await noJournal.net.start();
    const refused = await call(`${noJournal.server.url}/api/replay`, { json: {} });
    await noJournal.net.shutdown();
    // The last minute holds 'recent' at a and the 'reading' it caused at b.
    expect([lastMinute.status, lastMinute.body]).to.deep.equal([200, { found: 2, accepted: 2, duplicate: 0, rejected: 0 }]);
    expect(ofB.body.found).to.be.greaterThanOrEqual(2);
    expect(redelivered).to.equal(2 + ofB.body.accepted);
    for (const answer of [bad, unknownField]) expect([answer.status, answer.body.error.code]).to.deep.equal([400, 'bad-request']);
    expect([unknownNode.status, refused.status, refused.body.error.code]).to.deep.equal([404, 409, 'conflict']);
  });

  it('GET /api/dead-letters?newest=true lists the newest first, `limit` keeping the newest', async () => {
    const { net, server } = await servedNetwork();
    net.node('w', { retry: false, handle: () => Promise.reject(new Error('no')) });
    await net.start();
    for (let i = 0; i < 4; i++) net.post('w', { type: 't', payload: i, partitionKey: 'one' });
    await net.idle();
    const newest = await call(`${server.url}/api/dead-letters?newest=true&limit=2`);
    const oldest = await call(`${server.url}/api/dead-letters?limit=2`);
    const bad = await call(`${server.url}/api/dead-letters?newest=yes`);
    await net.shutdown();
    expect(newest.body.deadLetters.map((d: { signal: { payload: number } }) => d.signal.payload)).to.deep.equal([3, 2]);
    expect(oldest.body.deadLetters.map((d: { signal: { payload: number } }) => d.signal.payload)).to.deep.equal([0, 1]);
    expect([newest.body.size, bad.status, bad.body.error.code]).to.deep.equal([4, 400, 'bad-request']);
  });
});

describe('serve: the dashboard’s files', () => {
  it('serves the page at /, its modules at /dashboard/..., the runbook at /runbook; with a token, only these go without it', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    net.node('w', { handle: () => {} });
    await net.start();
    const server = await createNetworkServer(net, { token: 'secret' });
    const get = (path: string) =>
      fetch(`${server.url}${path}`).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), csp: r.headers.get('content-security-policy'), text: await r.text() }));
    const page = await get('/');
    const app = await get('/dashboard/app.js');
    const style = await get('/dashboard/style.css');
    const runbook = await get('/runbook');
    const markdown = await get('/dashboard/operations.md');
    const api = await get('/api/overview');
    const missing = await get('/dashboard/nope.js');
    const posted = await fetch(`${server.url}/`, { method: 'POST' }).then((r) => r.status);
    await net.shutdown();
    expect([page.status, page.type, page.csp]).to.deep.equal([
      200,
      'text/html; charset=utf-8',
      "default-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    ]);
    expect(page.text).to.include('<script type="module" src="/dashboard/app.js">');
    expect([app.status, app.type, style.status, style.type]).to.deep.equal([200, 'text/javascript; charset=utf-8', 200, 'text/css; charset=utf-8']);
    expect([runbook.status, markdown.status]).to.deep.equal([200, 200]);
    // Every runbook entry the starter alerts name is in the runbook the dashboard links to.
    for (const anchor of ['node-error-rate', 'mailbox-fill', 'dead-letters-growing', 'breaker-open', 'network-unhealthy']) expect(markdown.text).to.include(`### Alert: ${anchor}`);
    // Data, and anything but the dashboard's own files, still need the token.
    expect([api.status, missing.status, posted]).to.deep.equal([401, 401, 401]);
  });

  it('with `dashboard: false`, / is not served', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    await net.start();
    const server = await createNetworkServer(net, { dashboard: false });
    const page = await fetch(`${server.url}/`).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string } } }));
    await net.shutdown();
    expect([page.status, page.body.error.code]).to.deep.equal([404, 'not-found']);
  });
});

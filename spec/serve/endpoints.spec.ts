import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { createNetworkServer, ErrorCode, HttpErrorCode, type HealthReport } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';
import sinon from 'sinon';
import { EventHub } from '../../lib/observe/event-hub.ts';
import { openEvents, servedNetwork } from './serve-support.ts';

const PROMTOOL = '/usr/bin/promtool';

describe('serve: HTTP endpoints', () => {
  it('serves /metrics in the Prometheus text format, with the plexus_ metrics', async () => {
    const { net, server } = await servedNetwork();
    net.node('w', { handle: () => {} });
    await net.start();
    net.post('w', { type: 't' });
    await net.idle();
    expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/metrics`);
    const body = await response.text();
    await net.shutdown();
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    expect(body).to.match(/^plexus_signals_total\{node="w",outcome="completed",[^}]*\} 1$/m);
    expect(body).to.match(/^# TYPE plexus_\w+ histogram$/m);
  });

  it('/metrics passes `promtool check metrics` with no findings (skipped without promtool)', async function () {
    if (!existsSync(PROMTOOL)) this.skip();
    const { net, server } = await servedNetwork();
    net.node('w', { handle: () => {}, breaker: {} });
    await net.start();
    for (let i = 0; i < 5; i++) net.post('w', { type: 't' });
    await net.idle();
    const body = await (await fetch(`${server.url}/metrics`)).text();
    await net.shutdown();
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect({ status: check.status, findings: `${check.stdout}${check.stderr}`.trim() }).to.deep.equal({ status: 0, findings: '' });
  });

  it('/health: 200 with the report when healthy, 503 once an essential check fails', async () => {
    const { net, clock, server } = await servedNetwork();
    let dbUp = true;
    net.registerHealthCheck('db', () => (dbUp ? 'healthy' : 'unhealthy'), { essential: true });
    await net.start();
    const healthy = await fetch(`${server.url}/health`);
    const healthyReport = (await healthy.json()) as HealthReport;
    dbUp = false;
    await clock.advance(1_000);
    const unhealthy = await fetch(`${server.url}/health`);
    const unhealthyReport = (await unhealthy.json()) as HealthReport;
    await net.shutdown();
    expect([healthy.status, healthyReport.status, healthy.headers.get('content-type')]).to.deep.equal([200, 'healthy', 'application/json; charset=utf-8']);
    expect([unhealthy.status, unhealthyReport.status, unhealthyReport.components.db?.status]).to.deep.equal([503, 'unhealthy', 'unhealthy']);
  });

  it('answers 404 and 405 with a JSON error and its code', async () => {
    const { net, server } = await servedNetwork();
    const missing = await fetch(`${server.url}/nope`);
    const posted = await fetch(`${server.url}/metrics`, { method: 'POST' });
    const bodies = [await missing.json(), await posted.json()];
    await net.shutdown();
    expect([missing.status, posted.status, posted.headers.get('allow')]).to.deep.equal([404, 405, 'GET']);
    expect(bodies.map((b) => (b as { error: { code: string } }).error.code)).to.deep.equal([HttpErrorCode.NotFound, HttpErrorCode.MethodNotAllowed]);
    expect((bodies[0] as { error: { message: string } }).error.message).to.include('/nope');
  });

  it('with a token, every request needs it as a bearer token (401 without or with a wrong one)', async () => {
    const { net, server } = await servedNetwork({ token: 's3cret' });
    const statuses = [];
    for (const authorization of [undefined, 'Bearer wrong', 's3cret', 'Bearer s3cret']) {
      const response = await fetch(`${server.url}/health`, { headers: authorization === undefined ? {} : { authorization } });
      statuses.push(response.status);
      if (response.status === 401) {
        expect(response.headers.get('www-authenticate')).to.equal('Bearer');
        expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(HttpErrorCode.Unauthorized);
      } else await response.body?.cancel();
    }
    const unknownPath = await fetch(`${server.url}/nope`);
    await net.shutdown();
    expect(statuses).to.deep.equal([401, 401, 401, 503], 'the network was not started: its health is unknown (503), but the token was taken');
    expect(unknownPath.status).to.equal(401, 'no route is revealed without the token');
  });

  it('refuses unknown and bad options with a typed error, and a network already shut down', async () => {
    const { net } = testNetwork();
    await expectRejects(createNetworkServer(net, { prot: 0 } as never), /"prot".*did you mean 'port'/);
    await expectRejects(createNetworkServer(net, { port: 70_000 }), /"port".*<= 65535/);
    await expectRejects(createNetworkServer(net, { token: '' }), /"token"/);
    await net.shutdown();
    const error = await expectRejects(createNetworkServer(net), /shut|terminated/);
    expect((error as { code?: string }).code).to.equal(ErrorCode.Lifecycle);
  });

  it('a server without /events clients adds no work per signal (the network builds no events for it)', async () => {
    const emit = sinon.spy(EventHub.prototype, 'emit');
    try {
      const { net, server } = await servedNetwork({}, { health: false });
      net.node('w', { handle: () => {} });
      await net.start();
      emit.resetHistory();
      for (let i = 0; i < 100; i++) net.post('w', { type: 't' });
      await net.idle();
      const emitted = emit.callCount;
      await net.shutdown();
      await server.close();
      expect(emitted).to.equal(0);
    } finally {
      emit.restore();
    }
  });

  for (const [label, options] of [
    ['', {}],
    [' (health checks off)', { health: false }],
  ] as const) {
    it(`closes with the network's shutdown${label}, and close() and asyncDispose are safe to call again`, async () => {
      const { net, server } = await servedNetwork({}, options);
      const { url } = server;
      const stream = await openEvents(`${url}/events`);
      await net.shutdown();
      await stream.readUntil(() => false);
      expect([stream.ended, server.eventClients]).to.deep.equal([true, 0], 'the shutdown ended the event stream');
      const refused = await fetch(`${url}/health`).then(
        () => 'answered',
        (e: unknown) => (e as Error).name,
      );
      expect(refused).to.equal('TypeError', 'fetch fails: nothing listens any more');
      await server.close();
      await server[Symbol.asyncDispose]();
    });
  }
});

async function expectRejects(promise: Promise<unknown>, message: RegExp): Promise<unknown> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'rejected').to.be.instanceOf(Error);
  expect((error as Error).message).to.match(message);
  return error;
}

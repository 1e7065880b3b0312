import { expect } from 'chai';
import { createNetworkServer } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';
import { servedNetwork } from './serve-support.ts';

/** fetch, answering the status and the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: each route answers its own JSON shape; the specs read fields of it
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** A served network with group `pay` over nodes pay-a, pay-b (each with a breaker). */
async function payServer() {
  const served = await servedNetwork();
  served.net.node('pay-a', { breaker: {}, handle: () => {} });
  served.net.node('pay-b', { breaker: {}, handle: () => {} });
  served.net.failover('pay', { members: ['pay-a', 'pay-b'] });
  await served.net.start();
  return served;
}

describe('serve: /api failover groups', () => {
  it('lists the groups (and in the topology), one group with its audit trail; 404 for an unknown group', async () => {
    const { net, server } = await payServer();
    const list = await call(`${server.url}/api/failover`);
    const one = await call(`${server.url}/api/failover/pay`);
    const topology = await call(`${server.url}/api/topology`);
    const missing = await call(`${server.url}/api/failover/nope`);
    await net.shutdown();
    expect(list.status).to.equal(200);
    expect(list.body.groups.map((group: { name: string; active: string }) => [group.name, group.active])).to.deep.equal([['pay', 'pay-a']]);
    expect(one.body).to.deep.include({ name: 'pay', members: ['pay-a', 'pay-b'], health: { 'pay-a': 'healthy', 'pay-b': 'healthy' }, switches: 0, runbook: 'docs/operations.md#failover-switched' });
    expect(one.body.audit.map((entry: { action: string; to: string }) => [entry.action, entry.to])).to.deep.equal([['acquire', 'pay-a']]);
    expect(topology.body.failoverGroups).to.deep.equal([{ name: 'pay', members: ['pay-a', 'pay-b'], active: 'pay-a' }]);
    expect([missing.status, missing.body.error.code]).to.deep.equal([404, 'not-found']);
  });

  it('POST /api/failover/:group/switch switches by hand, audited with by and reason; JSON errors with codes', async () => {
    const { net, server } = await payServer();
    const switched = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-b', by: 'alice', reason: 'maintenance on pay-a' }));
    const byDefault = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-a' }));
    net.breaker('pay-b')!.isolate();
    const unhealthy = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-b' }));
    const unknownMember = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-z' }));
    const unknownGroup = await call(`${server.url}/api/failover/nope/switch`, post({ to: 'pay-b' }));
    const noTarget = await call(`${server.url}/api/failover/pay/switch`, post({ by: 'alice' }));
    const notJson = await call(`${server.url}/api/failover/pay/switch`, post('{to: pay-b'));
    const badBy = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-b', by: 7 }));
    const tooLarge = await call(`${server.url}/api/failover/pay/switch`, post({ to: 'pay-b', reason: 'x'.repeat(70_000) }));
    const wrongMethod = await call(`${server.url}/api/failover/pay/switch`);
    const audit = net.failoverGroups[0]!.audit();
    await net.shutdown();
    expect([switched.status, switched.body.active, switched.body.lastChange.by, switched.body.lastChange.reason]).to.deep.equal([200, 'pay-b', 'alice', 'maintenance on pay-a']);
    expect([byDefault.status, byDefault.body.active, byDefault.body.lastChange.by]).to.deep.equal([200, 'pay-a', 'api']);
    expect([unhealthy.status, unhealthy.body.error.code]).to.deep.equal([409, 'PLEXUS_FAILOVER_EXHAUSTED']);
    expect([unknownMember.status, unknownMember.body.error.code]).to.deep.equal([409, 'PLEXUS_FAILOVER_EXHAUSTED']);
    expect([unknownGroup.status, unknownGroup.body.error.code]).to.deep.equal([404, 'not-found']);
    expect([noTarget.status, noTarget.body.error.code, notJson.status, notJson.body.error.code, badBy.status]).to.deep.equal([400, 'bad-request', 400, 'bad-request', 400]);
    expect([tooLarge.status, tooLarge.body.error.code]).to.deep.equal([413, 'too-large']);
    expect(wrongMethod.status).to.equal(405);
    expect(audit.map((entry) => [entry.action, entry.from, entry.to, entry.by])).to.deep.equal([
      ['acquire', undefined, 'pay-a', 'group'],
      ['switch', 'pay-a', 'pay-b', 'alice'],
      ['switch', 'pay-b', 'pay-a', 'api'],
    ]);
  });

  it('the switch follows the token rules of the other mutating routes', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    net.node('pay-a', { handle: () => {} });
    net.node('pay-b', { handle: () => {} });
    const group = net.failover('pay', { members: ['pay-a', 'pay-b'] });
    await net.start();
    const open = await createNetworkServer(net, { port: 0, host: '0.0.0.0' });
    const refused = await call(`${open.url.replace('0.0.0.0', '127.0.0.1')}/api/failover/pay/switch`, post({ to: 'pay-b' }));
    const read = await call(`${open.url.replace('0.0.0.0', '127.0.0.1')}/api/failover`);
    await open.close();
    const guarded = await createNetworkServer(net, { port: 0, host: '0.0.0.0', token: 'secret' });
    const local = guarded.url.replace('0.0.0.0', '127.0.0.1');
    const without = await call(`${local}/api/failover/pay/switch`, post({ to: 'pay-b' }));
    const activeBefore = group.active;
    const withToken = await call(`${local}/api/failover/pay/switch`, post({ to: 'pay-b' }, { authorization: 'Bearer secret' }));
    const activeAfter = group.active;
    await net.shutdown();
    expect([refused.status, refused.body.error.code, read.status]).to.deep.equal([403, 'token-required', 200]);
    expect([without.status, without.body.error.code, activeBefore]).to.deep.equal([401, 'unauthorized', 'pay-a']);
    expect([withToken.status, withToken.body.active, activeAfter]).to.deep.equal([200, 'pay-b', 'pay-b']);
  });
});

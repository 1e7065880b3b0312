import { expect } from 'chai';
import { createNetworkServer, ErrorCode, type ServerAction } from '../../lib/index.ts';
import { MAX_BODY_BYTES } from '../../lib/serve/api-answer.ts';
import { testNetwork } from '../support/networks.ts';
import { servedNetwork } from './serve-support.ts';

/** fetch with a JSON body, answering the status and the JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: each route answers its own JSON shape; the specs read fields of it
async function post(url: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: 'POST', ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }), ...init });
  return { status: response.status, body: await response.json() };
}

/** A setting the actions below change, as a demo's handlers would read it. */
function actionsOver(setting: { share: number; node: string; slow: boolean; mode: string }): Record<string, ServerAction> {
  return {
    'fail-share': {
      label: 'Fail a share',
      description: 'Fails this share of a node’s signals.',
      params: { node: { type: 'node' }, share: { type: 'number', min: 0, max: 1, default: 0.5, label: 'share' } },
      run: ({ node, share }) => {
        setting.node = node as string;
        setting.share = share as number;
        return { applied: true };
      },
    },
    tune: {
      label: 'Tune',
      params: { slow: { type: 'boolean', default: false }, mode: { type: 'string', choices: ['a', 'b'], default: 'a' }, count: { type: 'number', integer: true, default: 1 } },
      run: async ({ slow, mode }) => {
        setting.slow = slow as boolean;
        setting.mode = mode as string;
      },
    },
    broken: { label: 'Broken', run: () => Promise.reject(new Error('it broke')) },
  };
}

async function withActions() {
  const setting = { share: 0, node: '', slow: false, mode: '' };
  const served = await servedNetwork({ actions: actionsOver(setting) });
  served.net.node('w', { handle: () => {} });
  served.net.node('v', { handle: () => {} });
  await served.net.start();
  return { ...served, setting };
}

describe('serve: actions of your own (POST /api/actions/:name)', () => {
  it('GET /api/actions describes each action: name, label, description, parameters in order with their labels', async () => {
    const { net, server } = await withActions();
    const answer = (await fetch(`${server.url}/api/actions`).then((r) => r.json())) as { actions: { name: string }[] };
    await net.shutdown();
    expect(answer.actions.map((a: { name: string }) => a.name)).to.deep.equal(['fail-share', 'tune', 'broken']);
    expect(answer.actions[0]).to.deep.equal({
      name: 'fail-share',
      label: 'Fail a share',
      description: 'Fails this share of a node’s signals.',
      params: [
        { name: 'node', type: 'node', label: 'node' },
        { name: 'share', type: 'number', min: 0, max: 1, default: 0.5, label: 'share' },
      ],
    });
    expect(answer.actions[2]).to.deep.equal({ name: 'broken', label: 'Broken', description: '', params: [] });
  });

  it('runs an action with the checked values (defaults filled in) and answers its result', async () => {
    const { net, server, setting } = await withActions();
    const first = await post(`${server.url}/api/actions/fail-share`, { node: 'v' });
    const second = await post(`${server.url}/api/actions/fail-share`, { node: 'w', share: 0.25 });
    const tuned = await post(`${server.url}/api/actions/tune`, { slow: true, mode: 'b' });
    await net.shutdown();
    expect([first.status, first.body]).to.deep.equal([200, { action: 'fail-share', values: { node: 'v', share: 0.5 }, result: { applied: true } }]);
    expect([second.status, setting.node, setting.share]).to.deep.equal([200, 'w', 0.25]);
    expect([tuned.status, tuned.body.result, setting.slow, setting.mode]).to.deep.equal([200, null, true, 'b']);
  });

  it('refuses bad values with 400 bad-request, an unknown action with 404, and answers 500 action-failed when it throws', async () => {
    const { net, server, setting } = await withActions();
    const url = (name: string) => `${server.url}/api/actions/${name}`;
    const answers = [
      await post(url('fail-share'), { share: 0.1 }), // node is required (no default)
      await post(url('fail-share'), { node: 'nope' }),
      await post(url('fail-share'), { node: 'w', share: 2 }),
      await post(url('fail-share'), { node: 'w', share: '0.5' }),
      await post(url('fail-share'), { node: 'w', speed: 1 }),
      await post(url('tune'), { mode: 'c' }),
      await post(url('tune'), { count: 1.5 }),
      await post(url('tune'), { slow: 'yes' }),
      await post(url('tune'), [1]),
      await post(url('tune'), '{not json'),
    ];
    const tooLarge = await post(url('tune'), JSON.stringify({ mode: 'a'.repeat(MAX_BODY_BYTES) }));
    const unknown = await post(url('nope'), {});
    const broken = await post(url('broken'));
    const wrongMethod = await fetch(url('tune')).then(async (r) => ({ status: r.status, allow: r.headers.get('allow') }));
    await net.shutdown();
    for (const answer of answers) expect([answer.status, answer.body.error.code], JSON.stringify(answer.body)).to.deep.equal([400, 'bad-request']);
    expect(answers.map((a) => a.body.error.message)).to.deep.equal([
      'action fail-share: parameter "node" is required',
      'action fail-share: parameter "node" names no node of the network (w, v)',
      'action fail-share: parameter "share" must be <= 1',
      'action fail-share: parameter "share" must be a finite number',
      'action fail-share: no parameter named "speed" (parameters: node, share)',
      'action tune: parameter "mode" must be one of a, b',
      'action tune: parameter "count" must be an integer',
      'action tune: parameter "slow" must be true or false',
      'action tune: the body must be a JSON object of parameter values',
      answers[9]!.body.error.message,
    ]);
    expect(answers[9]!.body.error.message).to.match(/^the body is not JSON/);
    expect([tooLarge.status, tooLarge.body.error.code]).to.deep.equal([413, 'too-large']);
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'not-found']);
    expect([broken.status, broken.body.error]).to.deep.equal([500, { code: 'action-failed', message: 'action broken failed: it broke' }]);
    expect(wrongMethod).to.deep.equal({ status: 405, allow: 'POST' });
    expect(setting.share).to.equal(0);
  });

  it('follows the token rules of every endpoint that changes something', async () => {
    const ran: string[] = [];
    const actions: Record<string, ServerAction> = { ping: { label: 'Ping', run: () => void ran.push('ping') } };
    const { net } = testNetwork({ journal: false, health: false });
    net.node('w', { handle: () => {} });
    await net.start();
    const open = await createNetworkServer(net, { port: 0, host: '0.0.0.0', actions });
    const guarded = await createNetworkServer(net, { port: 0, host: '0.0.0.0', token: 'secret', actions });
    const local = (server: { url: string }) => server.url.replace('0.0.0.0', '127.0.0.1');
    const refused = await post(`${local(open)}/api/actions/ping`);
    const listed = await fetch(`${local(open)}/api/actions`).then((r) => r.status);
    const noToken = await post(`${local(guarded)}/api/actions/ping`);
    const withToken = await post(`${local(guarded)}/api/actions/ping`, undefined, { headers: { authorization: 'Bearer secret' } });
    await net.shutdown();
    expect([refused.status, refused.body.error.code, listed]).to.deep.equal([403, 'token-required', 200]);
    expect([noToken.status, noToken.body.error.code]).to.deep.equal([401, 'unauthorized']);
    expect([withToken.status, ran]).to.deep.equal([200, ['ping']]);
  });

  it('checks the actions option when the server is created: names, keys, types, bounds and defaults', async () => {
    const { net } = testNetwork({ journal: false, health: false });
    const run = () => {};
    const bad: [unknown, string][] = [
      [{ Fail: { label: 'x', run } }, 'actions.Fail'],
      [{ ok: { label: 'x', run, lable: 'y' } }, 'actions.ok.lable'],
      [{ ok: { label: '', run } }, 'actions.ok.label'],
      [{ ok: { label: 'x' } }, 'actions.ok.run'],
      [{ ok: 'x' }, 'actions.ok'],
      [{ ok: { label: 'x', run, params: { n: { type: 'int' } } } }, 'actions.ok.params.n.type'],
      [{ ok: { label: 'x', run, params: { n: { type: 'number', maximum: 3 } } } }, 'actions.ok.params.n.maximum'],
      [{ ok: { label: 'x', run, params: { n: { type: 'number', min: 2, max: 1 } } } }, 'actions.ok.params.n.max'],
      [{ ok: { label: 'x', run, params: { n: { type: 'number', max: 1, default: 3 } } } }, 'actions.ok.params.n.default'],
      [{ ok: { label: 'x', run, params: { s: { type: 'string', choices: [] } } } }, 'actions.ok.params.s.choices'],
      [{ ok: { label: 'x', run, params: { s: { type: 'string', choices: ['a'], default: 'b' } } } }, 'actions.ok.params.s.default'],
      [{ ok: { label: 'x', run, params: { Bad: { type: 'boolean' } } } }, 'actions.ok.params.Bad'],
      [[], 'actions'],
    ];
    for (const [actions, option] of bad) {
      const error = await createNetworkServer(net, { actions: actions as Record<string, ServerAction> }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, option).to.include({ code: ErrorCode.InvalidOptions, option });
    }
    const dashboard = await createNetworkServer(net, { dashboard: 'yes' as unknown as boolean }).catch((e: unknown) => e);
    expect(dashboard).to.include({ code: ErrorCode.InvalidOptions, option: 'dashboard' });
    const unknownKey = await createNetworkServer(net, { action: {} } as never).catch((e: unknown) => e);
    expect(unknownKey).to.include({ code: ErrorCode.InvalidOptions, option: 'action' });
  });
});

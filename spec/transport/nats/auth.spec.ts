/**
 * A transport that lets in only who it should: credentials and TLS reach the client, a server
 * that requires authentication takes the right credential and refuses a wrong one, and a
 * refusal is a typed error from `start()` at once (no hang, no reconnect loop). Each suite
 * starts a server of its own (never the shared one); certificates are made with openssl.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { expect } from 'chai';
import { nkeys } from '@nats-io/transport-node';
import { createNetwork, createNatsTransport, type NatsTransportOptions, type Network, type Signal } from '../../../lib/index.ts';
import { isTransportError } from '../../../lib/transport/nats/errors.ts';
import { describeOwnServer, OwnNatsServer } from './own-server.ts';
import { badOption, until } from './support.ts';

let seq = 0;

/** Starts a receiver and a sender over `options`, sends one signal, and shuts both down: the signal must arrive. */
async function roundTrip(options: NatsTransportOptions): Promise<void> {
  const name = `auth-${process.pid}-${seq++}`;
  const got: number[] = [];
  const nets: Network[] = [];
  try {
    const b = createNetwork({ name, transport: createNatsTransport(options) });
    nets.push(b);
    b.node('worker', { handle: (s: Signal<{ n: number }>) => void got.push(s.payload.n) });
    const a = createNetwork({ name, transport: createNatsTransport(options) });
    nets.push(a);
    a.remote('worker');
    await b.start();
    await a.start();
    const receipt = await a.send('worker', { type: 'job', payload: { n: 7 } });
    expect(receipt.status).to.equal('accepted');
    await until(() => got.length === 1, 'the signal handled by the receiver', 5_000);
    expect(got).to.deep.equal([7]);
  } finally {
    for (const n of nets) await n.shutdown({ timeoutMs: 2_000 });
  }
}

/** `start()` with `options`: the error it rejects with, how long it took, and the network after it. */
async function failedStart(options: NatsTransportOptions): Promise<{ error: unknown; ms: number; net: Network }> {
  const net = createNetwork({ name: `auth-fail-${process.pid}-${seq++}`, transport: createNatsTransport(options) });
  net.remote('worker');
  const t0 = Date.now();
  const error = await net.start().then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - t0;
  await net.shutdown({ timeoutMs: 1_000 });
  return { error, ms, net };
}

function expectRefused(outcome: { error: unknown; ms: number; net: Network }, failure: string, secret?: string): void {
  expect(isTransportError(outcome.error), `a TransportError, got ${String(outcome.error)}`).to.equal(true);
  expect((outcome.error as { failure: string }).failure).to.equal(failure);
  expect(outcome.ms, 'refused at once, not after a reconnect loop').to.be.lessThan(2_000);
  if (secret !== undefined) expect((outcome.error as Error).message).to.not.include(secret);
}

describe('transport/nats: credentials and TLS options (no server needed)', () => {
  it('takes one authentication method and names a bad field', () => {
    expect(createNatsTransport({ auth: { user: 'u', password: 'p' } }).options.auth).to.deep.equal({ method: 'user', user: 'u' });
    expect(createNatsTransport({ auth: { token: 't' } }).options.auth).to.deep.equal({ method: 'token' });
    expect(createNatsTransport({ auth: { credsFile: '/x.creds' } }).options.auth).to.deep.equal({ method: 'creds' });
    expect(badOption(() => createNatsTransport({ auth: 'secret' as never }))).to.equal('auth');
    expect(badOption(() => createNatsTransport({ auth: {} as never }))).to.equal('auth');
    expect(badOption(() => createNatsTransport({ auth: { user: 'u' } as never }))).to.equal('auth.password');
    expect(badOption(() => createNatsTransport({ auth: { user: 'u', pasword: 'p' } as never }))).to.equal('auth.pasword');
    expect(badOption(() => createNatsTransport({ auth: { user: 'u', password: 'p', token: 't' } as never }))).to.equal('auth.token');
    expect(badOption(() => createNatsTransport({ auth: { token: '' } }))).to.equal('auth.token');
    expect(badOption(() => createNatsTransport({ auth: { nkeySeed: 'not a seed' } }))).to.equal('auth.nkeySeed');
    expect(
      badOption(() => createNatsTransport({ tls: { certFile: '/c.pem' } })),
      'the missing half',
    ).to.equal('tls.keyFile');
    expect(badOption(() => createNatsTransport({ tls: { keyFile: '/k.pem' } }))).to.equal('tls.certFile');
    expect(badOption(() => createNatsTransport({ connectTimeoutMs: 0 }))).to.equal('connectTimeoutMs');
    expect(badOption(() => createNatsTransport({ tls: { caFlie: '/ca.pem' } as never }))).to.equal('tls.caFlie');
    expect(badOption(() => createNatsTransport({ tls: { caFile: 3 as never } }))).to.equal('tls.caFile');
    expect(badOption(() => createNatsTransport({ reconnectWaitMs: -1 }))).to.equal('reconnectWaitMs');
    expect(badOption(() => createNatsTransport({ maxReconnectAttempts: -2 }))).to.equal('maxReconnectAttempts');
    expect(badOption(() => createNatsTransport({ publishRetries: 1.5 }))).to.equal('publishRetries');
    expect(createNatsTransport({ tls: {} }).options.tls).to.deep.equal({});
  });

  it('keeps the secrets out of the resolved options (printed, serialized) and out of error messages', () => {
    const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
    for (const [auth, secret] of [
      [{ user: 'alice', password: 'hunter2-secret' }, 'hunter2-secret'],
      [{ token: 'token-secret' }, 'token-secret'],
      [{ nkeySeed: seed }, seed],
    ] as const) {
      const t = createNatsTransport({ auth });
      expect(JSON.stringify(t.options)).to.not.include(secret);
      expect(inspect(t.options, { depth: 5 })).to.not.include(secret);
    }
    try {
      createNatsTransport({ auth: { nkeySeed: 'SUsecret-but-not-base32' } });
    } catch (e) {
      expect((e as Error).message).to.not.include('SUsecret');
    }
  });

  it('start() rejects with TransportError authentication when the credentials file cannot be read (before any connection)', async () => {
    expectRefused(await failedStart({ servers: 'nats://127.0.0.1:1', auth: { credsFile: '/nonexistent/plexus-spec.creds' } }), 'authentication');
  });
});

describeOwnServer('transport/nats: a server that requires a user and password', function () {
  this.timeout(20_000);
  let server: OwnNatsServer;
  before(async () => void (server = await OwnNatsServer.start(['--user', 'alice', '--pass', 's3cret'])));
  after(async () => server?.dispose());

  it('the right password gets in and carries signals', async () => {
    await roundTrip({ servers: server.url(), auth: { user: 'alice', password: 's3cret' } });
  });

  it('a wrong password, or none, is a TransportError authentication from start(), at once', async () => {
    expectRefused(await failedStart({ servers: server.url(), auth: { user: 'alice', password: 'wrong-one' } }), 'authentication', 'wrong-one');
    expectRefused(await failedStart({ servers: server.url() }), 'authentication');
  });
});

describeOwnServer('transport/nats: a server that requires a token', function () {
  this.timeout(20_000);
  let server: OwnNatsServer;
  before(async () => void (server = await OwnNatsServer.start(['--auth', 'the-token'])));
  after(async () => server?.dispose());

  it('the right token gets in; a wrong one is refused with a typed error', async () => {
    await roundTrip({ servers: server.url(), auth: { token: 'the-token' } });
    expectRefused(await failedStart({ servers: server.url(), auth: { token: 'not-the-token' } }), 'authentication', 'not-the-token');
  });
});

describeOwnServer('transport/nats: a server that requires an NKey', function () {
  this.timeout(20_000);
  let server: OwnNatsServer;
  let dir: string;
  const user = nkeys.createUser();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-nkey-'));
    const config = join(dir, 'server.conf');
    await writeFile(config, `authorization { users = [ { nkey: "${user.getPublicKey()}" } ] }\n`);
    server = await OwnNatsServer.start(['-c', config]);
  });
  after(async () => {
    await server?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('the registered key gets in; another key is refused with a typed error', async () => {
    await roundTrip({ servers: server.url(), auth: { nkeySeed: new TextDecoder().decode(user.getSeed()) } });
    const stranger = new TextDecoder().decode(nkeys.createUser().getSeed());
    expectRefused(await failedStart({ servers: server.url(), auth: { nkeySeed: stranger } }), 'authentication', stranger);
  });

  // A full JWT setup needs an operator and an account (nsc); this server checks NKeys only, so
  // the JWT in these files is a placeholder it does not read, and what gets in is the seed the
  // file carries: proof that the file is read and its seed signs the server's nonce.
  it('a credentials file is read and its seed used; a file with another seed, or not a credentials file, is refused with a typed error', async () => {
    const credsFile = async (name: string, seed: Uint8Array) => {
      const path = join(dir, name);
      const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.placeholder';
      await writeFile(
        path,
        `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(seed)}\n------END USER NKEY SEED------\n`,
      );
      return path;
    };
    await roundTrip({ servers: server.url(), auth: { credsFile: await credsFile('user.creds', user.getSeed()) } });
    expectRefused(await failedStart({ servers: server.url(), auth: { credsFile: await credsFile('stranger.creds', nkeys.createUser().getSeed()) } }), 'authentication');
    await writeFile(join(dir, 'garbage.creds'), 'not a credentials file');
    expectRefused(await failedStart({ servers: server.url(), auth: { credsFile: join(dir, 'garbage.creds') } }), 'authentication');
  });
});

const HAVE_OPENSSL = existsSync('/usr/bin/openssl');

describeOwnServer('transport/nats: TLS with a CA of our own and client certificates (made with openssl)', function () {
  this.timeout(20_000);
  let server: OwnNatsServer;
  let dir: string;
  const file = (name: string) => join(dir, name);

  before(async function () {
    if (!HAVE_OPENSSL) this.skip(); // /usr/bin/openssl is missing: no certificates to test with
    dir = await mkdtemp(join(tmpdir(), 'plexus-tls-'));
    const openssl = (...args: string[]) => execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: 'pipe' });
    const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
    key('ca-key.pem');
    openssl('req', '-x509', '-new', '-key', 'ca-key.pem', '-subj', '/CN=plexus-spec-ca', '-days', '2', '-out', 'ca.pem');
    await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const [name, ext] of [
      ['server', 'server.ext'],
      ['client', 'client.ext'],
    ] as const) {
      key(`${name}-key.pem`);
      openssl('req', '-new', '-key', `${name}-key.pem`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', `${name}.pem`);
    }
    server = await OwnNatsServer.start(['--tlsverify', '--tlscert', file('server.pem'), '--tlskey', file('server-key.pem'), '--tlscacert', file('ca.pem')]);
  });
  after(async () => {
    await server?.dispose();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('our CA and a client certificate get in and carry signals', async () => {
    await roundTrip({ servers: server.url(), tls: { caFile: file('ca.pem'), certFile: file('client.pem'), keyFile: file('client-key.pem') } });
  });

  it('without our CA the server is not trusted, and without a client certificate the server refuses: typed errors, at once', async () => {
    expectRefused(await failedStart({ servers: server.url(), tls: { certFile: file('client.pem'), keyFile: file('client-key.pem') } }), 'tls');
    // The server drops a connection without a client certificate; the client notices by its connect timeout.
    const noClientCert = await failedStart({ servers: server.url(), tls: { caFile: file('ca.pem') }, connectTimeoutMs: 500 });
    expectRefused(noClientCert, 'connect');
    expect((noClientCert.error as Error).message).to.include('client certificate');
  });
});

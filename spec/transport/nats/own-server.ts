/**
 * A nats-server a spec owns: on a free port, with its own JetStream store in a temp directory,
 * stopped and started again at will (same port, same store). Never the shared server. Suites
 * using it are skipped, saying why, when /usr/sbin/nats-server is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

/** A suite that starts servers of its own: one skipped test saying why when the binary is missing. */
export function describeOwnServer(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (!existsSync(NATS_SERVER_BINARY)) {
      it(`skipped: ${NATS_SERVER_BINARY} is missing, so this suite cannot start a NATS server of its own`, function () {
        this.skip();
      });
      return;
    }
    body.call(this);
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True once something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** One nats-server with JetStream; `args` are added to the command line (auth, TLS, a config file). */
export class OwnNatsServer {
  readonly port: number;
  readonly storeDir: string;
  readonly #args: readonly string[];
  #child: ChildProcess | undefined;
  #log = '';

  private constructor(port: number, storeDir: string, args: readonly string[]) {
    this.port = port;
    this.storeDir = storeDir;
    this.#args = args;
  }

  /** Starts a server on a free port with a fresh store. */
  static async start(args: readonly string[] = []): Promise<OwnNatsServer> {
    const server = new OwnNatsServer(await freePort(), await mkdtemp(join(tmpdir(), 'plexus-nats-')), args);
    await server.restart();
    return server;
  }

  /** `nats://127.0.0.1:<port>` (or another scheme, e.g. `tls`). */
  url(scheme = 'nats'): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  /** What the server printed (for a failing test's message). */
  get log(): string {
    return this.#log;
  }

  /** Starts the server (again) on the same port and store; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error('the server is running');
    const child = spawn(NATS_SERVER_BINARY, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir, ...this.#args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const keep = (chunk: Buffer) => (this.#log = (this.#log + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server did not start on port ${this.port}:\n${this.#log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // JetStream answers a little after the port opens: the log says when the server is ready.
    while (!this.#log.includes('Server is ready')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nats-server not ready on port ${this.port}:\n${this.#log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stops the server (SIGTERM: a clean shutdown that keeps the store) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops the server and deletes its store. */
  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.storeDir, { recursive: true, force: true });
  }
}

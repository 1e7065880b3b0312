/**
 * Peers (Moleculer, cockatiel) are the bench's own dependencies, in bench/package.json, installed
 * by `npm install --prefix bench`; the library and the root `npm ci` never need them. They are
 * resolved from bench/node_modules at run time, so a missing peer is reported as skipped with the
 * reason (never as a zero) and the rest of the bench still runs.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** Why a peer could not run, as printed in the table. */
export const SKIP_HINT = 'skipped: run `npm install --prefix bench`';

const requireFromBench = createRequire(new URL('./package.json', import.meta.url));

/** Loads a peer package from bench/node_modules, or returns why not. Typed loosely by the caller. */
export async function loadPeer(name: string): Promise<{ module: unknown } | { skipped: string }> {
  let path: string;
  try {
    path = requireFromBench.resolve(name);
  } catch {
    return { skipped: `${SKIP_HINT} (${name} not installed)` };
  }
  try {
    return { module: await import(pathToFileURL(path).href) };
  } catch (e) {
    return { skipped: `skipped: ${name} failed to load (${e instanceof Error ? e.message.slice(0, 120) : String(e)})` };
  }
}

/**
 * Whether a server answers on `host:port` within `timeoutMs`: connects, sends `probe` if given,
 * and waits for the first bytes (NATS greets with INFO unasked; Redis answers PING with +PONG).
 * Resolves `undefined` when it answers, or the reason it does not, for a skip line.
 */
export async function answering(host: string, port: number, probe?: string, timeoutMs = 1_500): Promise<string | undefined> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (why: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(why);
    };
    const timer = setTimeout(() => finish(`no answer from ${host}:${port} within ${timeoutMs} ms`), timeoutMs);
    socket.on('connect', () => {
      if (probe !== undefined) socket.write(probe);
    });
    socket.once('data', () => finish(undefined));
    socket.on('error', (e) => finish(`${host}:${port} not answering (${(e as NodeJS.ErrnoException).code ?? e.message})`));
  });
}

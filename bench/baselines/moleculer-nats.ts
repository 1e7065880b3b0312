/**
 * Moleculer over NATS, two processes (scenario 7b): this process's broker calls `sink.handle` on
 * a child process's broker (moleculer-nats-child.ts) through Moleculer's NATS transporter (the
 * `nats` 2.x client), calls in windows (at most 1,024 outstanding, refilled when half came back).
 * This is core NATS request-reply: nothing is stored, nothing is acknowledged to a stream, a call
 * lost with a process is lost; Plexus and the raw JetStream rows persist every message.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDraft } from '../types.ts';
import { brokerOptions, moleculerModule } from './moleculer.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'moleculer-nats-child.ts');
/** Calls outstanding at most. */
export const CALL_WINDOW = 1024;
const WARM_UP = 2_000;

let seq = 0;

/** calls/s for n windowed calls across two processes, or why it could not run. */
export async function moleculerOverNats(url: string, n: number): Promise<{ rate: number } | { skipped: string }> {
  const mod = await moleculerModule();
  if ('skipped' in mod) return mod;
  const namespace = `bench-${process.pid}-${++seq}`;
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, url, namespace], { cwd: join(HERE, '..', '..'), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const line = (marker: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const look = (): void => {
        const i = out.indexOf(marker);
        if (i >= 0 && out.indexOf('\n', i) > 0) resolve(out.slice(i + marker.length, out.indexOf('\n', i)));
      };
      proc.stdout.on('data', look);
      look();
      proc.on('exit', (code) => reject(new Error(`Moleculer sink process exited (${code}) before "${marker.trim()}": ${err.slice(0, 300)}`)));
    });
  const handledLine = line('handled ');
  handledLine.catch(() => undefined);
  const broker = new mod.ServiceBroker(brokerOptions(`caller-${process.pid}`, { namespace, transporter: { type: 'NATS', options: { url } } }));
  try {
    await line('ready');
    await broker.start();
    await broker.waitForServices('sink', 30_000);
    let done = 0;
    let target = Infinity;
    let wake: (() => void) | undefined;
    let failure: unknown;
    const until = (count: number): Promise<void> => {
      if (done >= count) return Promise.resolve();
      target = count;
      return new Promise((r) => (wake = r));
    };
    const settle = (): void => {
      if (++done >= target) {
        target = Infinity;
        wake?.();
      }
    };
    const fail = (e: unknown): void => {
      failure ??= e;
      settle();
    };
    const calls = async (first: number, count: number): Promise<number> => {
      const base = done;
      const started = performance.now();
      for (let sent = 0; sent < count; ) {
        await until(base + sent - CALL_WINDOW / 2);
        const end = Math.min(count, sent + CALL_WINDOW - (sent - (done - base)));
        for (; sent < end; sent++) broker.call('sink.handle', makeDraft(first + sent, 0)).then(settle, fail);
      }
      await until(base + count);
      if (failure !== undefined) throw failure;
      return count / ((performance.now() - started) / 1000);
    };
    await calls(0, WARM_UP);
    const rate = await calls(WARM_UP, n);
    await broker.stop();
    proc.stdin.end();
    const [handled = '0'] = (await handledLine).split(' ');
    if (Number(handled) !== WARM_UP + n) throw new Error(`Moleculer sink handled ${handled} of ${WARM_UP + n} calls`);
    return { rate };
  } finally {
    await broker.stop().catch(() => undefined);
    if (proc.exitCode === null) proc.kill();
  }
}

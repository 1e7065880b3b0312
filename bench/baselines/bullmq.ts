/**
 * BullMQ on the machine's Redis, the durable job queue Node users pick: jobs added with
 * `queue.addBulk` (chunks of 1,000, each awaited: a job is on Redis when its chunk resolves), a
 * `Worker` with concurrency 16 running the same async sink handler as every other system; jobs/s
 * from the first add to the last job handled. BullMQ's defaults otherwise (completed jobs stay in
 * Redis until the queue is removed after the run). Redis's own persistence is whatever the server
 * is configured with; the run prints it, since Plexus's journal fsyncs every batch.
 */
import { loadPeer } from '../peers.ts';
import type { Payload } from '../types.ts';
import { makeDraft } from '../types.ts';

/** The little of BullMQ's API the bench uses (typed here so the root typecheck needs no install). */
interface Queue {
  addBulk(jobs: Array<{ name: string; data: unknown }>): Promise<unknown[]>;
  obliterate(options: { force: boolean }): Promise<void>;
  close(): Promise<void>;
  waitUntilReady(): Promise<void>;
}
interface Worker {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
  on(event: 'error', fn: (e: Error) => void): void;
}
type RedisCtor = new (options: object) => { connect(): Promise<void>; config(op: 'GET', key: string): Promise<string[]>; disconnect(): void };
interface BullModule {
  Queue: new (name: string, options: object) => Queue;
  Worker: new (name: string, processor: (job: { data: { payload: Payload } }) => Promise<void>, options: object) => Worker;
}

/** Jobs per `addBulk` call. */
export const BULK = 1_000;
/** The worker's concurrency, as the issue sets it (Plexus's node has 16 partitions). */
export const CONCURRENCY = 16;

export interface BullRun {
  /** Jobs/s, first add to last job handled. */
  rate: number;
  handled: number;
}

/** One queue and one worker, set up per run and removed after it. */
export interface BullPeer {
  run(n: number, timeoutMs?: number): Promise<BullRun>;
  /** Redis's persistence settings, as the server reports them. */
  persistence(): Promise<string>;
}

export async function loadBullmq(connection: { host: string; port: number }): Promise<BullPeer | { skipped: string }> {
  const loaded = await loadPeer('bullmq');
  if ('skipped' in loaded) return loaded;
  const mod = ((loaded.module as { default?: BullModule }).default?.Queue ? (loaded.module as { default: BullModule }).default : loaded.module) as BullModule;
  const opts = { connection: { ...connection, maxRetriesPerRequest: null } };
  let seq = 0;
  return {
    async persistence() {
      const io = await loadPeer('ioredis');
      if ('skipped' in io) return 'Redis persistence unknown (ioredis not loadable)';
      const m = io.module as { default?: RedisCtor; Redis?: RedisCtor };
      const Redis = (m.Redis ?? m.default) as RedisCtor;
      const r = new Redis({ ...connection, lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        const get = async (key: string): Promise<string> => (await r.config('GET', key))[1] ?? '?';
        const aof = await get('appendonly');
        return `Redis appendonly ${aof}${aof === 'yes' ? ` (appendfsync ${await get('appendfsync')})` : ''}, RDB save "${await get('save')}"`;
      } catch (e) {
        return `Redis persistence unknown (${e instanceof Error ? e.message : String(e)})`;
      } finally {
        r.disconnect();
      }
    },
    async run(n, timeoutMs = 180_000) {
      const name = `plexus-bench-${process.pid}-${++seq}`;
      const queue = new mod.Queue(name, opts);
      let handled = 0;
      let sink = 0;
      let finish!: () => void;
      const all = new Promise<void>((r) => (finish = r));
      const worker = new mod.Worker(
        name,
        async (job) => {
          sink += job.data.payload.n;
          if (++handled === n) finish();
        },
        { ...opts, concurrency: CONCURRENCY },
      );
      let failure: Error | undefined;
      worker.on('error', (e) => (failure = e));
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`BullMQ: ${handled}/${n} jobs handled after ${timeoutMs} ms`)), timeoutMs)));
        const started = performance.now();
        const adding = (async () => {
          for (let i = 0; i < n; i += BULK) {
            const jobs = [];
            for (let j = i; j < Math.min(n, i + BULK); j++) jobs.push({ name: 'job', data: makeDraft(j, 0) });
            await queue.addBulk(jobs);
          }
        })();
        await Promise.race([Promise.all([adding, all]), timeout]);
        const rate = n / ((performance.now() - started) / 1000);
        if (failure !== undefined) throw failure;
        if (sink !== n) throw new Error(`BullMQ: sink ${sink}, expected ${n}`);
        return { rate, handled };
      } finally {
        clearTimeout(timer);
        await worker.close();
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
    },
  };
}

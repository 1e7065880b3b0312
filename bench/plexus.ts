/**
 * Plexus under test: the same shapes and the same async handlers as the baselines, built with
 * createNetwork from lib/index.ts (the public API only).
 */
import type { NetworkOptions, Signal, HandlerContext } from '../lib/index.ts';
import type { Tracker } from './tracker.ts';
import { handlerRuns } from './types.ts';
import type { Factory, Features, Payload, SystemOptions } from './types.ts';
import type { Sys } from './measure.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Create = typeof import('../lib/index.ts').createNetwork;
type Handle = (s: Signal<Payload>, ctx: HandlerContext) => Promise<void>;

/** Scenario 1's configuration: every guarantee on, each switchable for scenario 4. */
export function networkOptions(f: Features, durable?: NetworkOptions['journal']): NetworkOptions {
  return {
    name: 'bench',
    dedup: f.dedup ? { enabled: true, windowMs: 300_000, maxKeys: f.dedupMaxKeys ?? 100_000 } : { enabled: false },
    tracing: { hops: f.tracing },
    metrics: { enabled: f.metrics },
    journal: durable ?? (f.journal ? { enabled: true, capacity: 1000 } : { enabled: false }),
  };
}

function build(lib: typeof import('../lib/index.ts')): Factory {
  const createNetwork: Create = lib.createNetwork;
  return async (o: SystemOptions, tr: Tracker) => {
    // Scenario 7: a FileJournal with fsync in a fresh temp dir, removed when the system closes;
    // it keeps as many completed signals in memory for replay as the memory journal does.
    const dir = o.features.durable === true ? mkdtempSync(join(tmpdir(), 'plexus-bench-')) : undefined;
    const journal = dir === undefined ? undefined : new lib.FileJournal({ path: join(dir, 'journal.jsonl'), fsync: true, completedInMemory: 1000 });
    const net = createNetwork(networkOptions(o.features, journal));
    const names: string[] = [];
    const node = (name: string, handle: Handle): string => {
      net.node<Payload>(name, { partitions: o.partitions, capacity: o.capacity, concurrency: o.partitions, handle });
      names.push(name);
      return name;
    };
    const sinkHandle: Handle = async (s) => {
      tr.done(s.payload);
    };
    const forward =
      (to: string): Handle =>
      async (s, ctx) => {
        ctx.emit(to, { type: 'job', payload: s.payload, partitionKey: s.partitionKey });
      };
    let entries: string[];
    if (o.shape === 'single') entries = [node('worker', sinkHandle)];
    else if (o.shape === 'pipeline') {
      node('sink', sinkHandle);
      node('worker', forward('sink'));
      entries = [node('producer', forward('worker'))];
    } else if (o.shape === 'fanout') {
      node('sink', sinkHandle);
      const ws = Array.from({ length: o.width }, (_, i) => node('w' + i, forward('sink')));
      entries = [
        node('source', async (s, ctx) => {
          for (const w of ws) ctx.emit(w, { type: 'job', payload: s.payload, partitionKey: s.partitionKey });
        }),
      ];
    } else entries = Array.from({ length: o.width }, (_, i) => node('n' + i, sinkHandle));
    await net.start();
    const count = entries.length;
    const first = entries[0] as string;
    return {
      post: count === 1 ? (d) => net.post(first, d).status === 'accepted' : (d, i) => net.post(entries[i % count] as string, d).status === 'accepted',
      async check(expectedInputs) {
        await net.idle();
        const c = net.counts();
        const bad: string[] = [];
        if (c.rejected > 0) bad.push(`rejected=${c.rejected}`);
        if (c.duplicate > 0) bad.push(`duplicate=${c.duplicate}`);
        if (c.deadLettered > 0) bad.push(`deadLettered=${c.deadLettered}`);
        if (c.active > 0) bad.push(`active=${c.active}`);
        const runs = expectedInputs * handlerRuns(o);
        if (c.completed !== runs) bad.push(`completed=${c.completed}, expected ${runs}`);
        return bad.length ? 'plexus counts: ' + bad.join(', ') : undefined;
      },
      async close() {
        await net.shutdown({ timeoutMs: 30_000 });
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

export async function loadPlexus(): Promise<Sys> {
  try {
    const mod = await import('../lib/index.ts');
    return { name: 'plexus', factory: build(mod) };
  } catch (e) {
    process.stderr.write(`plexus not loadable: ${e instanceof Error ? e.message : String(e)}\n`);
    return { name: 'plexus', factory: undefined, na: 'n/a (not built)' };
  }
}

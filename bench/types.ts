/** Shared shapes of the benchmark: what every system under test (Plexus and each baseline) implements. */
import type { Tracker } from './tracker.ts';

export interface Payload {
  n: number;
  /** performance.now() at send, or 0 when latency is not recorded. */
  t0: number;
}

/** What the producer sends, identical for every system. */
export interface Draft {
  type: string;
  payload: Payload;
  partitionKey: string;
  idempotencyKey: string;
}

/** The guarantees Plexus can switch on and off (scenario 4). */
export interface Features {
  dedup: boolean;
  tracing: boolean;
  metrics: boolean;
  journal: boolean;
  /** Dedup window bound by count; 100,000 unless set. */
  dedupMaxKeys?: number;
  /** Journal to a FileJournal (fsync on) instead of memory (scenario 7). */
  durable?: boolean;
}

export const ALL_ON: Features = { dedup: true, tracing: true, metrics: true, journal: true };

/** single: one node. pipeline: producer → worker → sink. fanout: source → N workers → sink. nodes: N independent nodes, round robin. */
export type Shape = 'single' | 'pipeline' | 'fanout' | 'nodes';

export interface SystemOptions {
  shape: Shape;
  partitions: number;
  capacity: number;
  /** nodes for shape 'nodes', workers for shape 'fanout'. */
  width: number;
  features: Features;
}

export interface System {
  /** Sends one signal into the entry node (`i` picks the node for shape 'nodes'); false if not accepted. */
  post(d: Draft, i: number): boolean;
  /** Checks after a run (e.g. Plexus stats); returns a problem description, or undefined when all is well. */
  check?(expectedInputs: number): Promise<string | undefined>;
  close(): Promise<void>;
}

export type Factory = (o: SystemOptions, tr: Tracker) => Promise<System>;

/** How many handler runs one input causes (1 node, 3 nodes, 1 + 2 × fan-out width). */
export function handlerRuns(o: SystemOptions): number {
  return o.shape === 'pipeline' ? 3 : o.shape === 'fanout' ? 1 + 2 * o.width : 1;
}

/** How many sink completions one input produces. */
export function perInput(o: SystemOptions): number {
  return o.shape === 'fanout' ? o.width : 1;
}

export const KEYS: readonly string[] = Array.from({ length: 1024 }, (_, i) => 'k' + i);

export function makeDraft(i: number, t0: number): Draft {
  return { type: 'job', payload: { n: 1, t0 }, partitionKey: KEYS[i & 1023] as string, idempotencyKey: 'id-' + i };
}

export function options(p: Partial<SystemOptions> = {}): SystemOptions {
  return { shape: 'single', partitions: 16, capacity: 100_000, width: 8, features: ALL_ON, ...p };
}

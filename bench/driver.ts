/**
 * Producers, run against one live system (created once, reused by every repetition so that
 * set-up costs stay out of the figures). `windowed`: as fast as possible with at most `window`
 * inputs outstanding (sent, not yet completed at the sink), so no mailbox rejects. `paced`: a
 * fixed rate, for latency. Each run checks that its count closes: everything it sent was
 * accepted and completed, and `close` asks the system itself (Plexus: network counts).
 */
import type { Histogram } from 'hdr-histogram-js';
import { Tracker, newHistogram } from './tracker.ts';
import { makeDraft, perInput } from './types.ts';
import type { Factory, System, SystemOptions } from './types.ts';

export interface RunResult {
  sent: number;
  /** Sink completions expected (sent × fan-out). */
  expected: number;
  completed: number;
  rejected: number;
  elapsedMs: number;
  /** Inputs per second of wall time, end to end. */
  rate: number;
  /** Inputs per second of this process's CPU time (user + system, all threads): robust to other load on the machine. */
  cpuRate: number;
  /** Undefined when the count closed. */
  problem: string | undefined;
  hist?: Histogram;
}

/** A full GC before timing starts (when run with --expose-gc), so one run's garbage is not billed to the next. */
function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Most sends released in one setImmediate turn of the paced producer (bursts inflate latency). */
const BATCH = 64;

export class Live {
  private next = 0;
  private constructor(
    readonly sys: System,
    readonly tr: Tracker,
    readonly per: number,
  ) {}

  static async create(factory: Factory, o: SystemOptions): Promise<Live> {
    const tr = new Tracker();
    return new Live(await factory(o, tr), tr, perInput(o));
  }

  /** `maxMs` stops sending early (warm-ups: calibrating slow systems in bounded time). */
  async windowed(n: number, window: number, maxMs = Infinity, timeoutMs = 180_000): Promise<RunResult> {
    const { sys, tr, per } = this;
    collect();
    const base = tr.completed;
    const first = this.next;
    let timedOut = false;
    const dog = setTimeout(() => {
      timedOut = true;
      tr.abort();
    }, timeoutMs);
    const half = Math.max(1, window >> 1);
    let rejected = 0;
    let i = first;
    const end = first + n;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    while (i < end && !timedOut) {
      const limit = Math.min(end, first + Math.floor((tr.completed - base) / per) + window);
      for (; i < limit; i++) if (!sys.post(makeDraft(i, 0), i)) rejected++;
      if (rejected > 0) break;
      if (i < end && !(await tr.until(base + (i - first - half) * per))) break;
      // One event-loop turn per window, as any real producer gives: completions arrive on
      // microtasks, so without it I/O (a durable journal's group commit) would never run mid-run.
      await tick();
      if (performance.now() - start > maxMs) break;
    }
    if (!timedOut && rejected === 0) await tr.until(base + (i - first) * per);
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    clearTimeout(dog);
    this.next = i;
    const done = (tr.completed - base) / per;
    return this.result(i - first, tr.completed - base, rejected, elapsedMs, done / (elapsedMs / 1000), done / ((cpu.user + cpu.system) / 1e6), timedOut);
  }

  /**
   * Sends at `rate` inputs/s for `durationMs`, in batches (≤ BATCH) released on every setImmediate
   * turn; each payload carries performance.now() at its send. Latency (µs) is recorded after 20%.
   */
  async paced(rate: number, durationMs: number, window: number): Promise<RunResult> {
    const { sys, tr, per } = this;
    collect();
    const base = tr.completed;
    const first = this.next;
    const hist = newHistogram();
    tr.hist = hist;
    let timedOut = false;
    const dog = setTimeout(() => {
      timedOut = true;
      tr.abort();
    }, durationMs + 60_000);
    let rejected = 0;
    let i = first;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    tr.recordFrom = start + durationMs * 0.2;
    let el = 0;
    for (;;) {
      el = performance.now() - start;
      if (el >= durationMs || timedOut) break;
      const due = first + Math.min(Math.floor((rate * el) / 1000), Math.floor((tr.completed - base) / per) + window, i - first + BATCH);
      for (; i < due; i++) if (!sys.post(makeDraft(i, performance.now()), i)) rejected++;
      await tick();
    }
    if (!timedOut) await tr.until(base + (i - first) * per);
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    clearTimeout(dog);
    tr.hist = undefined;
    this.next = i;
    const r = this.result(i - first, tr.completed - base, rejected, elapsedMs, (i - first) / (el / 1000), (i - first) / ((cpu.user + cpu.system) / 1e6), timedOut);
    return { ...r, hist };
  }

  /** Shuts the system down; returns a problem if its own accounting does not close. */
  async close(): Promise<string | undefined> {
    const problem = await this.sys.check?.(this.next);
    await this.sys.close();
    return problem;
  }

  private result(sent: number, completed: number, rejected: number, elapsedMs: number, rate: number, cpuRate: number, timedOut: boolean): RunResult {
    const expected = sent * this.per;
    let problem: string | undefined;
    if (timedOut) problem = `timeout: ${completed}/${expected} completed`;
    else if (rejected > 0) problem = `${rejected} rejected`;
    else if (completed !== expected) problem = `count did not close: ${completed}/${expected}`;
    return { sent, expected, completed, rejected, elapsedMs, rate, cpuRate, problem };
  }
}

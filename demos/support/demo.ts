/**
 * The life of a demo: it runs until Ctrl-C (or SIGTERM) or until `--duration` seconds passed,
 * prints a live line while it runs, then runs its own checks and exits 0 when they all hold,
 * 1 when one does not (or the demo threw, or its ending hung). A second Ctrl-C exits at once.
 */
import type { DemoArgs } from './args.ts';

/**
 * Longest time a demo may take to end after it was told to stop (drain, checks, shutdown).
 * A demo that hangs there fails instead of keeping CI waiting.
 */
const FINISH_LIMIT_MS = 30_000;

/** What a demo's body gets: the stop signal, a live line, sleeps that end at the stop, and checks. */
export interface Demo {
  /** Seconds to run, or undefined: until Ctrl-C. */
  readonly duration: number | undefined;
  /** True until the demo is told to stop. */
  readonly running: boolean;
  /** Resolves when the demo is told to stop (duration passed, Ctrl-C, SIGTERM). */
  readonly stopping: Promise<void>;
  /** Seconds since the demo started. */
  elapsed(): number;
  /** Waits `ms`, or less when the demo is told to stop meanwhile. */
  sleep(ms: number): Promise<void>;
  /** Prints `line()` every `everyMs` (and once more at the stop), prefixed with the time. */
  live(line: () => string, everyMs?: number): void;
  /** Prints a line prefixed with the time (a step of the scenario). */
  say(line: string): void;
  /** Records one of the demo's checks (printed in the summary); returns `ok`. */
  check(label: string, ok: boolean): boolean;
}

/**
 * Runs a demo: prints its title, calls `body` (which sets up, waits for `demo.stopping`, ends its
 * network and makes its checks), then prints the checks and exits.
 */
export async function runDemo(title: string, args: DemoArgs, body: (demo: Demo) => Promise<void>): Promise<never> {
  const started = performance.now();
  let running = true;
  let stop!: () => void;
  const stopping = new Promise<void>((resolve) => {
    stop = () => {
      if (!running) return;
      running = false;
      resolve();
    };
  });
  const checks: { label: string; ok: boolean }[] = [];
  const stamp = (): string => `t=${((performance.now() - started) / 1000).toFixed(1)}s`;
  const tickers: NodeJS.Timeout[] = [];
  const demo: Demo = {
    duration: args.duration,
    get running() {
      return running;
    },
    stopping,
    elapsed: () => (performance.now() - started) / 1000,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        void stopping.then(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
    live(line, everyMs = 1000) {
      tickers.push(setInterval(() => console.log(`${stamp()}  ${line()}`), everyMs));
      void stopping.then(() => console.log(`${stamp()}  ${line()}`));
    },
    say: (line) => console.log(`${stamp()}  ${line}`),
    check(label, ok) {
      checks.push({ label, ok });
      return ok;
    },
  };

  console.log(`${title}\n${args.duration === undefined ? 'runs until Ctrl-C' : `runs for ${args.duration} s`}\n`);
  let interrupts = 0;
  const interrupt = (): void => {
    if (++interrupts > 1) process.exit(130);
    console.log('\nstopping (Ctrl-C again to quit at once)');
    stop();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  // Not unref'd: a demo whose body only awaits `stopping` must live until then.
  if (args.duration !== undefined) setTimeout(stop, args.duration * 1000);
  void stopping.then(() => {
    for (const t of tickers) clearInterval(t);
    setTimeout(() => {
      console.error(`FAILED: the demo did not finish within ${FINISH_LIMIT_MS / 1000} s of being told to stop`);
      process.exit(1);
    }, FINISH_LIMIT_MS).unref();
  });

  try {
    await body(demo);
  } catch (error) {
    stop();
    console.error('FAILED: the demo threw', error);
    process.exit(1);
  }
  stop();
  console.log('\nchecks:');
  for (const c of checks) console.log(`  ${c.ok ? 'ok    ' : 'FAILED'} ${c.label}`);
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed === 0 ? `\nall ${checks.length} checks hold` : `\n${failed} of ${checks.length} checks FAILED`);
  process.exit(failed === 0 ? 0 : 1);
}

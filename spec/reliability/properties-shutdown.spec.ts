/**
 * Property: a shutdown at a random moment, with a random drain timeout, loses nothing. Every
 * accepted signal is completed, dead-lettered (and seen on events$), handed back in the
 * report's leftover, or counted as still running, and the report's numbers agree with that.
 * Replay a failure with PLEXUS_SEED=<seed>.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { HandlerContext, Signal } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { recordEvents } from '../../lib/testing/index.ts';
import { seedFromEnv, virtualNetwork } from './harness.ts';

const SEED = seedFromEnv(20_260_102);
const RUNS = Number(process.env['PLEXUS_RUNS'] ?? 100);

const sendArb = fc.record({
  key: fc.integer({ min: 0, max: 4 }),
  /** Virtual ms the handler takes; 10_000 stands for "hangs" (ignores nothing: honours abort). */
  delay: fc.constantFrom(0, 5, 30, 10_000),
  fails: fc.boolean(),
});
const runArb = fc.record({
  partitions: fc.integer({ min: 1, max: 4 }),
  timeoutMs: fc.option(fc.constantFrom(20, 100), { nil: undefined }),
  sends: fc.array(sendArb, { minLength: 1, maxLength: 30 }),
  /** Virtual ms between the last send and the shutdown. */
  before: fc.integer({ min: 0, max: 60 }),
  drainTimeoutMs: fc.integer({ min: 0, max: 200 }),
  force: fc.boolean(),
});

describe(`reliability/properties of shutdown (PLEXUS_SEED=${SEED})`, function () {
  this.timeout(60_000);
  before(() => {
    fc.configureGlobal({ seed: SEED, numRuns: RUNS });
    console.log(`      fast-check seed ${SEED} (replay: PLEXUS_SEED=${SEED} npx mocha spec/reliability/properties-shutdown.spec.ts)`);
  });
  after(() => fc.resetConfigureGlobal());

  it('accounts for every accepted signal whenever the shutdown comes', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        const { net, clock } = virtualNetwork();
        let running = 0;
        const plans = new Map<string, { delay: number; fails: boolean }>();
        net.node('worker', {
          partitions: run.partitions,
          ...(run.timeoutMs === undefined ? {} : { timeoutMs: run.timeoutMs }),
          retry: { maxAttempts: 2, baseDelayMs: 10, jitter: 0 },
          breaker: false,
          async handle(signal: Signal, ctx: HandlerContext) {
            const plan = plans.get(signal.id)!;
            running++;
            try {
              await sleep(clock, plan.delay, ctx.abortSignal);
              if (plan.fails) throw new Error('planned');
            } finally {
              running--;
            }
          },
        });
        using rec = recordEvents(net.events$);
        await net.start();
        const ids: string[] = [];
        for (const s of run.sends) {
          const r = net.post('worker', { type: 'job', partitionKey: `k${s.key}` });
          if (r.status === 'accepted') {
            ids.push(r.id);
            plans.set(r.id, s);
          }
        }
        await clock.advance(run.before);
        const done = net.shutdown(run.force ? { force: true } : { timeoutMs: run.drainTimeoutMs });
        // Drive the clock until the shutdown reports (the drain needs retries and handlers to finish).
        let report: Awaited<typeof done> | undefined;
        let activeAtReport = -1;
        void done.then((r) => {
          report = r;
          activeAtReport = net.counts().active;
        });
        for (let i = 0; i < 10_000 && report === undefined; i++) {
          const next = clock.nextDue();
          await clock.advance(next === undefined ? 0 : Math.max(0, next - clock.now()));
        }
        expect(report, 'shutdown never finished').to.not.equal(undefined);
        const r = report!;
        // The report's own numbers agree: what remained is what was handed back plus what still ran.
        expect(r.remaining).to.equal(r.leftover.length + activeAtReport);
        expect(Object.values(r.remainingByNode).reduce((a, b) => a + b, 0)).to.equal(r.remaining);
        // Let handlers still running at Terminated finish (or never: then they stay counted active).
        await clock.advance(20_000);
        const completed = new Set(rec.ofKind('completed').map((e) => e.signalId));
        const dead = new Set(rec.ofKind('dead-lettered').map((e) => e.signalId));
        const leftover = new Set(r.leftover.map((s) => s.id));
        const c = net.counts();
        expect(c.completed + c.deadLettered + c.handedBack + c.active, JSON.stringify(c)).to.equal(c.accepted);
        for (const id of leftover) expect(completed.has(id) || dead.has(id), `${id} handed back and also ended`).to.equal(false);
        // Every outcome is observable, including those of handlers that were still running at Terminated.
        expect(completed.size, `completions seen on events$ vs counted; counts ${JSON.stringify(c)}`).to.equal(c.completed);
        expect(dead.size, `dead letters seen on events$ vs counted; counts ${JSON.stringify(c)}`).to.equal(c.deadLettered);
        const lost = ids.filter((id) => !completed.has(id) && !dead.has(id) && !leftover.has(id));
        expect(lost.length, `unaccounted ${lost.length}, running ${running}, counts ${JSON.stringify(c)}`).to.equal(c.active);
      }),
    );
  });
});

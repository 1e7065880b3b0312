/**
 * Property-based tests of delivery: for random networks and random runs of sends (keys,
 * partitions, duplicate keys, planned failures, timeouts, bad drafts, unknown targets) and clock
 * advances, the network keeps per-partition order, handles no signal twice, ends every accepted
 * signal as predicted, and its count closes. Replay a failure with PLEXUS_SEED=<seed>.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { Receipt, Signal } from '../../lib/index.ts';
import type { HandlerContext } from '../../lib/index.ts';
import { sleep } from '../../lib/util/clock.ts';
import { recordEvents } from '../../lib/testing/index.ts';
import { seedFromEnv, settle, virtualNetwork } from './harness.ts';

/** Fixed unless PLEXUS_SEED says otherwise, so CI failures replay. */
const SEED = seedFromEnv(20_260_101);
/** How many random runs; PLEXUS_RUNS raises it for a longer hunt. */
const RUNS = Number(process.env['PLEXUS_RUNS'] ?? 120);
/** Per-attempt limit of the node; handler delays straddle it without ties. */
const TIMEOUT_MS = 50;

interface Plan {
  /** Attempts that throw before one succeeds. */
  readonly failTimes: number;
  /** Virtual ms each attempt takes; at or above TIMEOUT_MS it always times out. */
  readonly delay: number;
  readonly seq: number;
}

type Command = { kind: 'send'; key: number; idem: number | null; failTimes: number; delay: number; target: 'worker' | 'nowhere'; bad: boolean } | { kind: 'advance'; ms: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('send' as const),
      key: fc.integer({ min: 0, max: 5 }),
      idem: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null, freq: 3 }),
      failTimes: fc.constantFrom(0, 0, 0, 1, 2, 4),
      delay: fc.constantFrom(0, 0, 3, 20, 80),
      target: fc.constantFrom('worker' as const, 'worker' as const, 'worker' as const, 'worker' as const, 'nowhere' as const),
      bad: fc.constant(false),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 120 }) }) },
);
const badArb = fc.record({
  kind: fc.constant('send' as const),
  key: fc.constant(0),
  idem: fc.constant(null),
  failTimes: fc.constant(0),
  delay: fc.constant(0),
  target: fc.constant('worker' as const),
  bad: fc.constant(true),
});
const runArb = fc.record({
  partitions: fc.integer({ min: 1, max: 6 }),
  capacity: fc.integer({ min: 3, max: 40 }),
  maxAttempts: fc.integer({ min: 1, max: 4 }),
  baseDelayMs: fc.integer({ min: 1, max: 20 }),
  breaker: fc.boolean(),
  commands: fc.array(fc.oneof({ weight: 12, arbitrary: commandArb }, { weight: 1, arbitrary: badArb }), { minLength: 1, maxLength: 60 }),
});

describe(`reliability/properties (PLEXUS_SEED=${SEED})`, function () {
  this.timeout(60_000);
  before(() => {
    fc.configureGlobal({ seed: SEED, numRuns: RUNS });
    // Printed so that a red CI log always says how to replay it.
    console.log(`      fast-check seed ${SEED} (replay: PLEXUS_SEED=${SEED} npx mocha ${'spec/reliability/properties.spec.ts'})`);
  });
  after(() => fc.resetConfigureGlobal());

  it('keeps per-partition order, handles nothing twice, ends every signal as planned and closes the count', async () => {
    await fc.assert(
      fc.asyncProperty(runArb, async (run) => {
        const { net, clock } = virtualNetwork({ dedup: { windowMs: 10_000_000, maxKeys: 100_000 }, dlq: { capacity: 10_000 } });
        const plans = new Map<string, Plan>();
        const violations: string[] = [];
        const active = new Map<number, string>(); // partition → signal id in the handler
        const firstStarts = new Map<number, number[]>(); // partition → seqs in first-start order
        const completedIds = new Set<string>();
        const handle = async (signal: Signal<{ seq: number }>, ctx: HandlerContext): Promise<void> => {
          const plan = plans.get(signal.id)!;
          const p = ctx.partition;
          const holder = active.get(p);
          if (holder !== undefined && holder !== signal.id) violations.push(`partition ${p}: seq ${plan.seq} started while ${holder} was still in the handler`);
          if (completedIds.has(signal.id)) violations.push(`seq ${plan.seq} handled again after it completed`);
          if (ctx.attempt === 1) (firstStarts.get(p) ?? firstStarts.set(p, []).get(p)!).push(plan.seq);
          active.set(p, signal.id);
          // A timed-out attempt is over for the network at the abort, not when this promise settles.
          const release = (): void => void (active.get(p) === signal.id && active.delete(p));
          ctx.abortSignal.addEventListener('abort', release, { once: true });
          try {
            if (plan.delay > 0) await sleep(clock, plan.delay, ctx.abortSignal);
            if (ctx.attempt <= plan.failTimes) throw new Error(`planned failure ${ctx.attempt}/${plan.failTimes}`);
            completedIds.add(signal.id);
          } finally {
            release();
          }
        };
        net.node('worker', {
          partitions: run.partitions,
          capacity: run.capacity,
          timeoutMs: TIMEOUT_MS,
          retry: { maxAttempts: run.maxAttempts, baseDelayMs: run.baseDelayMs, jitter: 0 },
          breaker: run.breaker ? { failureThreshold: 3, resetTimeoutMs: 100 } : false,
          handle,
        });
        using rec = recordEvents(net.events$);
        await net.start();

        const receipts: { cmd: Extract<Command, { kind: 'send' }>; receipt: Receipt; seq: number }[] = [];
        let seq = 0;
        for (const cmd of run.commands) {
          if (cmd.kind === 'advance') {
            await clock.advance(cmd.ms);
            continue;
          }
          seq++;
          const draft = cmd.bad
            ? ({ type: 42, payload: { seq } } as never)
            : { type: 'job', payload: { seq }, partitionKey: `k${cmd.key}`, ...(cmd.idem === null ? {} : { idempotencyKey: `i${cmd.idem}` }) };
          const receipt = net.post(cmd.target, draft);
          if (receipt.status === 'accepted') plans.set(receipt.id, { failTimes: cmd.failTimes, delay: cmd.delay, seq });
          receipts.push({ cmd, receipt, seq });
        }
        await settle(net, clock);

        const accepted = receipts.filter((r) => r.receipt.status === 'accepted');
        const duplicate = receipts.filter((r) => r.receipt.status === 'duplicate').length;
        const rejected = receipts.filter((r) => r.receipt.status === 'rejected').length;
        const completed = rec.ofKind('completed');
        const dead = rec.ofKind('dead-lettered');

        expect(violations, violations.join('\n')).to.deep.equal([]);

        // Per-partition order: first attempts start in acceptance order, partition by partition.
        for (let p = 0; p < run.partitions; p++) {
          const want = accepted.filter((r) => r.receipt.status === 'accepted' && r.receipt.partition === p).map((r) => r.seq);
          expect(firstStarts.get(p) ?? [], `first starts in partition ${p}`).to.deep.equal(want);
        }

        // Nothing handled twice: one completion per signal, one accepted signal per idempotency key.
        const completedPer = new Map<string, number>();
        for (const e of completed) completedPer.set(e.signalId, (completedPer.get(e.signalId) ?? 0) + 1);
        for (const [id, n] of completedPer) expect(n, `completions of ${id}`).to.equal(1);
        const keys = accepted.filter((r) => r.cmd.idem !== null).map((r) => r.cmd.idem);
        expect(new Set(keys).size, 'idempotency keys accepted more than once').to.equal(keys.length);

        // Every accepted signal ends as its plan says.
        for (const r of accepted) {
          const id = (r.receipt as { id: string }).id;
          const plan = plans.get(id)!;
          const timesOut = plan.delay >= TIMEOUT_MS;
          const completes = !timesOut && plan.failTimes < run.maxAttempts;
          const dl = dead.find((e) => e.signalId === id);
          if (completes) expect(completedPer.get(id), `seq ${r.seq} should complete`).to.equal(1);
          else {
            expect(dl, `seq ${r.seq} should be dead-lettered`).to.not.equal(undefined);
            expect(dl!.reason).to.equal(timesOut ? 'timeout' : 'handler-failed');
            expect(dl!.attempts).to.equal(run.maxAttempts);
          }
        }

        // The count closes, by the receipts and by the network's own counters.
        expect(completed.length + dead.length + duplicate + rejected).to.equal(receipts.length);
        const c = net.counts();
        expect(c.sent).to.equal(receipts.length);
        expect(c.completed + c.deadLettered + c.duplicate + c.rejected).to.equal(c.sent);
        expect([c.accepted, c.duplicate, c.rejected, c.completed, c.deadLettered, c.active]).to.deep.equal([accepted.length, duplicate, rejected, completed.length, dead.length, 0]);
        await net.shutdown({ timeoutMs: 0 });
      }),
    );
  });
});

/**
 * Dead letters and reprocess: an `invoices` node has a bug: it cannot price invoices in CHF. They
 * fail their retries and land in the dead letter queue with their error, reason and attempts; so
 * do the invoices of a producer already on version 2.0 of the schema, which this network does
 * not know (`unsupported-version`). Halfway through, the fix ships: the CHF dead letters are
 * reprocessed (the same signals, to the same partitions, past deduplication) and complete. At the
 * end the 2.0 ones, not worth keeping, are purged. Nothing was lost on the way: the accounting
 * counts every dead-lettering, every reprocess and every completion.
 *
 *   npm run demo:dead-letters                    until Ctrl-C (the fix ships after 2 s, or at Ctrl-C if sooner)
 *   npm run demo:dead-letters -- --duration 4    4 s (the fix ships after 2 s), then check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:dead-letters -- [--duration <s>]');
const CURRENCIES = ['EUR', 'USD', 'CHF', 'GBP'];

await runDemo('dead letters and reprocess: invoices in CHF fail until the fix ships; a producer on an unknown schema version', args, async (demo) => {
  let fixed = false;
  // Room for the 2.0 invoices of a long run (they are purged at the end); a full queue would push its oldest out, counted.
  const net = createNetwork({ name: 'demo-dead-letters', dlq: { capacity: 50_000 } });
  net.schemas.register('invoice', { versions: { '1.0': (p) => typeof p.amount === 'number' } });
  net.node('invoices', {
    partitions: 8,
    retry: { maxAttempts: 3, baseDelayMs: 2 },
    breaker: false, // this demo is about dead letters; demos/breaker.ts shows what a breaker adds
    handle(signal) {
      const { currency } = signal.payload as { currency: string };
      if (currency === 'CHF' && !fixed) throw new Error('no exchange rate for CHF (bug #1432)');
    },
  });
  await net.start();

  const fixAfterS = Math.min(2, (demo.duration ?? 4) / 2);
  demo.live(() => {
    const failed = net.dlq.list({ reason: 'handler-failed' }).length;
    const version = net.dlq.list({ reason: 'unsupported-version' }).length;
    return `${fixed ? 'fixed   ' : 'bug live'}  completed ${n(net.stats('invoices').completed)}  dead letters ${net.dlq.size} (handler-failed ${failed}, unsupported-version ${version})`;
  }, 500);

  let i = 0;
  let reprocessed = 0;
  let deadBeforeFix = 0;
  const producing = (async () => {
    while (demo.running) {
      for (let k = 0; k < 20; k++, i++) {
        const version = i % 97 === 0 ? '2.0' : '1.0'; // one producer already speaks 2.0
        const r = net.post('invoices', { type: 'invoice', version, payload: { n: i, amount: 10 + (i % 90), currency: CURRENCIES[i % CURRENCIES.length] }, partitionKey: `customer-${i % 40}` });
        if (r.status !== 'accepted') throw new Error(`invoice ${i} was ${r.status}`);
      }
      await delay(10);
    }
  })();

  // The fix ships halfway (at most after 2 s), or at the stop when that comes first.
  await demo.sleep(fixAfterS * 1000);
  await delay(20); // let the retries of the last CHF invoices end in the queue too
  const byReason = new Map<string, number>();
  for (const d of net.dlq.list()) byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1);
  const sample = net.dlq.list({ reason: 'handler-failed', limit: 1 })[0];
  demo.say(`dead letters: ${[...byReason].map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  if (sample !== undefined) demo.say(`  e.g. ${sample.id}: ${sample.reason} after ${sample.attempts} attempts: ${sample.error.message}`);
  fixed = true;
  deadBeforeFix = net.dlq.list({ reason: 'handler-failed' }).length;
  const receipts = net.dlq.reprocessAll({ reason: 'handler-failed' });
  reprocessed = receipts.filter((r) => r.status === 'accepted').length;
  demo.say(`the fix ships; reprocessed ${reprocessed} of ${deadBeforeFix} handler-failed dead letters`);

  await demo.stopping;
  await producing;
  await net.idle();
  const failedLeft = net.dlq.list({ reason: 'handler-failed' }).length;
  const unsupported = net.dlq.list({ reason: 'unsupported-version' });
  const purged = net.dlq.purge({ reason: 'unsupported-version' });
  demo.say(`purged ${purged} unsupported-version dead letters (e.g. ${unsupported[0]?.error.message ?? 'none'})`);
  await net.shutdown();
  const c = net.counts();
  const overflowed = net.dlq.overflowed; // 0 unless the run outlasted the queue's room
  console.log(
    `\nsummary: ${c.accepted} invoices accepted; ${c.deadLettered} dead-lettered (${deadBeforeFix} handler-failed reprocessed after the fix, ${purged} unsupported-version purged, ${overflowed} pushed out of the full queue); ${c.completed} completed`,
  );
  demo.check('invoices failed into the dead letter queue before the fix', deadBeforeFix > 0);
  demo.check('every handler-failed dead letter was reprocessed and completed', reprocessed === deadBeforeFix && failedLeft === 0);
  demo.check('unsupported versions were dead-lettered with their reason, then purged', purged > 0 && net.dlq.size === 0);
  demo.check('every dead-lettering is reprocessed, purged or counted as pushed out', c.deadLettered === reprocessed + purged + overflowed);
  printAccounting(demo, c);
});

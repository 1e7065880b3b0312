/**
 * Backpressure: a producer floods a slow node. The node's mailbox is bounded (capacity 400):
 * at 80% full producers are warned (`pressure` events), at 95% sends are refused with a receipt
 * saying `backpressure`. This producer respects that: it keeps a refused order, waits until the
 * pressure falls, and sends the same order again. Nothing is dropped, and the mailbox never grows
 * past its bound however hard the flood pushes.
 *
 *   npm run demo:backpressure                       until Ctrl-C
 *   npm run demo:backpressure -- --duration 5       5 s, then drain, check and exit
 *   npm run demo:backpressure -- --orders 50000     orders per flood (default 20,000)
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork } from '../lib/index.ts';
import { positiveInteger, readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const usage = 'npm run demo:backpressure -- [--duration <s>] [--orders <per flood>]';
const args = readArgs(usage, { orders: { type: 'string' } });
const perFlood = positiveInteger(usage, args, 'orders', 20_000);
const CAPACITY = 400;

await runDemo('backpressure: a flood against a slow node (4 partitions, ~1 ms a signal, capacity 400)', args, async (demo) => {
  const net = createNetwork({ name: 'demo-backpressure' });
  let handled = 0;
  net.node('slow', {
    partitions: 4,
    capacity: CAPACITY,
    async handle() {
      await delay(1); // a slow dependency: the node handles ~4,000 signals/s, the producer offers far more
      handled++;
    },
  });
  const warnings = { warning: 0, critical: 0 };
  let deepest = 0;
  net.events$.subscribe((e) => {
    if (e.kind === 'pressure' && e.level !== 'normal') warnings[e.level]++;
  });
  await net.start();

  let flood = 0;
  let sentInFlood = 0;
  let accepted = 0;
  let refused = 0;
  let lastHandled = 0;
  demo.live(() => {
    const s = net.stats('slow');
    deepest = Math.max(deepest, s.queueDepth + s.inFlight);
    const rate = (handled - lastHandled) * 2;
    lastHandled = handled;
    return `flood ${flood}: ${n(sentInFlood)} / ${n(perFlood)} accepted (${Math.floor((sentInFlood / perFlood) * 100)}%)  queued ${s.queueDepth} (fill ${(s.fill * 100).toFixed(0)}%, ${s.pressure})  handled ${n(handled)} (${n(rate)}/s)  refused ${n(refused)}`;
  }, 500);

  // The producer: sends until refused, then waits for the pressure to fall and sends the refused
  // order again (same idempotency key, so a send that did get through would be a duplicate, not twice).
  while (demo.running) {
    flood++;
    sentInFlood = 0;
    while (sentInFlood < perFlood && demo.running) {
      const i = sentInFlood;
      const receipt = net.post('slow', { type: 'order', payload: { flood, i }, partitionKey: `customer-${i % 100}`, idempotencyKey: `order-${flood}-${i}` });
      if (receipt.status === 'accepted') {
        sentInFlood++;
        accepted++;
        deepest = Math.max(deepest, net.stats('slow').queueDepth);
        continue;
      }
      if (receipt.status !== 'rejected' || receipt.reason !== 'backpressure') throw new Error(`order ${flood}-${i} was ${receipt.status}`);
      refused++;
      while (net.stats('slow').pressure !== 'normal' && demo.running) await delay(2);
    }
    if (demo.running) demo.say(`flood ${flood} done: ${n(perFlood)} orders accepted`);
  }

  await demo.stopping;
  const report = await net.shutdown();
  const c = net.counts();
  console.log(`\nsummary: ${flood} flood(s), ${accepted} orders accepted, ${handled} handled; ${refused} sends refused (backpressure), each sent again later`);
  console.log(`pressure events: ${warnings.warning} warning, ${warnings.critical} critical; deepest mailbox ${deepest} of ${CAPACITY}; drained at shutdown ${report.drained}`);
  demo.check('the flood met backpressure (sends refused at 95% fill)', refused > 0);
  demo.check(`the mailbox never held more than its capacity (${deepest} <= ${CAPACITY})`, deepest <= CAPACITY);
  demo.check('every accepted order was handled', handled === accepted && c.completed === accepted);
  printAccounting(demo, c);
});

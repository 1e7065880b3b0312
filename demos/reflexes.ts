/**
 * Reflexes: the network reacts to its own state. A feed pushes readings into a slow `ingest`
 * node faster than it can handle them. A reflex rule watches the node's mailbox fill
 * (`nodePressure`): when it crosses its thresholds the rule fires `high` or `critical` and posts
 * a `reflex.nodePressure` signal to every node that declared `reflexes: ['nodePressure']`. Here
 * that is `governor`, which tells the feed to slow down (it speeds up again by itself while all
 * is quiet). The first half runs in shadow mode (the flag `shadowMode`): rules fire and are
 * reported, nothing is posted, and the feed meets backpressure instead. Then the flag is turned
 * off at run time and the reflexes act.
 *
 *   npm run demo:reflexes                    until Ctrl-C (shadow mode for the first 2 s)
 *   npm run demo:reflexes -- --duration 4    4 s (shadow mode for the first 2 s), then check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork, type ReflexSignalPayload } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:reflexes -- [--duration <s>]');
const MAX_RATE = 8_000;
const MIN_RATE = 250;

await runDemo('reflexes: a feed too fast for ingest, slowed down by the network itself', args, async (demo) => {
  const net = createNetwork({
    name: 'demo-reflexes',
    reflexes: {
      enabled: true,
      shadowMode: true, // start by only reporting what the reflexes would do
      maxEmissionRate: 20, // reflex signals per second, all rules together
      burstAllowance: 5,
      rules: { nodePressure: { thresholds: { high: 0.7, critical: 0.9 }, cooldownSeconds: 0.2 } },
    },
  });
  net.node('ingest', {
    partitions: 2,
    capacity: 500,
    async handle() {
      await delay(1); // ~2,000 readings/s at most
    },
  });
  let rate = MAX_RATE; // readings per second the feed offers
  let lastReflexAt = 0;
  let slowdowns = 0;
  net.node<ReflexSignalPayload>('governor', {
    reflexes: ['nodePressure'],
    handle(signal) {
      const { level, value, source } = signal.payload;
      rate = Math.max(MIN_RATE, rate * (level === 'critical' ? 0.25 : 0.5));
      lastReflexAt = performance.now();
      slowdowns++;
      demo.say(`governor: ${source} is ${level} (fill ${(value * 100).toFixed(0)}%): the feed slows to ${n(rate)}/s`);
    },
  });
  const fired = { shadowed: 0, acted: 0 };
  net.events$.subscribe((e) => {
    if (e.kind !== 'reflex') return;
    if (e.shadowed) fired.shadowed++;
    if (e.acted) fired.acted++;
    if (e.shadowed) demo.say(`reflex ${e.rule} ${e.level} on ${e.source} (${e.cause}): shadow mode, nothing posted`);
  });
  await net.start();

  let readings = 0;
  const refused = { shadow: 0, acting: 0 };
  demo.live(() => {
    const s = net.stats('ingest');
    return `${net.flags.get('shadowMode') ? 'shadow' : 'acting'}  feed ${n(rate)}/s  ingest fill ${(s.fill * 100).toFixed(0)}% (${s.pressure})  handled ${n(s.completed)}  refused ${refused.shadow + refused.acting}  reflexes shadowed ${fired.shadowed}, acted ${fired.acted}`;
  }, 500);

  const actAfterMs = Math.min(2, (demo.duration ?? 4) / 2) * 1000;
  const started = performance.now();
  while (demo.running) {
    if (net.flags.get('shadowMode') && performance.now() - started >= actAfterMs) {
      net.flags.set('shadowMode', false);
      demo.say('shadow mode off: the reflexes act from now on');
    }
    // While nothing fired for 300 ms, the feed speeds up again (as a real client would probe).
    if (performance.now() - lastReflexAt > 300) rate = Math.min(MAX_RATE, rate * 1.1);
    const batch = Math.max(1, Math.round(rate / 100));
    for (let k = 0; k < batch; k++) {
      const i = readings; // a refused reading is sent again first (same key)
      const r = net.post('ingest', { type: 'reading', payload: { i }, partitionKey: `sensor-${i % 16}`, idempotencyKey: `reading-${i}` });
      if (r.status === 'accepted') {
        readings++;
        continue;
      }
      if (r.status !== 'rejected' || r.reason !== 'backpressure') throw new Error(`reading ${i} was ${r.status}`);
      if (net.flags.get('shadowMode')) refused.shadow++;
      else refused.acting++;
      break;
    }
    await delay(10);
  }

  await net.shutdown();
  const c = net.counts();
  const ingest = net.stats('ingest');
  console.log(`\nsummary: ${readings} readings accepted and ${ingest.completed} handled; reflexes shadowed ${fired.shadowed}, acted ${fired.acted}; the governor slowed the feed ${slowdowns} times`);
  console.log(`sends refused (backpressure, each sent again): ${refused.shadow} in shadow mode, ${refused.acting} while the reflexes acted`);
  demo.check('in shadow mode the rules fired and were only reported', fired.shadowed > 0);
  demo.check('once acting, reflex signals reached the governor and slowed the feed', fired.acted > 0 && slowdowns > 0);
  demo.check('every accepted reading was handled', ingest.completed === readings);
  printAccounting(demo, c);
});

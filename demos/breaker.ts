/**
 * Breaker trip and recovery: a `payments` node calls a provider that goes down for 0.4 s of
 * every second. Failures past their retries trip the node's circuit breaker: it opens, and the
 * node holds its signals in their partitions instead of hammering the provider (nothing is
 * dead-lettered while it is open). After `resetTimeoutMs` it lets a probe through (half-open):
 * a probe that fails opens it again, one that succeeds closes it and the held signals drain.
 * The few signals that failed before the breaker opened, and the failed probes, are dead
 * letters, reprocessed each time the breaker recovers (and at the end).
 *
 *   npm run demo:breaker                    until Ctrl-C
 *   npm run demo:breaker -- --duration 5    5 s, then drain, check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:breaker -- [--duration <s>]');
/** The provider's cycle: up for 0.2 s, down for 0.4 s, up for 0.4 s. */
const CYCLE_MS = 1000;
const isDown = (ms: number): boolean => ms % CYCLE_MS >= 200 && ms % CYCLE_MS < 600;

await runDemo('breaker trip and recovery: payments → a provider that is down 0.4 s of every second', args, async (demo) => {
  const started = performance.now();
  let providerUp = true;
  let calls = 0;
  const net = createNetwork({ name: 'demo-breaker' });
  net.node('payments', {
    partitions: 4,
    retry: { maxAttempts: 2, baseDelayMs: 5 },
    // Three signals in a row that failed all their attempts open it; it probes after 150 ms.
    breaker: { failureThreshold: 3, resetTimeoutMs: 150 },
    async handle() {
      calls++;
      await delay(1);
      if (!providerUp) throw new Error('payment provider unavailable (503)');
    },
  });
  const transitions: string[] = [];
  let trips = 0;
  let recoveries = 0;
  let held = 0;
  let reprocessed = 0;
  net.events$.subscribe((e) => {
    if (e.kind === 'breaker') {
      if (e.to === 'open') trips++;
      if (e.from === 'half-open' && e.to === 'closed') {
        recoveries++;
        // The provider is back: what failed before the breaker opened goes again (after this event, not inside it).
        setImmediate(() => {
          const again = net.dlq.reprocessAll().filter((r) => r.status === 'accepted').length;
          if (again > 0) demo.say(`reprocessed ${again} dead letters`);
          reprocessed += again;
        });
      }
      transitions.push(e.to);
      demo.say(`breaker ${e.from} → ${e.to}${e.to === 'open' ? ` (signals wait; probe in ${Math.round(net.breaker('payments')?.retryAfterMs ?? 0)} ms)` : ''}`);
    } else if (e.kind === 'held') held++;
  });
  await net.start();

  demo.live(() => {
    const s = net.stats('payments');
    return `provider ${providerUp ? 'up  ' : 'DOWN'}  breaker ${s.breakerState.padEnd(9)} held ${String(s.held).padStart(3)}  completed ${n(s.completed)}  dead letters ${net.dlq.size}  provider calls ${n(calls)}`;
  }, 250);

  let sent = 0;
  let refused = 0;
  while (demo.running) {
    const up = !isDown(performance.now() - started);
    if (up !== providerUp) demo.say(`provider ${up ? 'is back' : 'goes down'}`);
    providerUp = up;
    for (let i = 0; i < 5; i++) {
      const r = net.post('payments', { type: 'payment', payload: { n: sent }, partitionKey: `account-${sent % 50}` });
      if (r.status === 'accepted') sent++;
      else refused++;
    }
    await delay(5);
  }

  // The provider comes back for good: the breaker's next probe closes it, the held signals drain,
  // and the dead letters (signals that failed before the breaker opened) are sent again.
  providerUp = true;
  await net.idle();
  await new Promise((resolve) => setImmediate(resolve)); // a reprocess scheduled by the last recovery
  const accepted = net.dlq.reprocessAll().filter((r) => r.status === 'accepted').length;
  reprocessed += accepted;
  await net.idle();
  await net.shutdown();
  const c = net.counts();
  console.log(`\nsummary: ${sent} payments accepted (${refused} refused), ${trips} trip(s), ${recoveries} recover(ies) through half-open, ${held} times a signal was held while open`);
  console.log(`dead letters (failed before the breaker opened, or failed probes): ${c.deadLettered}, reprocessed once the provider was back: ${reprocessed}; completed ${c.completed}`);
  console.log(`breaker transitions: ${transitions.join(' → ') || 'none'}`);
  demo.check('the breaker tripped while the provider was down', trips > 0);
  demo.check('it recovered (half-open → closed) once the provider was back', recoveries > 0 && net.breaker('payments')?.state === 'closed');
  demo.check('signals were held while it was open, not dead-lettered', held > 0);
  demo.check('every dead letter was reprocessed, and the queue is empty', reprocessed === c.deadLettered && net.dlq.size === 0);
  demo.check('every accepted payment completed', c.completed === sent && c.accepted === sent);
  printAccounting(demo, c);
});

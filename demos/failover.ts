/**
 * Failover: a `checkout` node charges cards through a failover group of two interchangeable
 * payment providers, `primary` and `backup`, of which exactly one is active. Every second the
 * primary goes down for a while: after 3 failed calls in a row the group marks it unhealthy and
 * switches to the backup (the failed charges are retried by the node, on the backup now). The
 * group probes its members' health; once the primary answers again it is a standby, and the
 * operator switches back to it by hand. The audit trail says who switched, when and why; no
 * charge is lost.
 *
 *   npm run demo:failover                    until Ctrl-C
 *   npm run demo:failover -- --duration 3    3 s, then check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createFailoverGroup, createNetwork } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:failover -- [--duration <s>]');
/** The primary is down from 0.2 s to 0.5 s of every second. */
const CYCLE_MS = 1000;
const primaryDown = (ms: number): boolean => ms % CYCLE_MS >= 200 && ms % CYCLE_MS < 500;

await runDemo('failover: checkout charges through a failover group (primary, backup); the primary fails every second', args, async (demo) => {
  const started = performance.now();
  const charged = { primary: 0, backup: 0 };
  const provider = (name: 'primary' | 'backup') => ({
    name,
    async call(order: number): Promise<string> {
      await delay(1);
      if (name === 'primary' && primaryDown(performance.now() - started)) throw new Error('primary: connection refused');
      charged[name]++;
      return `${name}-receipt-${order}`;
    },
    healthy: () => name !== 'primary' || !primaryDown(performance.now() - started),
  });
  const payments = createFailoverGroup({ name: 'payments', members: [provider('primary'), provider('backup')], failureThreshold: 3, probeIntervalMs: 50 });
  payments.state$.subscribe((e) => demo.say(`payments: ${e.action} ${e.from ?? '-'} → ${e.to ?? '-'} by ${e.by}: ${e.reason}`));

  const net = createNetwork({ name: 'demo-failover' });
  net.node('checkout', {
    partitions: 8,
    retry: { maxAttempts: 5, baseDelayMs: 5 }, // a failed charge goes again, to the active member then
    breaker: false, // the group does the failing over; demos/breaker.ts shows a node's breaker
    async handle(signal) {
      await payments.call((signal.payload as { order: number }).order);
    },
  });
  await net.start();
  demo.live(
    () =>
      `active ${String(payments.active).padEnd(7)}  primary ${primaryDown(performance.now() - started) ? 'DOWN' : 'up  '}  charged primary ${n(charged.primary)}, backup ${n(charged.backup)}  retried ${net.stats('checkout').retried}  dead letters ${net.dlq.size}`,
    250,
  );

  let orders = 0;
  while (demo.running) {
    // The operator's rule: back to the primary as soon as it is healthy again.
    if (payments.active === 'backup' && !primaryDown(performance.now() - started) && !payments.snapshot().unhealthy.includes('primary')) {
      payments.switchTo('primary', { by: 'operator', reason: 'the primary is healthy again' });
    }
    for (let k = 0; k < 10; k++, orders++) {
      const r = net.post('checkout', { type: 'order', payload: { order: orders }, partitionKey: `customer-${orders % 64}`, idempotencyKey: `order-${orders}` });
      if (r.status !== 'accepted') throw new Error(`order ${orders} was ${r.status}`);
    }
    await delay(5);
  }

  await net.shutdown();
  const audit = payments.audit();
  payments.dispose();
  const c = net.counts();
  const away = audit.filter((e) => e.action === 'switch' && e.from === 'primary').length;
  const back = audit.filter((e) => e.action === 'switch' && e.to === 'primary').length;
  console.log(
    `\nsummary: ${orders} orders; charged by the primary ${charged.primary}, by the backup ${charged.backup}; ${away} switch(es) to the backup, ${back} back to the primary; ${net.stats('checkout').retried} retries`,
  );
  console.log(`audit trail (${audit.length} entries), the last ones:`);
  for (const e of audit.slice(-4)) console.log(`  ${new Date(e.at).toISOString()} ${e.action} ${e.from ?? '-'} → ${e.to ?? '-'} by ${e.by}: ${e.reason}`);
  demo.check('the group failed over to the backup when the primary went down', away > 0 && charged.backup > 0);
  demo.check('the operator switched back once the primary was healthy', back > 0);
  demo.check('every order was charged exactly once, none dead-lettered', charged.primary + charged.backup === orders && c.deadLettered === 0);
  printAccounting(demo, c);
});

/**
 * The main demo: a small shop (demos/shop-network.ts) on the embedded defaults, with the live
 * dashboard. It prints the dashboard's address and a one-line summary every second; open the
 * address, then poke at the network: fail a share of a node's signals, slow a node down, flood
 * it, trip a breaker (the active payment provider's, and the payments group fails over to the
 * other), switch the payments group by hand, send a signal with a version the schema does not
 * support, reprocess the dead letters, replay the last minute. Ctrl-C (or the dashboard's "Shut down") shuts it down
 * gracefully and prints the report.
 *
 *   npm run demo                         runs until Ctrl-C (or q)
 *   npm run demo -- --duration 5         shuts down gracefully by itself after 5 s and exits 0
 *   npm run demo -- --port 8080          the dashboard on a port of your choice (default: a free one)
 *   npm run demo -- --rate 1000          orders per second (default 400)
 */
import { createNetworkServer } from '../lib/index.ts';
import { createShopDemo, SHOP_PAYMENTS } from './shop-network.ts';

function option(name: string, check: (n: number) => boolean, what: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!check(value)) {
    console.error(`--${name} needs ${what}`);
    process.exit(2);
  }
  return value;
}
const durationS = option('duration', (n) => n > 0, 'a number of seconds above 0');
const port = option('port', (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'a port number (0 for a free one)') ?? 0;
const rate = option('rate', (n) => n > 0 && n <= 100_000, 'a number of orders per second (up to 100000)') ?? 400;

const shop = createShopDemo({ name: 'shop', ratePerSecond: rate });
const { net } = shop;
await net.start();
const server = await createNetworkServer(net, { port, actions: shop.actions });
console.log(`plexus demo: orders → ${SHOP_PAYMENTS.group} (failover: ${SHOP_PAYMENTS.members.join(', ')}) → shipping → notify, and orders → inventory`);
console.log(`dashboard: ${server.url}`);
shop.startTraffic();

const live = process.stdout.isTTY === true;
let lastCompleted = 0;
const startedAt = Date.now();
const payments = net.failoverGroups.find((group) => group.name === SHOP_PAYMENTS.group)!;
/** One line: time, rate, queued, dead letters, breakers not closed, the payments group's active member, health. */
function summary(): string {
  const counts = net.counts();
  const rateNow = counts.completed - lastCompleted;
  lastCompleted = counts.completed;
  const queued = net.nodeNames.reduce((sum, name) => sum + net.stats(name).queueDepth, 0);
  const open = net.nodeNames.filter((name) => !['closed', 'none'].includes(net.stats(name).breakerState));
  const flood = shop.floodLeft > 0 ? `  flood ${shop.floodLeft} left` : '';
  return `t=${((Date.now() - startedAt) / 1000).toFixed(0)}s  orders ${shop.ordersSent}  completed ${counts.completed} (${rateNow}/s)  queued ${queued}  dead letters ${net.dlq.size}  breakers ${open.length === 0 ? 'closed' : `open: ${open.join(', ')}`}  ${payments.name} → ${payments.active ?? 'none'}  health ${net.health().status}${flood}`;
}
// On a terminal the summary rewrites one line; in a log (CI) it is one line a second.
const ticker = setInterval(() => (live ? process.stdout.write(`\r\x1b[2K${summary()}`) : console.log(summary())), 1000);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(ticker);
  await shop.stopTraffic();
  if (live) process.stdout.write('\n');
  console.log(summary());
  const dead = net.dlq.list({ limit: 3 });
  console.log(`dead letters: ${net.dlq.size}${dead.length ? ', e.g.' : ''}`);
  for (const d of dead) console.log(`  ${d.id} ${d.node} ${d.reason} after ${d.attempts} attempts: ${d.error.message}`);
  const last = payments.audit().at(-1);
  console.log(
    `failover ${payments.name}: ${payments.active ?? 'no member'} active, ${payments.status().switches} switches${last === undefined ? '' : `, last: ${last.action} to ${last.to ?? '-'} by ${last.by} (${last.reason})`}`,
  );
  const report = await net.shutdown({ timeoutMs: 10_000 });
  console.log('\nshutdown report:');
  for (const p of report.phases) console.log(`  ${p.phase.padEnd(24)} ${p.durationMs.toFixed(1)} ms`);
  console.log(
    `  drained ${report.drained} (${report.activeAtStart} active at the start + ${report.emitted} emitted while draining), remaining ${report.remaining}, forced ${report.forced}, timed out ${report.timedOut}`,
  );
  const end = net.counts();
  // Reprocessed and replayed signals end once more (`redelivered`): they count on both sides.
  const redelivered = end.redelivered === 0 ? '' : ` + redelivered ${end.redelivered}`;
  console.log(
    `\naccounting: sent ${end.sent}${redelivered} = completed ${end.completed} + dead ${end.deadLettered} + duplicate ${end.duplicate} + rejected ${end.rejected} + remaining ${report.remaining}`,
  );
  const closes = end.sent + end.redelivered === end.completed + end.deadLettered + end.duplicate + end.rejected + report.remaining;
  if (!closes) {
    console.error('accounting does not close: a signal is unaccounted for');
    process.exit(1);
  }
  process.exit(0);
}

process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
// The dashboard's "Shut down" starts the network's shutdown: the demo then prints its report.
net.health$.subscribe({ complete: () => void stop() });
if (durationS !== undefined) setTimeout(() => void stop(), durationS * 1000);
if (process.stdin.isTTY && durationS === undefined) {
  process.stdin.setRawMode(true);
  process.stdin.on('data', (key) => {
    if (key[0] === 0x71 || key[0] === 0x03) void stop(); // q or Ctrl-C
  });
}

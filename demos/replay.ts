/**
 * Replay: an `accounts` node applies deposits to a database (here a Map of balances). The
 * network's journal keeps every completed signal. Each second the database is backed up; a
 * moment later disaster strikes: the database is restored from that backup, losing every deposit
 * applied since. `network.replay({ from, to, node, resend: true })` sends the journaled deposits
 * of that gap again (as new signals, caused by the originals, past deduplication), and the
 * balances are exactly what the depositors paid in.
 *
 *   npm run demo:replay                    until Ctrl-C
 *   npm run demo:replay -- --duration 3    3 s, then check and exit
 */
import { setTimeout as delay } from 'node:timers/promises';
import { createNetwork } from '../lib/index.ts';
import { readArgs } from './support/args.ts';
import { runDemo } from './support/demo.ts';
import { n, printAccounting } from './support/summary.ts';

const args = readArgs('npm run demo:replay -- [--duration <s>]');
const ACCOUNTS = 20;

await runDemo('replay: a database restored from an old backup is brought up to date from the journal', args, async (demo) => {
  // The journal keeps the completed signals (in memory here; a FileJournal keeps them on disk).
  const net = createNetwork({ name: 'demo-replay', journal: { capacity: 100_000 } });
  const database = new Map<string, number>();
  net.node('accounts', {
    partitions: 4,
    handle(signal) {
      const { account, amount } = signal.payload as { account: string; amount: number };
      database.set(account, (database.get(account) ?? 0) + amount);
    },
  });
  await net.start();

  const paidIn = new Map<string, number>(); // what the depositors paid: the truth
  let deposits = 0;
  let paused = false;
  const producing = (async () => {
    while (demo.running) {
      if (!paused) {
        for (let k = 0; k < 10; k++, deposits++) {
          const account = `acct-${deposits % ACCOUNTS}`;
          const amount = 1 + (deposits % 7);
          const r = net.post('accounts', { type: 'deposit', payload: { account, amount }, partitionKey: account });
          if (r.status !== 'accepted') throw new Error(`deposit ${deposits} was ${r.status}`);
          paidIn.set(account, (paidIn.get(account) ?? 0) + amount);
        }
      }
      await delay(5);
    }
  })();
  const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  const matches = (): boolean => [...paidIn].every(([account, amount]) => database.get(account) === amount) && database.size === paidIn.size;
  /** Pauses the depositors and waits until every deposit made is applied (a quiet moment for the backup and the restore). */
  const quiet = async (): Promise<number> => {
    paused = true;
    await net.idle();
    await delay(2); // the journal is queried by creation time: no signal is made at the very moment taken
    return net.clock.now();
  };

  demo.live(() => `deposits ${n(deposits)}  paid in ${n(total(paidIn))}  database ${n(total(database))}  ${matches() ? 'in step' : 'BEHIND'}`, 500);

  let restores = 0;
  let replayed = 0;
  let restoredRight = 0;
  while (demo.running) {
    await demo.sleep(300);
    if (!demo.running) break;
    const backupAt = await quiet();
    const backup = new Map(database);
    paused = false;
    demo.say(`backup taken (${n(total(backup))} in ${backup.size} accounts)`);
    await demo.sleep(400);
    if (!demo.running) break;
    const restoreAt = await quiet();
    database.clear();
    for (const [account, amount] of backup) database.set(account, amount);
    demo.say(`disaster: the database is restored from the backup; it lacks ${n(total(paidIn) - total(database))} paid in since`);
    const { signals, receipts } = await net.replay({ from: backupAt, to: restoreAt, node: 'accounts', type: 'deposit', resend: true });
    await net.idle();
    restores++;
    replayed += signals.length;
    const right = matches() && receipts.every((r) => r.status === 'accepted');
    if (right) restoredRight++;
    demo.say(`replayed ${signals.length} deposits from the journal: the database ${right ? 'is exactly right again' : 'is STILL WRONG'}`);
    paused = false;
    await demo.sleep(300);
  }

  await producing;
  await net.shutdown();
  const c = net.counts();
  console.log(`\nsummary: ${deposits} deposits, ${restores} restore(s) from a backup, ${replayed} deposits replayed from the journal; paid in ${total(paidIn)}, database ${total(database)}`);
  demo.check('the database was restored from a backup at least once', restores > 0);
  demo.check('each restore was brought up to date by the replay', restoredRight === restores);
  demo.check('the balances equal what was paid in, account by account', matches());
  demo.check('every replayed deposit was taken in again (redelivered)', c.redelivered === replayed);
  printAccounting(demo, c);
});

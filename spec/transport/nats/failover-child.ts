/**
 * A process of a network over NATS that hosts one member of failover group `pay` (the other
 * member is a remote node, hosted by the other process). failover-processes.spec.ts spawns two.
 * Args: NATS URL, network name, this process's member, the other member, lease ms, renew ms.
 * Prints `ready` once started, then one line per change with its wall-clock time:
 * `taken <ms>` / `lost <ms>` when this process takes or loses the group's lock, and
 * `active <ms> <member>` when the group's active member changes, and `handled <ms> <payload>` for
 * each signal its member handles. SIGTERM shuts it down gracefully.
 */
import { createNatsTransport, createNetwork } from '../../../lib/index.ts';

const [url, name, mine, other, leaseMs, renewMs] = process.argv.slice(2);
if (url === undefined || name === undefined || mine === undefined || other === undefined || leaseMs === undefined || renewMs === undefined) {
  console.error('usage: failover-child.ts <nats url> <network> <member> <other member> <lease ms> <renew ms>');
  process.exit(2);
}
const net = createNetwork({ name, transport: createNatsTransport({ servers: url }), journal: false });
net.node(mine, { handle: (signal) => void process.stdout.write(`handled ${Date.now()} ${String(signal.payload)}\n`) });
net.remote(other);
net.failover('pay', { members: [mine, other].sort(), lock: { leaseMs: Number(leaseMs), renewMs: Number(renewMs) } });
net.events$.subscribe((event) => {
  if (event.kind !== 'failover') return;
  if (event.action === 'lock-taken') process.stdout.write(`taken ${Date.now()}\n`);
  else if (event.action === 'lock-lost') process.stdout.write(`lost ${Date.now()}\n`);
  else process.stdout.write(`active ${Date.now()} ${event.to ?? '-'}\n`);
});
process.on('SIGTERM', () => {
  void net.shutdown({ timeoutMs: 2_000 }).then(() => process.exit(0));
});
await net.start();
process.stdout.write('ready\n');

/**
 * A process of a network over NATS that reads and writes the network's context mirror, for
 * context-processes.spec.ts. Args: NATS URL, network name, publisher id. Prints
 * `ready <json>` once started (the `app.` entries it found), then `seen <json>` after each
 * change under `app.`; takes `publish <key> <ttlMs or -> <json value>`, `remove <key>` and `exit`
 * lines on stdin (answering `published <key>`, `removed <key> <bool>`, `done`).
 */
import { createInterface } from 'node:readline';
import { createNatsTransport, createNetwork, type ContextEntry } from '../../../lib/index.ts';

const [url, name, publisher] = process.argv.slice(2);
if (url === undefined || name === undefined || publisher === undefined) {
  console.error('usage: context-child.ts <nats url> <network> <publisher>');
  process.exit(2);
}
const net = createNetwork({ name, transport: createNatsTransport({ servers: url }), journal: false });
const show = (es: readonly ContextEntry[]): string => JSON.stringify(es.map((e) => ({ key: e.key, value: e.value, publisher: e.publisher, expiresAt: e.expiresAt })));
await net.start();
process.stdout.write(`ready ${show(net.context.entries('app.'))}\n`);
let first = true;
net.context.watchPrefix('app.').subscribe((es) => {
  if (first)
    first = false; // the current entries: already printed with `ready`
  else process.stdout.write(`seen ${show(es)}\n`);
});
for await (const line of createInterface({ input: process.stdin })) {
  const [command, key, ttl] = line.split(' ');
  const value = line.split(' ').slice(3).join(' ');
  if (command === 'publish' && key !== undefined && value !== '') {
    net.context.publish(key, JSON.parse(value), { publisher, ...(ttl === '-' ? {} : { ttlMs: Number(ttl) }) });
    process.stdout.write(`published ${key}\n`);
  } else if (command === 'remove' && key !== undefined) {
    process.stdout.write(`removed ${key} ${net.context.remove(key)}\n`);
  } else if (command === 'exit') {
    break;
  }
}
await net.shutdown();
process.stdout.write('done\n');

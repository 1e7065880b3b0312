/**
 * The second process of Moleculer over NATS (scenario 7b): a broker with Moleculer's NATS
 * transporter (the `nats` 2.x client, from bench/node_modules) hosting the service `sink`, whose
 * action runs the bench's async sink handler. Args: NATS URL, namespace. Prints `ready` once the
 * broker started, then `handled <n>` and exits when stdin closes.
 */
import { brokerOptions, moleculerModule } from './moleculer.ts';
import type { Draft } from '../types.ts';

const [url, namespace] = process.argv.slice(2);
if (url === undefined || namespace === undefined) {
  console.error('usage: moleculer-nats-child.ts <nats url> <namespace>');
  process.exit(2);
}
const mod = await moleculerModule();
if ('skipped' in mod) {
  console.error(mod.skipped);
  process.exit(3);
}
const broker = new mod.ServiceBroker(brokerOptions(`sink-${process.pid}`, { namespace, transporter: { type: 'NATS', options: { url } } }));
let handled = 0;
let sink = 0;
broker.createService({
  name: 'sink',
  actions: {
    handle: async (ctx: { params: Draft }) => {
      sink += ctx.params.payload.n;
      handled++;
    },
  },
});
await broker.start();
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  await broker.stop();
  process.stdout.write(`handled ${handled} ${sink}\n`);
  process.exit(0);
});

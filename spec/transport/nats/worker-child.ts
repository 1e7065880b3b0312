/**
 * A process that hosts the node `worker` of a network over NATS JetStream (processes.spec.ts
 * and the distributed bench spawn it). Args: NATS URL, network name, signals to wait for.
 * Prints `ready` once consuming, `completed` the moment that many signals completed, then
 * `done <json counts>` after a graceful shutdown, and exits.
 */
import { createNetwork, createNatsTransport } from '../../../lib/index.ts';

const [url, name, expected] = process.argv.slice(2);
if (url === undefined || name === undefined || expected === undefined) {
  console.error('usage: worker-child.ts <nats url> <network> <signals>');
  process.exit(2);
}
const n = Number(expected);
const net = createNetwork({ name, transport: createNatsTransport({ servers: url }), journal: false });
let completed = 0;
const finished = new Promise<void>((resolve) => {
  net.node('worker', {
    partitions: 16,
    capacity: 10_000,
    handle: () => {
      if (++completed === n) resolve();
    },
  });
});
await net.start();
process.stdout.write('ready\n');
await finished;
process.stdout.write('completed\n');
await net.idle();
// Acks go out when signals settle; the graceful shutdown drains the connection, so they all reach the server.
const report = await net.shutdown();
process.stdout.write(`done ${JSON.stringify({ counts: net.counts(), transport: report.transport })}\n`);

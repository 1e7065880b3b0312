// A plain Node ESM consumer of the installed package: build a network, send a signal, print
// what happened as one JSON line for consumer.spec.ts to check.
import { createNetwork } from 'plexus';

const seen = [];
const net = createNetwork({ name: 'consumer-main' });
net.node('echo', {
  handle: (signal) => {
    seen.push(signal.payload);
  },
});
await net.start();
const receipt = await net.send('echo', { type: 'ping', payload: { n: 1 } });
await net.idle();
const counts = net.counts();
await net.shutdown();
console.log(JSON.stringify({ status: receipt.status, seen, completed: counts.completed }));

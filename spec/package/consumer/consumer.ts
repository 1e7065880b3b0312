// A TypeScript consumer of the installed package, type-checked by consumer.spec.ts under strict
// settings (module NodeNext, skipLibCheck false). It uses types from both entry points.
import { createNetwork, isPlexusError, type Receipt, type Signal, type NetworkEvent } from 'plexus';
import { VirtualClock, recordEvents, expectEvents, createFailingHandler, type EventRecorder } from 'plexus/testing';

interface Order { readonly id: number }

const clock = new VirtualClock();
await using net = createNetwork({ name: 'consumer-types', clock });
const handled: Order[] = [];
net.node('orders', {
  partitions: 4,
  retry: { maxAttempts: 2, baseDelayMs: 10 },
  handle(signal: Signal) { handled.push(signal.payload as Order); },
});
net.node('flaky', { handle: createFailingHandler({ burst: { from: 1, count: 1 } }) });
const recorder: EventRecorder = recordEvents(net.events$);
net.events$.subscribe((event: NetworkEvent) => {
  if (event.kind === 'dead-lettered') console.warn(event.reason, event.error.message);
});
await net.start();
const receipt: Receipt = await net.send('orders', { type: 'order', payload: { id: 1 }, partitionKey: 'a' });
if (receipt.status === 'rejected' && isPlexusError(receipt.error)) console.warn(receipt.error.code);
await clock.advance(100);
await net.idle();
expectEvents(recorder).toInclude({ kind: 'completed', node: 'orders' });
console.log(handled.length);

// A TypeScript consumer of the installed package, type-checked by consumer.spec.ts under strict
// settings (module NodeNext, skipLibCheck false). It uses types from every entry point.
import { createNetwork, isPlexusError, ErrorCode, type Receipt, type Signal, type NetworkEvent } from 'plexus';
import { createCircuitBreaker, createRetry, BreakerOpenError, type BreakerState } from 'plexus/resilience';
import { VirtualClock, recordEvents, expectEvents, createFailingHandler, type EventRecorder } from 'plexus/testing';

interface Order {
  readonly id: number;
}

const clock = new VirtualClock();
await using net = createNetwork({ name: 'consumer-types', clock });
const handled: Order[] = [];
net.node('orders', {
  partitions: 4,
  retry: { maxAttempts: 2, baseDelayMs: 10 },
  handle(signal: Signal<Order>) {
    handled.push(signal.payload);
  },
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

// The resilience toolkit, without a network.
const breaker = createCircuitBreaker({ name: 'payments', failureThreshold: 2, clock });
const retry = createRetry({ maxAttempts: 3, baseDelayMs: 10, jitter: 0 });
const state: BreakerState = breaker.state;
try {
  await breaker.protect(() => retry.execute(async () => 'ok'));
} catch (e) {
  if (e instanceof BreakerOpenError && e.code === ErrorCode.BreakerOpen) console.warn('open');
}
console.log(state);

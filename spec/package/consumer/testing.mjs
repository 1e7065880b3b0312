// A plain Node ESM consumer of 'plexus/testing': virtual time, a handler that fails once, the
// event recorder and its assertions. Prints the signal's trace as one JSON line.
import { createNetwork } from 'plexus';
import { VirtualClock, recordEvents, expectEvents, createFailingHandler } from 'plexus/testing';

const clock = new VirtualClock();
const net = createNetwork({ name: 'consumer-testing', clock });
const handle = createFailingHandler({ burst: { from: 1, count: 1 } });
net.node('worker', { retry: { maxAttempts: 3, baseDelayMs: 10, jitter: 0 }, handle });
const recorder = recordEvents(net.events$);
await net.start();
net.post('worker', { type: 'job', payload: { id: 7 }, correlationId: 'job-7' });
await clock.advance(100);
await net.idle();
expectEvents(recorder).toIncludeInOrder([{ kind: 'failed', attempt: 1 }, { kind: 'retried' }, { kind: 'completed' }]);
await net.shutdown();
console.log(JSON.stringify(recorder.trace('job-7').map((hop) => hop.kind)));

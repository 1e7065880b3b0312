/**
 * A process that traces with OpenTelemetry (its own provider, an in-memory exporter) and hosts
 * the node `back` of a network over NATS JetStream (open-telemetry.spec.ts spawns it). Args:
 * NATS URL, network name. Prints `ready` once consuming; after its first signal is handled and
 * the network shut down, `spans <json>`: each ended span's name, ids and parent, and the
 * signal's `traceparent` header; then exits.
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createNetwork, createNatsTransport } from '../../../lib/index.ts';

const [url, name] = process.argv.slice(2);
if (url === undefined || name === undefined) {
  console.error('usage: otel-child.ts <nats url> <network>');
  process.exit(2);
}
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
const net = createNetwork({ name, transport: createNatsTransport({ servers: url }), journal: false, health: false });
let header: string | undefined;
const handled = new Promise<void>((resolve) => {
  net.node('back', {
    handle: (s) => {
      header = s.headers['traceparent'];
      resolve();
    },
  });
});
await net.start();
process.stdout.write('ready\n');
await handled;
await net.idle();
await net.shutdown();
const spans = exporter
  .getFinishedSpans()
  .map((s) => ({ name: s.name, traceId: s.spanContext().traceId, spanId: s.spanContext().spanId, parent: s.parentSpanContext?.spanId, remote: s.parentSpanContext?.isRemote }));
process.stdout.write(`spans ${JSON.stringify({ spans, header })}\n`);

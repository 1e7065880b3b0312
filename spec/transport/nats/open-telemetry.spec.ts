/**
 * The sender's span crosses the transport: two networks of one name over a real JetStream, in
 * this process and then in a child process with its own tracer provider, A's handler emitting
 * to a node B hosts. The `traceparent` travels in the signal's headers, inside the envelope, so
 * B's handling span is a child of A's.
 */
import { trace } from '@opentelemetry/api';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Signal } from '../../../lib/index.ts';
import { parentOf, recordSpans } from '../../support/open-telemetry.ts';
import { NATS_URL, describeNats, networksPerTest, until } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

interface ChildSpans {
  readonly spans: { name: string; traceId: string; spanId: string; parent?: string; remote?: boolean }[];
  readonly header?: string;
}

/** Spawns otel-child.ts; `ready` once it consumes, `spans` with what it recorded once it handled one signal. */
function spawnTracedChild(network: string): { ready: Promise<void>; spans: Promise<ChildSpans> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'otel-child.ts'), NATS_URL, network], { cwd: join(HERE, '..', '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const spans = new Promise<ChildSpans>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) onReady();
      const m = /spans (.*)\n/.exec(out);
      if (m !== null) resolve(JSON.parse(m[1]!) as ChildSpans);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`child exited with ${code}: ${err}`))));
  });
  return { ready: Promise.race([ready, spans.then(() => undefined)]), spans };
}

describeNats('transport/nats: OpenTelemetry across two networks', () => {
  const fixture = networksPerTest('otel');
  const spans = recordSpans();

  it("makes the remote handling a child of the emitting handler's span, and a post to a remote node a child of the sender's", async () => {
    const b = fixture.network();
    const received: Signal[] = [];
    b.node('back', { handle: (s) => void received.push(s) });
    const a = fixture.network();
    a.remote('back');
    a.node('front', { handle: (_s, ctx) => void ctx.emit('back', { type: 'forwarded' }) });
    await b.start();
    await a.start();

    const request = trace.getTracer('app').startActiveSpan('request', (span) => {
      a.post('front', { type: 'incoming' });
      a.post('back', { type: 'direct' });
      span.end();
      return span;
    });
    await until(() => received.length === 2, 'both signals handled at B');
    await a.idle();
    await b.idle();

    const handlings = spans.handlings();
    const front = handlings.find((s) => s.attributes['plexus.node'] === 'front')!;
    const forwarded = handlings.find((s) => s.attributes['plexus.signal.type'] === 'forwarded')!;
    const direct = handlings.find((s) => s.attributes['plexus.signal.type'] === 'direct')!;
    expect(
      [front, forwarded, direct].every((s) => s !== undefined),
      `handling spans: ${handlings.map((s) => s.name).join(', ')}`,
    ).to.equal(true);
    const traceId = request.spanContext().traceId;
    for (const s of [front, forwarded, direct]) expect(s.spanContext().traceId, s.name).to.equal(traceId);
    expect(parentOf(front)).to.equal(request.spanContext().spanId);
    expect(parentOf(forwarded), "B's handling is a child of A's").to.equal(front.spanContext().spanId);
    expect(forwarded.parentSpanContext?.isRemote).to.equal(true);
    expect(parentOf(direct), "a post to a remote node: the sender's span is the parent").to.equal(request.spanContext().spanId);
    expect(forwarded.attributes['plexus.node']).to.equal('back');
    const header = received.find((s) => s.type === 'forwarded')!.headers['traceparent'];
    expect(header).to.equal(`00-${traceId}-${front.spanContext().spanId}-01`);
  });

  it("joins the trace in another process: the child's handling span is a child of the span that emitted to it here", async function () {
    this.timeout(60_000);
    const child = spawnTracedChild(fixture.name);
    await child.ready;
    const a = fixture.network();
    a.remote('back');
    a.node('front', { handle: (_s, ctx) => void ctx.emit('back', { type: 'forwarded' }) });
    await a.start();
    trace.getTracer('app').startActiveSpan('request', (span) => {
      a.post('front', { type: 'incoming' });
      span.end();
    });
    const recorded = await child.spans;
    await a.idle();
    const front = spans.one('process front');
    const back = recorded.spans.find((s) => s.name === 'process back');
    expect(back, `spans of the child: ${JSON.stringify(recorded.spans)}`).to.not.equal(undefined);
    expect(back!.traceId).to.equal(front.spanContext().traceId);
    expect(back!.parent).to.equal(front.spanContext().spanId);
    expect(back!.remote).to.equal(true);
    expect(recorded.header).to.equal(`00-${front.spanContext().traceId}-${front.spanContext().spanId}-01`);
  });
});

/**
 * The sender's span crosses the transport: two networks of one name over a real JetStream (as
 * two processes would be), A's handler emitting to a node B hosts. The `traceparent` travels in
 * the signal's headers, inside the envelope, so B's handling span is a child of A's.
 */
import { trace } from '@opentelemetry/api';
import { expect } from 'chai';
import type { Signal } from '../../../lib/index.ts';
import { parentOf, recordSpans } from '../../support/open-telemetry.ts';
import { describeNats, networksPerTest, until } from './support.ts';

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
});

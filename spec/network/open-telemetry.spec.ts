import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { expect } from 'chai';
import type { Signal } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';
import { parentOf, recordSpans } from '../support/open-telemetry.ts';

/** The `traceparent` a span's children carry. */
function traceparentOf(span: { spanContext(): { traceId: string; spanId: string } }): string {
  return `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
}

describe('network: OpenTelemetry, with a tracer provider registered', () => {
  const spans = recordSpans();
  const app = () => trace.getTracer('app');

  it('makes each handling a consumer span with node, partition, signal type and version, attempt and outcome', async () => {
    const { net } = testNetwork({ health: false });
    net.node('orders', { partitions: 4, handle: () => undefined });
    await net.start();
    const r = net.post('orders', { type: 'order.placed', version: '1.1', partitionKey: 'customer-7' });
    await net.idle();
    if (r.status !== 'accepted') throw new Error(`not accepted: ${r.status}`);
    const span = spans.one('process orders');
    expect(span.kind).to.equal(SpanKind.CONSUMER);
    expect(span.instrumentationScope.name).to.equal('plexus');
    expect(span.attributes).to.deep.include({
      'plexus.node': 'orders',
      'plexus.partition': r.partition,
      'plexus.signal.type': 'order.placed',
      'plexus.signal.version': '1.1',
      'plexus.attempt': 1,
      'plexus.outcome': 'completed',
      'plexus.handler': 'handle',
      'messaging.system': 'plexus',
      'messaging.destination.name': 'orders',
      'messaging.message.id': r.id,
      'messaging.message.conversation_id': r.id,
    });
    expect(span.status.code).to.equal(SpanStatusCode.UNSET);
    await net.shutdown();
  });

  it("hangs a pipeline under the sender's span: each ctx.emit's handling is a child of its emitter's, one trace across the nodes", async () => {
    const { net } = testNetwork({ health: false });
    const seen = new Map<string, Signal>();
    let handlerOwnSpan: string | undefined;
    net.node('ingest', {
      handle: (s, ctx) => {
        seen.set('ingest', s);
        ctx.emit('enrich', { type: 'enriched' });
      },
    });
    net.node('enrich', {
      handle: async (s, ctx) => {
        seen.set('enrich', s);
        // The handler's own instrumentation nests under its handling span (the span is active).
        await app().startActiveSpan('lookup', async (own) => {
          handlerOwnSpan = own.spanContext().spanId;
          own.end();
        });
        ctx.emit('store', { type: 'stored' });
      },
    });
    net.node('store', { handle: (s) => void seen.set('store', s) });
    await net.start();
    const request = app().startActiveSpan('request', (span) => {
      net.post('ingest', { type: 'raw' });
      span.end();
      return span;
    });
    await net.idle();

    const ingest = spans.one('process ingest');
    const enrich = spans.one('process enrich');
    const store = spans.one('process store');
    const traceId = request.spanContext().traceId;
    for (const s of [ingest, enrich, store, spans.one('lookup')]) expect(s.spanContext().traceId, s.name).to.equal(traceId);
    expect(parentOf(ingest), 'the sender is the first handling’s parent').to.equal(request.spanContext().spanId);
    expect(parentOf(enrich)).to.equal(ingest.spanContext().spanId);
    expect(parentOf(store)).to.equal(enrich.spanContext().spanId);
    expect(parentOf(spans.one('lookup'))).to.equal(enrich.spanContext().spanId);
    expect(handlerOwnSpan).to.equal(spans.one('lookup').spanContext().spanId);
    // What travels: the W3C header, in the signals' headers.
    expect(seen.get('ingest')!.headers['traceparent']).to.equal(traceparentOf(request));
    expect(seen.get('enrich')!.headers['traceparent']).to.equal(traceparentOf(ingest));
    expect(seen.get('store')!.headers['traceparent']).to.equal(traceparentOf(enrich));
    await net.shutdown();
  });

  it('gives a retried signal a span per attempt, siblings under its sender: the failed ones with error status', async () => {
    const { net, clock } = testNetwork({ health: false });
    let calls = 0;
    net.node('flaky', {
      retry: { maxAttempts: 3, baseDelayMs: 10, jitterMode: 'none' },
      handle: () => {
        if (++calls < 3) throw new Error(`transient ${calls}`);
      },
    });
    await net.start();
    net.post('flaky', { type: 'job' });
    await clock.advance(100);
    await net.idle();

    const attempts = spans.handlings().filter((s) => s.name === 'process flaky');
    expect(attempts.map((s) => [s.attributes['plexus.attempt'], s.attributes['plexus.outcome'], s.status.code])).to.deep.equal([
      [1, 'failed', SpanStatusCode.ERROR],
      [2, 'failed', SpanStatusCode.ERROR],
      [3, 'completed', SpanStatusCode.UNSET],
    ]);
    expect(attempts[0]!.status.message).to.equal('transient 1');
    expect(attempts[0]!.events.map((e) => e.name)).to.deep.equal(['exception']);
    // Sent from outside any span: a `send` producer span is the root they share.
    const send = spans.one('send flaky');
    expect(send.kind).to.equal(SpanKind.PRODUCER);
    expect(parentOf(send)).to.equal(undefined);
    for (const a of attempts) {
      expect(parentOf(a)).to.equal(send.spanContext().spanId);
      expect(a.spanContext().traceId).to.equal(send.spanContext().traceId);
    }
    await net.shutdown();
  });

  it('marks a failing handling as an error, a timed-out one as a timeout, and a fallback attempt as such', async () => {
    const { net, clock } = testNetwork({ health: false });
    net.node('broken', { retry: false, breaker: false, handle: () => Promise.reject(new Error('boom')) });
    net.node('slow', { retry: false, breaker: false, timeoutMs: 50, handle: () => new Promise<void>(() => undefined) });
    net.node('saved', {
      retry: false,
      breaker: false,
      handle: () => {
        throw new Error('primary down');
      },
      fallback: () => undefined,
    });
    await net.start();
    net.post('broken', { type: 'job' });
    net.post('slow', { type: 'job' });
    net.post('saved', { type: 'job' });
    await clock.advance(60);
    await net.idle();

    const broken = spans.one('process broken');
    expect(broken.attributes['plexus.outcome']).to.equal('failed');
    expect(broken.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(broken.events[0]!.attributes?.['exception.message']).to.equal('boom');
    const slow = spans.one('process slow');
    expect(slow.attributes['plexus.outcome']).to.equal('timeout');
    expect(slow.status.code).to.equal(SpanStatusCode.ERROR);
    const saved = spans.handlings().filter((s) => s.name === 'process saved');
    expect(saved.map((s) => [s.attributes['plexus.handler'], s.attributes['plexus.attempt'], s.attributes['plexus.outcome']])).to.deep.equal([
      ['handle', 1, 'failed'],
      ['fallback', 2, 'completed'],
    ]);
    expect(net.dlq.size, 'broken and slow are dead letters').to.equal(2);
    await net.shutdown();
  });

  it("gives a child its handler's span whatever its draft says, and keeps a sender's own traceparent and tracestate", async () => {
    const { net } = testNetwork({ health: false });
    const seen: Signal[] = [];
    const forged = '00-11111111111111111111111111111111-2222222222222222-01';
    net.node('relay', {
      handle: (s, ctx) => {
        seen.push(s);
        ctx.emit('sink', { type: 'child', headers: { traceparent: forged, tracestate: 'x=1', other: 'kept' } });
      },
    });
    net.node('sink', { handle: (s) => void seen.push(s) });
    await net.start();
    const upstream = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    net.post('relay', { type: 'from-http', headers: { traceparent: upstream, tracestate: 'vendor=abc' } });
    await net.idle();

    const relay = spans.one('process relay');
    expect(seen[0]!.headers).to.deep.equal({ traceparent: upstream, tracestate: 'vendor=abc' });
    expect(relay.spanContext().traceId).to.equal('0af7651916cd43dd8448eb211c80319c');
    expect(parentOf(relay)).to.equal('b7ad6b7169203331');
    expect(relay.parentSpanContext?.isRemote).to.equal(true);
    expect(relay.parentSpanContext?.traceState?.get('vendor')).to.equal('abc');
    expect(seen[1]!.headers, 'the forged parent and its state are replaced; other headers stay').to.deep.equal({ traceparent: traceparentOf(relay), tracestate: 'vendor=abc', other: 'kept' });
    expect(parentOf(spans.one('process sink'))).to.equal(relay.spanContext().spanId);
    expect(
      spans.all().some((s) => s.name.startsWith('send')),
      'no send span: the sender named its parent',
    ).to.equal(false);
    await net.shutdown();
  });

  it('starts a new trace for a traceparent that is not one, and traces a node added while the network runs', async () => {
    const { net } = testNetwork({ health: false });
    net.node('first', { handle: () => undefined });
    await net.start();
    net.node('later', { handle: () => undefined });
    net.post('first', { type: 'job', headers: { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' } });
    net.post('later', { type: 'job', headers: { traceparent: 'not a traceparent' } });
    await net.idle();
    expect(parentOf(spans.one('process first'))).to.equal(undefined);
    expect(parentOf(spans.one('process later'))).to.equal(undefined);
    await net.shutdown();
  });

  it('refuses an invalid emit with the same error as without tracing (trace headers go through the header rules)', async () => {
    const drafts = [
      '{"type":"x","headers":{"__proto__":"polluted"}}',
      `{"type":"x","headers":{"long":"${'v'.repeat(1025)}"}}`,
      '{"type":"x","partitonKey":"typo"}',
      '{"type":"x","headers":"not an object"}',
    ];
    const refusals = async (): Promise<string[]> => {
      const { net } = testNetwork({ health: false });
      const issues: string[] = [];
      net.node('bad', {
        retry: false,
        handle: (_s, ctx) => {
          for (const draft of drafts) {
            try {
              ctx.emit('bad', JSON.parse(draft) as { type: string });
            } catch (e) {
              issues.push(`${(e as { code?: string }).code}: ${(e as { cause?: { message?: string } }).cause?.message}`);
            }
          }
        },
      });
      await net.start();
      net.post('bad', { type: 'go' });
      await net.idle();
      await net.shutdown();
      return issues;
    };
    const traced = await refusals();
    expect(traced).to.have.length(4);
    expect(traced[0]).to.match(/PLEXUS_EMIT_REFUSED: header "__proto__" is not allowed/);
    expect(spans.handlings().length, 'the handling was traced').to.equal(1);
    trace.disable();
    expect(await refusals(), 'the same refusals without a provider').to.deep.equal(traced);
  });
});

describe('network: OpenTelemetry, with no tracer provider registered', () => {
  it('changes nothing: no trace header on a signal sent from outside or emitted by a handler', async () => {
    const { net } = testNetwork({ health: false });
    const seen: Signal[] = [];
    net.node('a', {
      handle: (s, ctx) => {
        seen.push(s);
        ctx.emit('b', { type: 'child' });
      },
    });
    net.node('b', { handle: (s) => void seen.push(s) });
    await net.start();
    net.post('a', { type: 'go' });
    await net.idle();
    expect(seen.map((s) => s.headers)).to.deep.equal([{}, {}]);
    await net.shutdown();
  });
});

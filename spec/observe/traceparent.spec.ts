import { expect } from 'chai';
import { draftWithTraceHeaders, formatTraceparent, namesTraceparent, parseTraceparent, traceHeaders } from '../../lib/observe/traceparent.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

describe('observe: W3C traceparent', () => {
  it('reads a version-00 value and writes it back the same', () => {
    const value = `00-${TRACE}-${SPAN}-01`;
    expect(parseTraceparent(value)).to.deep.equal({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
    expect(formatTraceparent(parseTraceparent(value)!)).to.equal(value);
    expect(formatTraceparent({ traceId: TRACE, spanId: SPAN, traceFlags: 0 })).to.equal(`00-${TRACE}-${SPAN}-00`);
  });

  it('refuses what the W3C rules refuse, and takes a later version with more fields', () => {
    for (const bad of [
      undefined,
      '',
      `00-${TRACE.toUpperCase()}-${SPAN}-01`,
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `00-${TRACE}-${SPAN}-01-extra`,
      `00-${TRACE}-${SPAN}`,
      ` 00-${TRACE}-${SPAN}-01`,
      `00-${TRACE.slice(1)}-${SPAN}-01`,
    ]) {
      expect(parseTraceparent(bad), String(bad)).to.equal(undefined);
    }
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-03-what-comes-later`)).to.deep.equal({ traceId: TRACE, spanId: SPAN, traceFlags: 3 });
  });

  it('leaves out a tracestate too long for a header value, so that the signal is not refused for it', () => {
    const p = { traceId: TRACE, spanId: SPAN, traceFlags: 1 };
    expect(traceHeaders(p, 'a=1')).to.deep.equal({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'a=1' });
    expect(traceHeaders(p, `a=${'x'.repeat(1024)}`)).to.deep.equal({ traceparent: `00-${TRACE}-${SPAN}-01` });
    expect(traceHeaders(p, '')).to.deep.equal({ traceparent: `00-${TRACE}-${SPAN}-01` });
  });

  it('adds trace headers to a copy of a draft, replacing its own, and passes an invalid draft on as it is', () => {
    const trace = { traceparent: `00-${TRACE}-${SPAN}-01` };
    const draft = { type: 't', headers: { traceparent: 'old', tracestate: 'old=1', keep: 'me' } };
    const traced = draftWithTraceHeaders(draft, trace);
    expect(traced).to.deep.equal({ type: 't', headers: { keep: 'me', traceparent: trace.traceparent } });
    expect(draft.headers.traceparent, "the caller's draft is untouched").to.equal('old');
    expect(draftWithTraceHeaders({ type: 't' }, trace)).to.deep.equal({ type: 't', headers: trace });
    const notObject = { type: 't', headers: 'nope' as unknown as Record<string, string> };
    expect(draftWithTraceHeaders(notObject, trace)).to.equal(notObject);
    const throwing = {
      type: 't',
      get headers(): Record<string, string> {
        throw new Error('getter');
      },
    };
    expect(draftWithTraceHeaders(throwing, trace)).to.equal(throwing);
    expect(namesTraceparent(draft)).to.equal(true);
    expect(namesTraceparent({ type: 't', headers: { other: 'x' } })).to.equal(false);
    expect(namesTraceparent(throwing)).to.equal(false);
  });
});

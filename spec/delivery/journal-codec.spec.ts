import { expect } from 'chai';
import { OVERFLOW, writeJson, writeString } from '../../lib/delivery/json-writer.ts';
import { CHUNK_BYTES, RecordBuffer } from '../../lib/delivery/record-buffer.ts';
import { decodeRecord, type JournalRecord } from '../../lib/delivery/record-decode.ts';
import { checkEnvelope, writeAccept, writeAcceptSettled, writeSettle } from '../../lib/delivery/signal-codec.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { appendHop, SignalEnvelope } from '../../lib/signal/envelope.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 8 * 1024 * 1024, maxDepth: 64 };

/** What `writeJson` wrote for `v`, as text. */
function json(v: unknown, room = 1 << 16): string {
  const buf = Buffer.alloc(room);
  const end = writeJson(buf, 0, room, v);
  expect(end, 'fits').to.be.at.least(0);
  return buf.toString('utf8', 0, end);
}

/** The lines a RecordBuffer holds, decoded. */
function lines(out: RecordBuffer): (JournalRecord | undefined)[] {
  const text = Buffer.concat(out.take().slices).toString('utf8');
  expect(text.endsWith('\n')).to.equal(true);
  return text.slice(0, -1).split('\n').map(decodeRecord);
}

class Point {
  constructor(readonly x: number) {}
}

describe('delivery/json-writer', () => {
  const strings = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\r\b\f', '\u0000\u0001\u001f\u007f', 'é ü ß', '€ 中文', '😀 pair', 'lone \ud800 high', 'lone \udc00 low', 'ends high \ud83d', '\ud83d\ude00\ud83d'];
  const numbers = [0, -0, 1, -1, 42, 2 ** 31 - 1, -(2 ** 31) + 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, 1e21, 1.5, -0.1, 1e-7, 1 / 3, 1_700_000_000_000.123, NaN, Infinity, -Infinity];

  it('writes exactly what JSON.stringify writes, for strings, numbers and plain data', () => {
    for (const s of strings) expect(json(s), JSON.stringify(s)).to.equal(JSON.stringify(s));
    for (const n of numbers) expect(json(n), String(n)).to.equal(JSON.stringify(n));
    const values: unknown[] = [
      null, true, false, [], {}, [1, 'a', null, true],
      { n: 1, t0: 0 }, { b: 2, a: 1, 10: 'x', 2: 'y' }, { nested: { deep: [1, [2, [3, { k: 'v' }]]] } },
      { skip: undefined, fn: () => 1, sym: Symbol('s'), kept: 1 }, [undefined, () => 1, Symbol('s')], [1, , 3],
      Object.assign(Object.create(null) as object, { bare: true }), { date: new Date(0) }, { point: new Point(3) },
      { withToJSON: { toJSON: () => ({ replaced: true }) } }, { [strings[2]!]: strings[7] }, { '': 'empty key' },
    ];
    for (const v of values) expect(json(v), JSON.stringify(v)).to.equal(JSON.stringify(v));
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = { d: deep, i };
    expect(json(deep)).to.equal(JSON.stringify(deep));
  });

  it('throws what JSON.stringify throws, and refuses what it would leave out', () => {
    expect(() => json({ big: 1n })).to.throw(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => json(cycle)).to.throw(TypeError);
    expect(() => json(undefined)).to.throw(TypeError);
    expect(() => json(() => 1)).to.throw(TypeError);
  });

  it('reports OVERFLOW rather than write past its room', () => {
    const value = { text: strings.join('|'), list: numbers.filter(Number.isFinite) };
    const full = Buffer.from(JSON.stringify(value));
    for (let room = 0; room < full.length + 8; room++) {
      const buf = Buffer.alloc(room + 16, 0xee);
      const end = writeJson(buf, 0, room, value);
      expect(buf.subarray(room).every((b) => b === 0xee), `room ${room}`).to.equal(true);
      if (end !== OVERFLOW) expect(buf.subarray(0, end).equals(full)).to.equal(true);
    }
    expect(writeString(Buffer.alloc(8), 0, 8, 'too long for it')).to.equal(OVERFLOW);
  });
});

describe('delivery/signal-codec', () => {
  let t = 1_763_800_000_000.125;
  const signal = (payload: unknown, extra: Record<string, unknown> = {}): Signal => createSignal({ type: 'job', payload, ...extra }, 'worker', (t += 0.37), LIMITS);
  const hop = (s: Signal, outcome: 'completed' | 'failed', at: number): void => appendHop(s, { node: s.target, partition: 3, attempt: s.hops.length + 1, startedAt: at - 0.0123, finishedAt: at, outcome });

  it('round-trips accept records: every field, exact fractional times, frozen envelopes', () => {
    const full = signal({ t: 21.5, unit: '°C', list: [1, { x: null }] }, { source: 'edge "1"', partitionKey: 'k\n7', idempotencyKey: 'ü-1', correlationId: 'c-1', causationId: 'p-1', urgency: 0.7, headers: { tenant: 'ü', 'x-"q"': 'v\\' }, version: '2.0' });
    hop(full, 'failed', t + 0.5);
    const bare = signal(undefined);
    const out = new RecordBuffer();
    writeAccept(out, full);
    writeAccept(out, bare);
    const [a, b] = lines(out);
    expect(a?.op).to.equal('accept');
    const back = (a as { signal: Signal }).signal;
    expect(back).to.be.instanceOf(SignalEnvelope);
    expect(Object.isFrozen(back)).to.equal(true);
    expect(JSON.parse(JSON.stringify(back))).to.deep.equal(JSON.parse(JSON.stringify(full)));
    expect(back.createdAt).to.equal(full.createdAt);
    expect(back.hops[0]!.startedAt).to.equal(full.hops[0]!.startedAt);
    const bareBack = (b as { signal: Signal }).signal;
    expect([bareBack.partitionKey, bareBack.idempotencyKey, bareBack.correlationId]).to.deep.equal([bare.id, bare.id, bare.id]);
    expect(bareBack.payload).to.equal(undefined);
  });

  it('writes each time as the 16 hex digits of its IEEE-754 bits, most significant first', () => {
    const times = [1_763_800_000_000.125, 1_763_800_000_001.1, 1_763_800_000_002 + 1 / 3];
    const hex = (x: number): string => {
      const v = new DataView(new ArrayBuffer(8));
      v.setFloat64(0, x);
      return v.getBigUint64(0).toString(16).padStart(16, '0');
    };
    for (const at of times) {
      const s = createSignal({ type: 'job' }, 'worker', at, LIMITS);
      const out = new RecordBuffer();
      writeAccept(out, s);
      const text = out.take().slices.map((b) => b.toString()).join('');
      expect((JSON.parse(text) as { times: string }).times).to.equal(hex(at));
    }
  });

  it('round-trips settle records, with `at` left out only when it is the last hop finish', () => {
    const s = signal({ n: 1 });
    hop(s, 'failed', t + 1);
    hop(s, 'completed', t + 2);
    const out = new RecordBuffer();
    const [deadAt, bareAt] = [t + 3.5, t + 4.25];
    writeSettle(out, s, 'completed', s.hops[1]!.finishedAt);
    writeSettle(out, s, 'dead-lettered', deadAt);
    const bare = signal(1);
    writeSettle(out, bare, 'completed', bareAt);
    const text = Buffer.concat(out.take().slices).toString('utf8');
    const raw = text.trim().split('\n').map((l) => JSON.parse(l) as { id: string; outcome: string; times: string });
    expect(raw.map((r) => r.times.length)).to.deep.equal([64, 80, 16]);
    expect(raw.map((r) => [r.id, r.outcome])).to.deep.equal([[s.id, 'completed'], [s.id, 'dead-lettered'], [bare.id, 'completed']]);
    const [a, b, c] = text.trim().split('\n').map(decodeRecord);
    expect(a).to.deep.include({ op: 'settle', id: s.id, outcome: 'completed', at: s.hops[1]!.finishedAt });
    expect(JSON.parse(JSON.stringify((a as { hops: unknown }).hops))).to.deep.equal(JSON.parse(JSON.stringify(s.hops)));
    expect(b).to.deep.include({ outcome: 'dead-lettered', at: deadAt });
    expect(c).to.deep.include({ at: bareAt, hops: [] });
  });

  it('round-trips accept records that carry their end: outcome, history, `at` apart only when needed', () => {
    const s = signal({ n: 1 });
    hop(s, 'failed', t + 1);
    hop(s, 'completed', t + 2);
    const bare = signal('x');
    const out = new RecordBuffer();
    writeAcceptSettled(out, s, s.hops, 'completed', s.hops[1]!.finishedAt);
    writeAcceptSettled(out, s, s.hops, 'dead-lettered', t + 7.5);
    writeAcceptSettled(out, bare, bare.hops, 'dead-lettered', t + 9.25);
    const text = Buffer.concat(out.take().slices).toString('utf8');
    const raw = text.trim().split('\n').map((l) => JSON.parse(l) as { op: string; outcome: string; times: string });
    expect(raw.map((r) => [r.op, r.outcome, r.times.length / 16])).to.deep.equal([['accept', 'completed', 5], ['accept', 'dead-lettered', 6], ['accept', 'dead-lettered', 2]]);
    const [a, b, c] = text.trim().split('\n').map(decodeRecord) as Array<{ op: string; signal: Signal; outcome: string; at: number }>;
    expect([a!.op, a!.outcome, a!.at]).to.deep.equal(['accept-settled', 'completed', s.hops[1]!.finishedAt]);
    expect(JSON.parse(JSON.stringify(a!.signal))).to.deep.equal(JSON.parse(JSON.stringify(s)));
    expect([b!.outcome, b!.at]).to.deep.equal(['dead-lettered', t + 7.5]);
    expect(JSON.parse(JSON.stringify(b!.signal.hops))).to.deep.equal(JSON.parse(JSON.stringify(s.hops)));
    expect([c!.outcome, c!.at, c!.signal.hops.length, c!.signal.payload]).to.deep.equal(['dead-lettered', t + 9.25, 0, 'x']);
    // Without hops the end must be there apart: a record that lacks it is not one.
    expect(decodeRecord(text.trim().split('\n')[2]!.replace(/("times":"[0-9a-f]{16})[0-9a-f]{16}/, '$1'))).to.equal(undefined);
  });

  it('checks an envelope without encoding it, as the encoder would refuse it', () => {
    expect(() => checkEnvelope(signal({ n: 1 }))).to.not.throw();
    const bad = [
      new SignalEnvelope('b-1', 42 as unknown as string, '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({})),
      new SignalEnvelope('b-2', 't', '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, Number.NaN, Object.freeze({})),
      new SignalEnvelope('b-3', 't', '1.0', 1, 7 as unknown as string, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({})),
      new SignalEnvelope('b-4', 't', '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 'now' as unknown as number, 0.5, Object.freeze({})),
      new SignalEnvelope('b-5', 't', '1.0', 1, undefined, 'w', 'k', 'i', 'c', undefined, 1, 0.5, null as unknown as Record<string, string>),
    ];
    for (const s of bad) expect(() => checkEnvelope(s), s.id).to.throw(TypeError);
  });

  it('round-trips many targets, types, urgencies and headers (the cached parts stay right)', () => {
    const out = new RecordBuffer();
    const all: Signal[] = [];
    for (let i = 0; i < 600; i++) {
      const s = createSignal({ type: `t${i % 11}`, version: `${i % 3}.0`, payload: i, urgency: (i % 5) / 4, headers: i % 4 === 0 ? { n: String(i) } : {}, ...(i % 7 === 0 ? {} : { source: `s${i % 2}` }) }, `node-${i % 13}`, (t += 1), LIMITS);
      all.push(s);
      writeAccept(out, s);
    }
    const back = lines(out).map((r) => (r as { signal: Signal }).signal);
    expect(JSON.parse(JSON.stringify(back))).to.deep.equal(JSON.parse(JSON.stringify(all)));
  });

  it('writes records larger than a chunk, and across chunk boundaries, whole', () => {
    const out = new RecordBuffer();
    const big = signal({ blob: 'x'.repeat(CHUNK_BYTES + 1000), ü: 'é'.repeat(5000) });
    const small = Array.from({ length: 3000 }, (_, i) => signal({ i, pad: 'y'.repeat(400) }));
    for (const s of small.slice(0, 1500)) writeAccept(out, s);
    writeAccept(out, big);
    for (const s of small.slice(1500)) writeAccept(out, s);
    const back = lines(out).map((r) => (r as { signal: Signal }).signal);
    expect(back.map((s) => s.id)).to.deep.equal([...small.slice(0, 1500), big, ...small.slice(1500)].map((s) => s.id));
    expect(back[1500]!.payload).to.deep.equal(big.payload);
  });

  it('refuses (writing nothing) a payload JSON cannot carry', () => {
    const out = new RecordBuffer();
    writeAccept(out, signal(1));
    const bad = new SignalEnvelope('id-bad', 'job', '1.0', { n: 10n }, undefined, 'w', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({}));
    expect(() => writeAccept(out, bad)).to.throw(TypeError);
    expect(lines(out)).to.have.length(1);
  });

  it('reads the older format (times as numbers, every key written)', () => {
    const accept = '{"op":"accept","signal":{"id":"a-1","type":"job","version":"1.0","payload":{"n":1},"target":"w","partitionKey":"k","idempotencyKey":"i","correlationId":"c","createdAt":1700000000000.5,"urgency":0.5,"headers":{},"hops":[{"node":"w","partition":0,"attempt":1,"startedAt":1,"finishedAt":2,"outcome":"failed"}]}}';
    const settle = '{"op":"settle","id":"a-1","outcome":"completed","at":3,"hops":[{"node":"w","partition":0,"attempt":1,"startedAt":1,"finishedAt":2.5,"outcome":"completed"}]}';
    const a = decodeRecord(accept) as { signal: Signal };
    expect(a.signal).to.deep.include({ id: 'a-1', partitionKey: 'k', createdAt: 1700000000000.5 });
    expect(a.signal.hops[0]).to.deep.include({ finishedAt: 2, outcome: 'failed' });
    expect(decodeRecord(settle)).to.deep.include({ op: 'settle', id: 'a-1', at: 3 });
  });

  it('decodes nothing from a torn or garbled line', () => {
    const out = new RecordBuffer();
    const s = signal({ n: 1 });
    hop(s, 'completed', t + 1);
    writeAccept(out, s);
    writeSettle(out, s, 'completed', t + 9);
    for (const line of Buffer.concat(out.take().slices).toString('utf8').trim().split('\n')) {
      for (let cut = 0; cut < line.length; cut++) expect(decodeRecord(line.slice(0, cut)), line.slice(0, cut)).to.equal(undefined);
      expect(decodeRecord(line.replace(/"times":"[0-9a-f]/, '"times":"'))).to.equal(undefined);
      expect(decodeRecord(line.replace(/"times":"./, '"times":"z'))).to.equal(undefined);
      expect(decodeRecord(line.replace(/"times":"[0-9a-f]{16}/, '"times":"').replace('"hops":[', '"hops":[{},'))).to.equal(undefined);
    }
  });
});

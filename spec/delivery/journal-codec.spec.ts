import { expect } from 'chai';
import { OVERFLOW, writeJson, writeString } from '../../lib/delivery/json-writer.ts';
import { CHUNK_BYTES, RecordBuffer } from '../../lib/delivery/record-buffer.ts';
import { decodeRecord, type JournalRecord, type Shapes } from '../../lib/delivery/record-decode.ts';
import { ShapeTable } from '../../lib/delivery/shape-table.ts';
import { checkEnvelope, writeAccept, writeAcceptSettled, writeSettle, writeShape } from '../../lib/delivery/signal-codec.ts';
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

/** The text a RecordBuffer holds, as lines. */
function textLines(out: RecordBuffer): string[] {
  const text = Buffer.concat(out.take().slices).toString('utf8');
  expect(text.endsWith('\n')).to.equal(true);
  return text.slice(0, -1).split('\n');
}

/** The records a RecordBuffer holds, decoded in order as a scan does (shape lines read, not returned). */
function lines(out: RecordBuffer, shapes: Shapes = new Map()): (JournalRecord | undefined)[] {
  return textLines(out)
    .map((l) => decodeRecord(l, shapes))
    .filter((r) => r?.op !== 'shape');
}

/** A buffer and the shape table that announces into it, as a FileJournal has them. */
function journalBuffer(maxShapes?: number): { out: RecordBuffer; shapes: ShapeTable } {
  const out = new RecordBuffer();
  return { out, shapes: new ShapeTable((shape) => writeShape(out, shape), maxShapes) };
}

class Point {
  constructor(readonly x: number) {}
}

describe('delivery/json-writer', () => {
  const strings = [
    '',
    'plain',
    'quote " and \\ backslash',
    'tab\tnew\nline\r\b\f',
    '\u0000\u0001\u001f\u007f',
    'é ü ß',
    '€ 中文',
    '😀 pair',
    'lone \ud800 high',
    'lone \udc00 low',
    'ends high \ud83d',
    '\ud83d\ude00\ud83d',
  ];
  const numbers = [0, -0, 1, -1, 42, 2 ** 31 - 1, -(2 ** 31) + 1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, 1e21, 1.5, -0.1, 1e-7, 1 / 3, 1_700_000_000_000.123, NaN, Infinity, -Infinity];

  it('writes exactly what JSON.stringify writes, for strings, numbers and plain data', () => {
    for (const s of strings) expect(json(s), JSON.stringify(s)).to.equal(JSON.stringify(s));
    for (const n of numbers) expect(json(n), String(n)).to.equal(JSON.stringify(n));
    const values: unknown[] = [
      null,
      true,
      false,
      [],
      {},
      [1, 'a', null, true],
      { n: 1, t0: 0 },
      { b: 2, a: 1, 10: 'x', 2: 'y' },
      { nested: { deep: [1, [2, [3, { k: 'v' }]]] } },
      { skip: undefined, fn: () => 1, sym: Symbol('s'), kept: 1 },
      [undefined, () => 1, Symbol('s')],
      // biome-ignore lint/suspicious/noSparseArray: a hole is written as null, like JSON.stringify does
      [1, , 3],
      Object.assign(Object.create(null) as object, { bare: true }),
      { date: new Date(0) },
      { point: new Point(3) },
      { withToJSON: { toJSON: () => ({ replaced: true }) } },
      { [strings[2]!]: strings[7] },
      { '': 'empty key' },
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
      expect(
        buf.subarray(room).every((b) => b === 0xee),
        `room ${room}`,
      ).to.equal(true);
      if (end !== OVERFLOW) expect(buf.subarray(0, end).equals(full)).to.equal(true);
    }
    expect(writeString(Buffer.alloc(8), 0, 8, 'too long for it')).to.equal(OVERFLOW);
  });
});

describe('delivery/signal-codec', () => {
  let t = 1_763_800_000_000.125;
  const signal = (payload: unknown, extra: Record<string, unknown> = {}): Signal => createSignal({ type: 'job', payload, ...extra }, 'worker', (t += 0.37), LIMITS);
  const hop = (s: Signal, outcome: 'completed' | 'failed', at: number): void =>
    appendHop(s, { node: s.target, partition: 3, attempt: s.hops.length + 1, startedAt: at - 0.0123, finishedAt: at, outcome });
  const same = (a: unknown, b: unknown): void => void expect(JSON.parse(JSON.stringify(a))).to.deep.equal(JSON.parse(JSON.stringify(b)));

  it('round-trips accept records: every field, exact fractional times, frozen envelopes', () => {
    const full = signal(
      { t: 21.5, unit: '°C', list: [1, { x: null }] },
      { source: 'edge "1"', partitionKey: 'k\n7', idempotencyKey: 'ü-1', correlationId: 'c-1', causationId: 'p-1', urgency: 0.7, headers: { tenant: 'ü', 'x-"q"': 'v\\' }, version: '2.0' },
    );
    hop(full, 'failed', t + 0.5);
    appendHop(full, { node: 'elsewhere', partition: 0, attempt: 2, startedAt: t + 0.6, finishedAt: t + 0.7, outcome: 'timeout' });
    const bare = signal(undefined);
    const { out, shapes } = journalBuffer();
    writeAccept(out, shapes, full);
    writeAccept(out, shapes, bare);
    const [a, b] = lines(out);
    expect(a?.op).to.equal('accept');
    const back = (a as { signal: Signal }).signal;
    expect(back).to.be.instanceOf(SignalEnvelope);
    expect(Object.isFrozen(back)).to.equal(true);
    same(back, full);
    expect(back.createdAt).to.equal(full.createdAt);
    expect(back.hops[1]!.startedAt).to.equal(full.hops[1]!.startedAt);
    const bareBack = (b as { signal: Signal }).signal;
    expect([bareBack.partitionKey, bareBack.idempotencyKey, bareBack.correlationId, bareBack.causationId]).to.deep.equal([bare.id, bare.id, bare.id, undefined]);
    expect(bareBack.payload).to.equal(undefined);
    expect('payload' in JSON.parse(JSON.stringify(bareBack))).to.equal(false);
  });

  it('writes a shape once, before the first record that uses it, and a record by position in about 130 bytes', () => {
    const { out, shapes } = journalBuffer();
    const s = createSignal({ type: 'job', payload: { n: 1, t0: 0 }, partitionKey: 'k0', idempotencyKey: 'id-0' }, 'worker', 1_763_800_000_000.5, LIMITS);
    hop(s, 'completed', s.createdAt + 1);
    writeAcceptSettled(out, shapes, s, s.hops, 'completed', s.hops[0]!.finishedAt);
    writeAccept(out, shapes, signal(2));
    const text = textLines(out);
    expect(text).to.have.length(3);
    expect(JSON.parse(text[0]!)).to.deep.equal(['s', 0, 'job', '1.0', 'worker', 0.5, 0]);
    const record = JSON.parse(text[1]!) as unknown[];
    expect(record.slice(0, 9)).to.deep.equal([1, 0, s.id, 'k0', 'id-0', 0, 0, 0, [[0, 3, 1, 0]]]);
    expect(record[10]).to.deep.equal({ n: 1, t0: 0 });
    expect(Buffer.byteLength(text[1]!)).to.be.below(140);
    expect((JSON.parse(text[2]!) as unknown[])[1]).to.equal(0);
    // Without its shape line, a record means nothing.
    expect(decodeRecord(text[1]!)).to.equal(undefined);
  });

  it('writes each time as the base64url of its IEEE-754 bits, most significant first (11 characters)', () => {
    const times = [1_763_800_000_000.125, 1_763_800_000_001.1, 1_763_800_000_002 + 1 / 3, 1e12 + 2 ** -12];
    const base64 = (x: number): string => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(x);
      return b.toString('base64url');
    };
    for (const at of times) {
      const { out, shapes } = journalBuffer();
      writeAccept(out, shapes, createSignal({ type: 'job' }, 'worker', at, LIMITS));
      expect((JSON.parse(textLines(out)[1]!) as unknown[])[9]).to.equal(base64(at));
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
    const text = textLines(out);
    const raw = text.map((l) => JSON.parse(l) as [number, string, unknown[], string]);
    expect(raw.map((r) => [r[0], r[1], r[3].length / 11])).to.deep.equal([
      [3, s.id, 4],
      [4, s.id, 5],
      [3, bare.id, 1],
    ]);
    expect(raw[0]![2]).to.deep.equal([
      ['worker', 3, 1, 'failed'],
      ['worker', 3, 2, 0],
    ]);
    const [a, b, c] = text.map((l) => decodeRecord(l));
    expect(a).to.deep.include({ op: 'settle', id: s.id, outcome: 'completed', at: s.hops[1]!.finishedAt });
    same((a as { hops: unknown }).hops, s.hops);
    expect(b).to.deep.include({ outcome: 'dead-lettered', at: deadAt });
    expect(c).to.deep.include({ at: bareAt, hops: [] });
  });

  it('round-trips accept records that carry their end: outcome, history, `at` apart only when needed', () => {
    const s = signal({ n: 1 });
    hop(s, 'failed', t + 1);
    hop(s, 'completed', t + 2);
    const bare = signal('x');
    const { out, shapes } = journalBuffer();
    writeAcceptSettled(out, shapes, s, s.hops, 'completed', s.hops[1]!.finishedAt);
    writeAcceptSettled(out, shapes, s, s.hops, 'dead-lettered', t + 7.5);
    writeAcceptSettled(out, shapes, bare, bare.hops, 'dead-lettered', t + 9.25);
    const text = textLines(out);
    const raw = text.slice(1).map((l) => JSON.parse(l) as unknown[]);
    expect(raw.map((r) => [r[0], (r[9] as string).length / 11])).to.deep.equal([
      [1, 5],
      [2, 6],
      [2, 2],
    ]);
    const shapesRead: Shapes = new Map();
    const [, a, b, c] = text.map((l) => decodeRecord(l, shapesRead)) as Array<{ op: string; signal: Signal; outcome: string; at: number }>;
    expect([a!.op, a!.outcome, a!.at]).to.deep.equal(['accept-settled', 'completed', s.hops[1]!.finishedAt]);
    same(a!.signal, s);
    expect([b!.outcome, b!.at]).to.deep.equal(['dead-lettered', t + 7.5]);
    same(b!.signal.hops, s.hops);
    expect([c!.outcome, c!.at, c!.signal.hops.length, c!.signal.payload]).to.deep.equal(['dead-lettered', t + 9.25, 0, 'x']);
    // Without hops the end must be there apart: a record that lacks it is not one.
    const lastTimeCut = JSON.parse(text[3]!) as unknown[];
    lastTimeCut[9] = (lastTimeCut[9] as string).slice(0, 11);
    expect(decodeRecord(JSON.stringify(lastTimeCut), shapesRead)).to.equal(undefined);
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

  it("round-trips many targets, types, urgencies, sources and headers; past the table's size, shapes go inline", () => {
    for (const maxShapes of [4096, 20]) {
      const { out, shapes } = journalBuffer(maxShapes);
      const all: Signal[] = [];
      for (let i = 0; i < 600; i++) {
        const s = createSignal(
          { type: `t${i % 11}`, version: `${i % 3}.0`, payload: i, urgency: (i % 5) / 4, headers: i % 4 === 0 ? { n: String(i) } : {}, ...(i % 7 === 0 ? {} : { source: `s${i % 2}` }) },
          `node-${i % 13}`,
          (t += 1),
          LIMITS,
        );
        all.push(s);
        writeAccept(out, shapes, s);
      }
      const text = textLines(out);
      const shapeLines = text.filter((l) => l.startsWith('["s"'));
      expect(shapeLines, `max ${maxShapes}`).to.have.length(Math.min(maxShapes, shapes.shapes.length));
      if (maxShapes === 20) expect(text.filter((l) => /^\[0,\["/.test(l)).length).to.be.above(0);
      const read: Shapes = new Map();
      const back = text
        .map((l) => decodeRecord(l, read))
        .filter((r) => r?.op === 'accept')
        .map((r) => (r as { signal: Signal }).signal);
      same(back, all);
    }
  });

  it('writes records larger than a chunk, and across chunk boundaries, whole', () => {
    const { out, shapes } = journalBuffer();
    const big = signal({ blob: 'x'.repeat(CHUNK_BYTES + 1000), ü: 'é'.repeat(5000) });
    const small = Array.from({ length: 3000 }, (_, i) => signal({ i, pad: 'y'.repeat(400) }));
    for (const s of small.slice(0, 1500)) writeAccept(out, shapes, s);
    writeAccept(out, shapes, big);
    for (const s of small.slice(1500)) writeAccept(out, shapes, s);
    const back = lines(out).map((r) => (r as { signal: Signal }).signal);
    expect(back.map((s) => s.id)).to.deep.equal([...small.slice(0, 1500), big, ...small.slice(1500)].map((s) => s.id));
    expect(back[1500]!.payload).to.deep.equal(big.payload);
  });

  it('refuses (writing no record) a payload JSON cannot carry', () => {
    const { out, shapes } = journalBuffer();
    writeAccept(out, shapes, signal(1));
    const bad = new SignalEnvelope('id-bad', 'job', '1.0', { n: 10n }, undefined, 'worker', 'k', 'i', 'c', undefined, 1, 0.5, Object.freeze({}));
    expect(() => writeAccept(out, shapes, bad)).to.throw(TypeError);
    expect(lines(out)).to.have.length(1);
  });

  it('decodes nothing from a line of another form: JSON objects, as unreleased versions wrote them', () => {
    const objectLines = [
      '{"op":"accept","signal":{"id":"019aaaac-2600-75e0-9f07-eec2e28db325","partitionKey":"k1","idempotencyKey":"i-1","type":"job","version":"1.0","source":"src","target":"worker","urgency":0.5,"headers":{"tenant":"t"},"payload":{"n":1},"hops":[]},"times":"4279aaaac2600200"}',
      '{"op":"settle","id":"019aaaac-2600-75e0-9f07-eec2e28db325","outcome":"completed","hops":[{"node":"worker","partition":2,"attempt":1,"outcome":"completed"}],"times":"4279aaaac26014004279aaaac2602800"}',
      '{"op":"accept","signal":{"id":"a-1","type":"job","version":"1.0","payload":{"n":1},"target":"w","partitionKey":"k","idempotencyKey":"i","correlationId":"c","createdAt":1700000000000.5,"urgency":0.5,"headers":{},"hops":[]}}',
      '{"op":"settle","id":"a-1","outcome":"completed","at":3,"hops":[]}',
    ];
    expect(objectLines.map((l) => decodeRecord(l))).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it('decodes nothing from a torn or garbled line', () => {
    const { out, shapes } = journalBuffer();
    const s = signal({ n: 1 });
    hop(s, 'completed', t + 1);
    writeAccept(out, shapes, s);
    writeSettle(out, s, 'completed', t + 9);
    const [shapeLine, ...records] = textLines(out);
    const read: Shapes = new Map();
    expect(decodeRecord(shapeLine!, read)).to.deep.equal({ op: 'shape', n: 0 });
    for (const line of [shapeLine!, ...records]) {
      for (let cut = 0; cut < line.length; cut++) expect(decodeRecord(line.slice(0, cut), new Map(read)), line.slice(0, cut)).to.equal(undefined);
    }
    for (const line of records) {
      expect(decodeRecord(line, read), line).to.not.equal(undefined);
      const a = JSON.parse(line) as unknown[];
      const at = a.findIndex((x) => typeof x === 'string' && x.length % 11 === 0 && x !== a[1]);
      const withTimes = (times: string): string => JSON.stringify(a.map((x, i) => (i === at ? times : x)));
      const times = a[at] as string;
      expect(decodeRecord(withTimes(times), read), 'rebuilt as it was').to.not.equal(undefined);
      expect(decodeRecord(withTimes(times.slice(1)), read)).to.equal(undefined);
      expect(decodeRecord(withTimes('*' + times.slice(1)), read)).to.equal(undefined);
      expect(decodeRecord(withTimes(times.slice(0, -1) + 'B'), read), 'not what writeTime writes').to.equal(undefined);
      expect(decodeRecord(line.replace('[[', '[{},['), read)).to.equal(undefined);
      expect(decodeRecord(line.replace(/^\[\d/, '[9'), read)).to.equal(undefined);
    }
    expect(decodeRecord('["s",-1,"job","1.0","w",0.5,0]', read)).to.equal(undefined);
  });
});

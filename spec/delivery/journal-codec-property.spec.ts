import { expect } from 'chai';
import fc from 'fast-check';
import { RecordBuffer } from '../../lib/delivery/record-buffer.ts';
import { decodeRecord, type JournalRecord, type SettleRecord, type ShapeRecord, type Shapes } from '../../lib/delivery/record-decode.ts';
import { ShapeTable } from '../../lib/delivery/shape-table.ts';
import { writeAccept, writeAcceptSettled, writeSettle, writeShape } from '../../lib/delivery/signal-codec.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import { appendHop } from '../../lib/signal/envelope.ts';
import { isValidationError } from '../../lib/signal/errors.ts';
import type { Hop, Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1 << 20, maxDepth: 64 };
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const text = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !Object.is(v, -0));
const hopArb = fc.record({
  node: fc.oneof(fc.constant('same'), text),
  partition: fc.nat(1000),
  attempt: fc.integer({ min: 1, max: 9 }),
  startedAt: fc.double({ min: 1e12, max: 2e12, noNaN: true }),
  took: fc.double({ min: 0, max: 10_000, noNaN: true }),
  outcome: fc.constantFrom('completed', 'failed', 'timeout'),
});
const signalArb = fc.record({
  type: fc.constantFrom('a', 'b', 'c'),
  version: fc.constantFrom('1.0', '2.0'),
  target: fc.constantFrom('n1', 'n2', 'n3', 'n4'),
  urgency: fc.constantFrom(0, 0.5, 1, 0.25),
  source: fc.option(fc.constantFrom('s1', 's2'), { nil: undefined }),
  payload: fc.option(json, { nil: undefined }),
  partitionKey: fc.option(text, { nil: undefined }),
  idempotencyKey: fc.option(text, { nil: undefined }),
  correlationId: fc.option(text, { nil: undefined }),
  causationId: fc.option(text, { nil: undefined }),
  headers: fc.option(
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 5 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k)),
      fc.string({ maxLength: 5 }),
      { maxKeys: 3 },
    ),
    { nil: undefined },
  ),
  // In the past: newId takes the creation time, and ids stay monotonic past any time it was given.
  createdAt: fc.double({ min: 1e12, max: 1.7e12, noNaN: true }),
  hops: fc.array(hopArb, { maxLength: 3 }),
  record: fc.constantFrom('accept', 'accept-completed', 'accept-dead', 'settle-completed', 'settle-dead'),
  atOwn: fc.boolean(),
});

describe('delivery/signal-codec (property)', () => {
  it("reads back every record as written, whatever the signal, its history and the shape table's size", () => {
    fc.assert(
      fc.property(fc.array(signalArb, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), (drafts, maxShapes) => {
        const out = new RecordBuffer();
        const shapes = new ShapeTable((shape) => writeShape(out, shape), maxShapes);
        const expected: unknown[] = [];
        for (const d of drafts) {
          const { record, atOwn, hops, target, createdAt, ...draft } = d;
          let s: Signal;
          try {
            s = createSignal(draft as Parameters<typeof createSignal>[0], target, createdAt, LIMITS);
          } catch (e) {
            if (isValidationError(e)) continue; // a payload the network refuses never reaches a journal
            throw e;
          }
          for (const h of hops)
            appendHop(s, {
              node: h.node === 'same' ? target : h.node,
              partition: h.partition,
              attempt: h.attempt,
              startedAt: h.startedAt,
              finishedAt: h.startedAt + h.took,
              outcome: h.outcome as Hop['outcome'],
            });
          const last = s.hops[s.hops.length - 1];
          const at = atOwn || last === undefined ? createdAt + 12_345.678 : last.finishedAt;
          const outcome = record.endsWith('completed') ? 'completed' : 'dead-lettered';
          if (record === 'accept') {
            writeAccept(out, shapes, s);
            expected.push({ op: 'accept', signal: plain(s) });
          } else if (record.startsWith('accept')) {
            writeAcceptSettled(out, shapes, s, s.hops, outcome, at);
            expected.push({ op: 'accept-settled', signal: plain(s), outcome, at });
          } else {
            writeSettle(out, s, outcome, at);
            expected.push({ op: 'settle', id: s.id, outcome, at, hops: plain(s.hops) });
          }
        }
        const read: Shapes = new Map();
        const lines = Buffer.concat(out.take().slices).toString('utf8').split('\n').slice(0, -1);
        const back = lines.map((l) => decodeRecord(l, read)).filter((r): r is Exclude<JournalRecord, ShapeRecord> => r !== undefined && r.op !== 'shape');
        expect(back.map((r) => ('signal' in r ? { ...r, signal: plain(r.signal) } : { ...r, hops: plain((r as SettleRecord).hops) }))).to.deep.equal(expected);
      }),
      { numRuns: 150 },
    );
  });
});

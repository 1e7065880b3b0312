import { expect } from 'chai';
import { PendingSet } from '../../lib/delivery/pending-set.ts';
import { CHUNK_BYTES, RecordBuffer } from '../../lib/delivery/record-buffer.ts';
import { SignalEnvelope } from '../../lib/signal/envelope.ts';
import { newId } from '../../lib/signal/ids.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const EMPTY = Object.freeze({});
const sig = (id: string): Signal => new SignalEnvelope(id, 'job', '1.0', undefined, undefined, 'w', id, id, id, undefined, 1, 0.5, EMPTY);

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('delivery/PendingSet', () => {
  it('matches an id-keyed Map under random adds and deletes, order included', () => {
    for (const ids of [
      () => newId(),
      (() => {
        let i = 0;
        return () => `order-${i++}`;
      })(),
    ]) {
      const rnd = random(7);
      const set = new PendingSet();
      const model = new Map<string, Signal>();
      const known: Signal[] = [];
      for (let step = 0; step < 8_000; step++) {
        const r = rnd();
        if (r < 0.5 || known.length === 0) {
          const s = sig(ids());
          known.push(s);
          expect(set.add(s)).to.equal(!model.has(s.id));
          if (!model.has(s.id)) model.set(s.id, s);
        } else if (r < 0.6) {
          // The same id again, as another object (a revised copy): stays pending, in its place.
          const old = known[Math.floor(rnd() * known.length)]!;
          const copy = sig(old.id);
          const was = model.has(old.id);
          expect(set.add(copy)).to.equal(!was);
          model.set(old.id, copy);
        } else {
          const s = known[Math.floor(rnd() * known.length)]!;
          // Deleting by another object with the same id works too.
          expect(set.delete(rnd() < 0.5 ? s : sig(s.id))).to.equal(model.delete(s.id));
        }
        expect(set.size).to.equal(model.size);
      }
      expect(set.values()).to.deep.equal([...model.values()]);
    }
  });

  it('grows and shrinks with the pending count', () => {
    const set = new PendingSet();
    const all = Array.from({ length: 50_000 }, () => sig(newId()));
    for (const s of all) set.add(s);
    for (const s of all.slice(0, 49_990)) expect(set.delete(s)).to.equal(true);
    expect(set.values()).to.deep.equal(all.slice(49_990));
    expect(set.delete(all[0]!)).to.equal(false);
  });

  it('does not shrink and regrow on every burst, yet gives memory back after a long quiet stretch', () => {
    const set = new PendingSet();
    let resizes = 0;
    let last = set.capacity;
    const note = (): void => {
      if (set.capacity !== last) resizes++;
      last = set.capacity;
    };
    for (let burst = 0; burst < 20; burst++) {
      const window = Array.from({ length: 8192 }, () => sig(newId()));
      for (const s of window) {
        set.add(s);
        note();
      }
      for (const s of window) {
        set.delete(s);
        note();
      }
    }
    expect(set.size).to.equal(0);
    // Grown once to hold a burst (1,024 → 16,384: 4 doublings), then at most a few slow shrinks.
    expect(resizes).to.be.at.most(8);
    const big = set.capacity;
    for (let i = 0; i < 200_000; i++) {
      const s = sig(newId());
      set.add(s);
      set.delete(s);
    }
    expect(set.capacity).to.be.lessThan(big);
  });

  it('stays correct with ids built to collide (same length and tail)', () => {
    const set = new PendingSet();
    const ids = Array.from({ length: 2000 }, (_, i) => `${String(i).padStart(28, '0')}deadbeef`);
    const all = ids.map(sig);
    for (const s of all) expect(set.add(s)).to.equal(true);
    for (let i = 0; i < all.length; i += 2) expect(set.delete(all[i]!)).to.equal(true);
    expect(set.values()).to.deep.equal(all.filter((_, i) => i % 2 === 1));
  });

  it('forgets the signals accepted in a range of acceptance numbers (a lost batch)', () => {
    const set = new PendingSet();
    const before = [sig('a'), sig('b')];
    for (const s of before) set.add(s);
    const from = set.next;
    const lost = [sig('c'), sig('d')];
    for (const s of lost) set.add(s);
    set.add(sig('a')); // accepted again: keeps its first number, so it survives the loss
    const to = set.next;
    set.add(sig('e'));
    set.deleteAccepted(from, to);
    expect(set.values().map((s) => s.id)).to.deep.equal(['a', 'b', 'e']);
  });
});

describe('delivery/RecordBuffer', () => {
  it('hands over batches in order, across chunks, and reuses written chunks', () => {
    const out = new RecordBuffer();
    const write = (byte: number, n: number): void => {
      const buf = out.reserve(n);
      buf.fill(byte, out.pos, out.pos + n);
      out.pos += n;
    };
    write(1, 10);
    const first = out.take();
    expect(Buffer.concat(first.slices)).to.deep.equal(Buffer.alloc(10, 1));
    write(2, CHUNK_BYTES - 5); // does not fit behind the first batch's bytes: a new chunk
    write(3, 50); // nor does this: a third
    expect(out.length).to.equal(CHUNK_BYTES + 45);
    const second = out.take();
    expect(second.bytes).to.equal(CHUNK_BYTES + 45);
    expect(second.retired).to.have.length(2);
    expect(Buffer.concat(second.slices)).to.deep.equal(Buffer.concat([Buffer.alloc(CHUNK_BYTES - 5, 2), Buffer.alloc(50, 3)]));
    out.recycle(first);
    out.recycle(second);
    write(4, 200); // still fits in the current chunk
    write(5, CHUNK_BYTES); // a whole (reused) chunk
    write(6, CHUNK_BYTES + 1); // larger than a chunk: one of its own
    const third = out.take();
    expect(third.slices.map((s) => s.length)).to.deep.equal([200, CHUNK_BYTES, CHUNK_BYTES + 1]);
    expect(out.length).to.equal(0);
  });
});

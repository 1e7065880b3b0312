import { expect } from 'chai';
import type { FileHandle } from 'node:fs/promises';
import { writeAll } from '../../lib/delivery/journal-fs.ts';

/** A FileHandle whose `writev` takes at most `limit` bytes a call, and records the calls. */
function shortWriter(limit: number): { fh: FileHandle; written: () => string; calls: number[] } {
  const out: Buffer[] = [];
  const calls: number[] = [];
  const fh = {
    async writev(buffers: Buffer[]) {
      calls.push(buffers.length);
      let left = limit;
      for (const b of buffers) {
        const n = Math.min(left, b.length);
        out.push(Buffer.from(b.subarray(0, n)));
        left -= n;
        if (left === 0) break;
      }
      return { bytesWritten: limit - left, buffers };
    },
  } as unknown as FileHandle;
  return { fh, written: () => Buffer.concat(out).toString(), calls };
}

describe('writeAll', () => {
  it('writes every slice in order with one writev when the kernel takes it all', async () => {
    const w = shortWriter(1 << 20);
    await writeAll(w.fh, [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde'), Buffer.from('f')]);
    expect(w.written()).to.equal('abcdef');
    expect(w.calls).to.deep.equal([3]);
  });

  it('goes on after short writes, mid-slice included, without repeating or skipping a byte', async () => {
    const w = shortWriter(4);
    await writeAll(w.fh, [Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')]);
    expect(w.written()).to.equal('abcdefghij');
    expect(w.calls).to.deep.equal([3, 2, 1]);
  });

  it('passes at most 1024 buffers a call', async () => {
    const w = shortWriter(1 << 20);
    const slices = Array.from({ length: 2500 }, (_, i) => Buffer.from(String(i % 10)));
    await writeAll(w.fh, slices);
    expect(w.calls).to.deep.equal([1024, 1024, 452]);
    expect(w.written()).to.equal(slices.map(String).join(''));
  });

  it('fails instead of looping when a write makes no progress', async () => {
    const w = shortWriter(0);
    let error: unknown;
    await writeAll(w.fh, [Buffer.from('x')]).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/no progress/);
  });
});

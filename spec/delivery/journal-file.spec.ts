import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewritePending } from '../../lib/delivery/journal-file.ts';
import { RecordBuffer } from '../../lib/delivery/record-buffer.ts';
import { decodeRecord, type Shapes } from '../../lib/delivery/record-decode.ts';
import { ShapeTable } from '../../lib/delivery/shape-table.ts';
import { writeAccept, writeShape } from '../../lib/delivery/signal-codec.ts';
import { createSignal } from '../../lib/signal/create-signal.ts';
import type { Signal } from '../../lib/signal/signal.ts';

const LIMITS = { maxBytes: 1 << 20, maxDepth: 64 };
const signal = (target: string, payload: unknown): Signal => createSignal({ type: 'job', payload }, target, 1_700_000_000_000, LIMITS);

/** The accept records of a file's text, read in order as a scan does. */
function accepted(text: string): Signal[] {
  const shapes: Shapes = new Map();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => decodeRecord(l, shapes))
    .flatMap((r) => (r?.op === 'accept' ? [r.signal] : []));
}

describe('delivery/journal-file rewritePending (compaction)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plexus-compact-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts the new file with every shape, so that records queued meanwhile (any shape) read back after it', async () => {
    const live = new RecordBuffer();
    const shapes = new ShapeTable((shape) => writeShape(live, shape));
    const path = join(dir, 'journal.jsonl');
    const [a, b, c] = [signal('a', 1), signal('b', 2), signal('c', 3)];
    writeAccept(live, shapes, a); // shape 0, in the live queue
    writeAccept(live, shapes, b); // shape 1
    live.take(); // written to the old file, which the compaction replaces
    // Only `c` is pending; a record of `b`'s shape is queued while the compaction runs.
    const bytes = await rewritePending(path, [c], true, shapes);
    const queued = signal('b', 4);
    writeAccept(live, shapes, queued);
    const text = (await readFile(path, 'utf8')) + Buffer.concat(live.take().slices).toString();
    expect(bytes).to.equal(Buffer.byteLength(await readFile(path, 'utf8')));
    expect(text.split('\n').filter((l) => l.startsWith('["s",')).length).to.be.at.least(3);
    expect(accepted(text).map((s) => [s.target, s.payload])).to.deep.equal([
      ['c', 3],
      ['b', 4],
    ]);
  });

  it('that fails leaves the old file, and the shapes it numbered are in the live queue for it', async () => {
    const live = new RecordBuffer();
    const shapes = new ShapeTable((shape) => writeShape(live, shape));
    const path = join(dir, 'no-such-dir', 'journal.jsonl');
    const old = join(dir, 'old.jsonl');
    await writeFile(old, '');
    const fresh = signal('new-target', 5);
    await rewritePending(path, [fresh], true, shapes).then(
      () => expect.fail('the rewrite should fail: its directory does not exist'),
      (e: unknown) => expect((e as NodeJS.ErrnoException).code).to.equal('ENOENT'),
    );
    // The old file goes on: the shape numbered during the failed rewrite reaches it first.
    writeAccept(live, shapes, signal('new-target', 6));
    await writeFile(old, Buffer.concat(live.take().slices));
    expect(accepted(await readFile(old, 'utf8')).map((s) => [s.target, s.payload])).to.deep.equal([['new-target', 6]]);
  });
});

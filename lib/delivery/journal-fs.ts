/**
 * The few file operations the FileJournal needs beyond `fs/promises`: a write that cannot stop
 * half-way silently, and an atomic, durable replacement of a file.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes all of `slices`, in order, at the handle's position (a `write` may take less than it
 * was given). One `write` per slice: a slice is a chunk of up to a mebibyte (see
 * `record-buffer.ts`), so a batch takes one call unless it is large, and then the calls are few.
 */
export async function writeAll(fh: FileHandle, slices: readonly Buffer[]): Promise<void> {
  for (const data of slices) {
    for (let off = 0; off < data.length; ) {
      const { bytesWritten } = await fh.write(data, off, data.length - off);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      off += bytesWritten;
    }
  }
}

/**
 * Replaces `path` with `data` (its slices in order) so that a crash leaves either the old file or
 * the new one, whole: write a temp file beside it, flush it, rename it over. When this rejects,
 * the temp file is removed and the old file is untouched. Make the rename itself durable with
 * {@link syncDirectory}.
 */
export async function replaceFile(path: string, data: readonly Buffer[], fsync: boolean): Promise<void> {
  const tmp = `${path}.compact`;
  let out: FileHandle | undefined;
  try {
    out = await open(tmp, 'w');
    await writeAll(out, data);
    if (fsync) await out.datasync();
    await out.close();
    out = undefined;
    await rename(tmp, path);
  } catch (e) {
    await out?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

/** Flushes the directory of `path`: a rename is an entry in the directory, and only this makes it durable. */
export async function syncDirectory(path: string): Promise<void> {
  const fh = await open(dirname(path), 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

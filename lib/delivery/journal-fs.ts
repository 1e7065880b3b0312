/**
 * The few file operations the FileJournal needs beyond `fs/promises`: a write that cannot stop
 * half-way silently, and an atomic, durable replacement of a file.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Buffers one `writev` takes at most (Linux's IOV_MAX). */
const IOV_MAX = 1024;

/**
 * Writes all of `slices`, in order, at the handle's position (a write may take less than it was
 * given). One `writev` for the whole batch, not one `write` per slice: each call's completion
 * waits for the event loop, and a busy loop comes round only every few milliseconds, so a batch
 * of 80 one-mebibyte slices took 80 turns (seconds under load) where one call takes one.
 */
export async function writeAll(fh: FileHandle, slices: readonly Buffer[]): Promise<void> {
  let rest = slices.filter((b) => b.length > 0);
  while (rest.length > 0) {
    const call = rest.length > IOV_MAX ? rest.slice(0, IOV_MAX) : rest;
    let { bytesWritten } = await fh.writev(call);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    // Skip what was written: whole slices, then the written head of a partly written one.
    let i = 0;
    while (i < rest.length && bytesWritten >= rest[i]!.length) bytesWritten -= rest[i++]!.length;
    rest = rest.slice(i);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
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

/**
 * The FileJournal's output queue: records are encoded straight into fixed-size chunks, and a
 * batch is the list of slices written since the last {@link RecordBuffer.take}. A chunk is never
 * grown (so never copied): when a record does not fit, the chunk is sealed and the next one
 * starts. A batch's slice ends where the next batch's begins, in the same chunk, so a small batch
 * does not cost a chunk of its own, and full chunks go back to a small free list once written.
 *
 * Encoders write through the public `buf` / `view` / `pos` fields after
 * {@link RecordBuffer.reserve}: a method call per field would cost more than the bytes.
 */

/** Bytes per chunk: one `write` carries up to this much. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Written chunks kept for reuse. A batch is what arrives while the previous one is written and
 * fsynced: about 8 MiB at 300k signals/s and ~50 ms per fdatasync here. Fresh chunks cost a page
 * fault per 4 KiB on first touch; past this many, chunks go back to the allocator.
 */
const FREE_CHUNKS = 16;

const NO_CHUNK = Buffer.alloc(0);

function newChunk(bytes: number): Buffer {
  return Buffer.allocUnsafeSlow(bytes);
}

/** The slices of one batch, and the chunks that may be reused once they are written. */
export interface TakenRecords {
  readonly slices: Buffer[];
  readonly bytes: number;
  /** Chunks filled up in this batch: nothing will be written into them again. */
  readonly retired: Buffer[];
}

/** See the file comment. */
export class RecordBuffer {
  /** The chunk being written into (none until the first record). Valid after {@link reserve}; encoders write at `pos`. */
  buf: Buffer = NO_CHUNK;
  /** A DataView of `buf` (constants are copied four bytes at a time). */
  view: DataView = new DataView(NO_CHUNK.buffer, NO_CHUNK.byteOffset, 0);
  /** Next free byte of `buf`; an encoder advances it past what it wrote. */
  pos = 0;
  /** Start of the part of `buf` not taken yet. */
  #start = 0;
  #sealed: Buffer[] = [];
  #sealedBytes = 0;
  #retired: Buffer[] = [];
  #free: Buffer[] = [];

  /** Bytes queued (not taken yet). */
  get length(): number {
    return this.#sealedBytes + this.pos - this.#start;
  }

  /** Makes room for `bytes` at `pos` (in a new chunk if this one is too full); returns `buf`. */
  reserve(bytes: number): Buffer {
    if (this.pos + bytes <= this.buf.length) return this.buf;
    this.#seal();
    // A record larger than a chunk gets a chunk of its own size (not kept for reuse).
    const buf = bytes > CHUNK_BYTES ? newChunk(bytes) : (this.#free.pop() ?? newChunk(CHUNK_BYTES));
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.#start = 0;
    return this.buf;
  }

  /** Hands over everything queued as one batch; later records start a new one. */
  take(): TakenRecords {
    const slices = this.#sealed;
    if (this.pos > this.#start) slices.push(this.buf.subarray(this.#start, this.pos));
    const taken = { slices, bytes: this.length, retired: this.#retired };
    this.#start = this.pos;
    this.#sealed = [];
    this.#sealedBytes = 0;
    this.#retired = [];
    return taken;
  }

  /** Drops everything queued (a failed journal). */
  clear(): void {
    this.recycle(this.take());
  }

  /** Gives the chunks of a batch that is done (written or failed) back for reuse. */
  recycle(taken: TakenRecords): void {
    for (const chunk of taken.retired) if (this.#free.length < FREE_CHUNKS && chunk.length === CHUNK_BYTES) this.#free.push(chunk);
  }

  #seal(): void {
    if (this.pos > this.#start) {
      this.#sealed.push(this.buf.subarray(this.#start, this.pos));
      this.#sealedBytes += this.pos - this.#start;
    }
    this.#retired.push(this.buf);
  }
}

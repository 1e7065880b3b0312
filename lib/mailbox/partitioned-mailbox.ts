import type { Signal } from '../signal/signal.ts';
import { partitionOf } from './partition-of.ts';
import { RingBuffer } from '../util/ring-buffer.ts';

// Partition states. A partition is in the ready queue at most once, and never while busy.
const IDLE = 0;
const READY = 1;
const BUSY = 2;

/**
 * N FIFO partitions and the queue of partitions that have work and nobody working on them.
 * Pure data structure: the node runtime decides when to take and release. Every operation is
 * O(1) whatever the depth, except the age statistics, which are O(partitions).
 *
 * Laid out for a network of many nodes, where a signal finds its node's mailbox cold in the
 * cache and every object it reaches is a likely miss: a partition's oldest signal sits in one
 * array of heads, and only the signals behind it go to a ring of their own, made on first need;
 * the partition states and the ready queue share one typed array. A push, a claim, a shift and
 * a release at a node with little backlog thus touch the mailbox, the heads and that array.
 */
export class PartitionedMailbox {
  readonly partitions: number;
  /** Per partition: its oldest waiting signal, or undefined when it has none. */
  readonly #heads: (Signal | undefined)[];
  /** Per partition: the signals waiting behind its head (made on the first push that needs it). */
  readonly #rests: (RingBuffer<Signal> | undefined)[];
  /** [0, partitions): each partition's state; [partitions, 2 × partitions): the ready ring. */
  readonly #meta: Int32Array;
  #readyHead = 0;
  #readySize = 0;
  #queued = 0;
  // Sum of (createdAt - base) over queued signals, for an O(1) average age. Offsets keep the
  // sum far below 2^53 where epoch milliseconds would lose precision.
  #ageSum = 0;
  readonly #base: number;

  constructor(partitions: number, base: number) {
    this.partitions = partitions;
    this.#heads = new Array<Signal | undefined>(partitions).fill(undefined);
    this.#rests = new Array<RingBuffer<Signal> | undefined>(partitions).fill(undefined);
    this.#meta = new Int32Array(2 * partitions);
    this.#base = base;
  }

  /** Signals waiting (not counting those being handled). */
  get queued(): number {
    return this.#queued;
  }

  /** The partition a key maps to. */
  partitionOf(key: string): number {
    return partitionOf(key, this.partitions);
  }

  /** Appends a signal to partition `p`. Capacity is the caller's business. */
  push(p: number, signal: Signal): void {
    const heads = this.#heads;
    if (heads[p] === undefined) heads[p] = signal;
    else (this.#rests[p] ??= new RingBuffer<Signal>(4)).push(signal);
    this.#queued++;
    this.#ageSum += signal.createdAt - this.#base;
    const meta = this.#meta;
    if (meta[p] === IDLE) {
      meta[p] = READY;
      this.#pushReady(meta, p);
    }
  }

  /** Claims the next partition with work, marking it busy; -1 when none is ready. */
  claim(): number {
    if (this.#readySize === 0) return -1;
    const meta = this.#meta;
    const n = this.partitions;
    const p = meta[n + this.#readyHead]!;
    this.#readyHead = this.#readyHead + 1 === n ? 0 : this.#readyHead + 1;
    this.#readySize--;
    meta[p] = BUSY;
    return p;
  }

  /** Removes the oldest signal of a claimed partition. */
  shift(p: number): Signal | undefined {
    const heads = this.#heads;
    const s = heads[p];
    if (s === undefined) return undefined;
    // A partition has a rest only behind a head: moving the rest's oldest up keeps that so.
    heads[p] = this.#rests[p]?.shift();
    this.#queued--;
    this.#ageSum -= s.createdAt - this.#base;
    return s;
  }

  /** True when partition `p` has signals waiting. */
  hasWork(p: number): boolean {
    return this.#heads[p] !== undefined;
  }

  /** Gives a claimed partition back; it goes to the back of the ready queue if it has work. */
  release(p: number): void {
    const meta = this.#meta;
    if (this.#heads[p] !== undefined) {
      meta[p] = READY;
      this.#pushReady(meta, p);
    } else {
      meta[p] = IDLE;
    }
  }

  /** True when some partition has work and nobody on it. */
  get hasReady(): boolean {
    return this.#readySize > 0;
  }

  /** Signals waiting in partition `p`. */
  depthOf(p: number): number {
    return this.#heads[p] === undefined ? 0 : 1 + (this.#rests[p]?.size ?? 0);
  }

  /** Age in ms of the oldest waiting signal (0 when empty). */
  oldestAge(now: number): number {
    let oldest = Infinity;
    for (const s of this.#heads) if (s !== undefined && s.createdAt < oldest) oldest = s.createdAt;
    return oldest === Infinity ? 0 : now - oldest;
  }

  /** Average age in ms of the waiting signals (0 when empty). */
  averageAge(now: number): number {
    return this.#queued === 0 ? 0 : now - this.#base - this.#ageSum / this.#queued;
  }

  /** Removes and returns every waiting signal (forced shutdown), partition by partition. */
  drainAll(): Signal[] {
    const out = [...this.waiting()];
    this.#heads.fill(undefined);
    for (const rest of this.#rests) rest?.clear();
    this.#queued = 0;
    this.#ageSum = 0;
    return out;
  }

  /** Every waiting signal, without removing them, partition by partition. */
  *waiting(): IterableIterator<Signal> {
    for (let p = 0; p < this.partitions; p++) {
      const head = this.#heads[p];
      if (head === undefined) continue;
      yield head;
      const rest = this.#rests[p];
      if (rest !== undefined) yield* rest;
    }
  }

  /** Appends `p` to the ready ring (it holds each partition at most once: `partitions` slots do). */
  #pushReady(meta: Int32Array, p: number): void {
    const n = this.partitions;
    let at = this.#readyHead + this.#readySize;
    if (at >= n) at -= n;
    meta[n + at] = p;
    this.#readySize++;
  }
}

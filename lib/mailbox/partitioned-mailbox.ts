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
 */
export class PartitionedMailbox {
  readonly partitions: number;
  readonly #queues: RingBuffer<Signal>[];
  readonly #state: Uint8Array;
  readonly #ready: RingBuffer<number>;
  #queued = 0;
  // Sum of (createdAt - base) over queued signals, for an O(1) average age. Offsets keep the
  // sum far below 2^53 where epoch milliseconds would lose precision.
  #ageSum = 0;
  readonly #base: number;

  constructor(partitions: number, base: number) {
    this.partitions = partitions;
    this.#queues = Array.from({ length: partitions }, () => new RingBuffer<Signal>(4));
    this.#state = new Uint8Array(partitions);
    this.#ready = new RingBuffer<number>(partitions);
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
    this.#queues[p]!.push(signal);
    this.#queued++;
    this.#ageSum += signal.createdAt - this.#base;
    if (this.#state[p] === IDLE) {
      this.#state[p] = READY;
      this.#ready.push(p);
    }
  }

  /** Claims the next partition with work, marking it busy; -1 when none is ready. */
  claim(): number {
    const p = this.#ready.shift();
    if (p === undefined) return -1;
    this.#state[p] = BUSY;
    return p;
  }

  /** Removes the oldest signal of a claimed partition. */
  shift(p: number): Signal | undefined {
    const s = this.#queues[p]!.shift();
    if (s !== undefined) {
      this.#queued--;
      this.#ageSum -= s.createdAt - this.#base;
    }
    return s;
  }

  /** True when partition `p` has signals waiting. */
  hasWork(p: number): boolean {
    return this.#queues[p]!.size > 0;
  }

  /** Gives a claimed partition back; it goes to the back of the ready queue if it has work. */
  release(p: number): void {
    if (this.#queues[p]!.size > 0) {
      this.#state[p] = READY;
      this.#ready.push(p);
    } else {
      this.#state[p] = IDLE;
    }
  }

  /** True when some partition has work and nobody on it. */
  get hasReady(): boolean {
    return this.#ready.size > 0;
  }

  /** Signals waiting in partition `p`. */
  depthOf(p: number): number {
    return this.#queues[p]!.size;
  }

  /** Age in ms of the oldest waiting signal (0 when empty). */
  oldestAge(now: number): number {
    let oldest = Infinity;
    for (const q of this.#queues) {
      const s = q.peek();
      if (s !== undefined && s.createdAt < oldest) oldest = s.createdAt;
    }
    return oldest === Infinity ? 0 : now - oldest;
  }

  /** Average age in ms of the waiting signals (0 when empty). */
  averageAge(now: number): number {
    return this.#queued === 0 ? 0 : now - this.#base - this.#ageSum / this.#queued;
  }

  /** Removes and returns every waiting signal (forced shutdown), partition by partition. */
  drainAll(): Signal[] {
    const out: Signal[] = [];
    for (const q of this.#queues) out.push(...q.drain());
    this.#queued = 0;
    this.#ageSum = 0;
    return out;
  }

  /** Every waiting signal, without removing them. */
  *waiting(): IterableIterator<Signal> {
    for (const q of this.#queues) yield* q;
  }
}

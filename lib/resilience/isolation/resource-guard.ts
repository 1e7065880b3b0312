/**
 * Refuses new work while the heap is above a limit. Reading the heap costs microseconds, so it
 * is sampled at most once per `sampleIntervalMs` and the last sample answers in between.
 */
import { getHeapStatistics } from 'node:v8';
import { systemClock, type Clock } from '../../util/clock.ts';
import { ResourceExhaustedError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkFunction, checkKnownKeys, checkNumber, checkObject } from '../validate.ts';

/**
 * Share of the V8 heap limit above which work is refused, when `maxHeapBytes` is not set.
 * @defaultValue 0.9
 */
export const DEFAULT_MAX_HEAP_RATIO = 0.9;
/**
 * Minimum time between two heap readings.
 * @defaultValue 1_000
 */
export const DEFAULT_SAMPLE_INTERVAL_MS = 1_000;

/** Options of a {@link ResourceGuard}. */
export interface ResourceGuardOptions {
  /**
   * Heap use above which calls are refused (bytes).
   * @defaultValue `DEFAULT_MAX_HEAP_RATIO * v8 heap_size_limit`
   */
  maxHeapBytes?: number;
  /** Minimum time between two heap readings. @defaultValue {@link DEFAULT_SAMPLE_INTERVAL_MS} */
  sampleIntervalMs?: number;
  /** Reads the heap use (bytes). @defaultValue `() => process.memoryUsage().heapUsed` */
  readHeap?: () => number;
}

/** The keys of {@link ResourceGuardOptions} (a compile error until a new option is listed). */
export const RESOURCE_GUARD_OPTION_KEYS = optionKeys<ResourceGuardOptions>()(['maxHeapBytes', 'sampleIntervalMs', 'readHeap']);

/** Resolved options. */
export type ResolvedResourceGuardOptions = Readonly<Required<ResourceGuardOptions>>;

const defaultReadHeap = (): number => process.memoryUsage().heapUsed;

/** Validates guard options (merged over `base` when reconfiguring). */
export function resolveResourceGuardOptions(o: ResourceGuardOptions = {}, base?: ResolvedResourceGuardOptions, prefix = 'resource'): ResolvedResourceGuardOptions {
  checkObject(prefix, o);
  checkKnownKeys(prefix, o, RESOURCE_GUARD_OPTION_KEYS);
  return {
    maxHeapBytes: checkNumber(`${prefix}.maxHeapBytes`, o.maxHeapBytes ?? base?.maxHeapBytes ?? Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_MAX_HEAP_RATIO), { above: 0 }),
    sampleIntervalMs: checkNumber(`${prefix}.sampleIntervalMs`, o.sampleIntervalMs ?? base?.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS, { min: 0 }),
    readHeap: o.readHeap === undefined ? (base?.readHeap ?? defaultReadHeap) : checkFunction<() => number>(`${prefix}.readHeap`, o.readHeap),
  };
}

/** Refuses work when the heap is too full. */
export class ResourceGuard {
  readonly #clock: Clock;
  #options: ResolvedResourceGuardOptions;
  #sampledAt = -Infinity;
  #heapUsed = 0;
  #refusals = 0;

  constructor(options: ResourceGuardOptions = {}, clock: Clock = systemClock) {
    this.#options = resolveResourceGuardOptions(options);
    this.#clock = clock;
  }

  /** The last heap reading. */
  get heapUsed(): number {
    return this.#heapUsed;
  }
  /** Work refused so far. */
  get refusals(): number {
    return this.#refusals;
  }
  /** Resolved options. */
  get options(): ResolvedResourceGuardOptions {
    return this.#options;
  }

  /** True when work may start (reads the heap if the last sample is old). */
  allows(): boolean {
    const now = this.#clock.now();
    if (now - this.#sampledAt >= this.#options.sampleIntervalMs) {
      this.#sampledAt = now;
      this.#heapUsed = this.#options.readHeap();
    }
    return this.#heapUsed <= this.#options.maxHeapBytes;
  }

  /** Throws {@link ResourceExhaustedError} when work may not start. */
  check(): void {
    if (this.allows()) return;
    this.#refusals++;
    throw new ResourceExhaustedError('heap', this.#heapUsed, this.#options.maxHeapBytes);
  }

  /** Changes options (validated first); the next call re-samples. */
  configure(partial: ResourceGuardOptions): void {
    this.#options = resolveResourceGuardOptions(partial, this.#options);
    this.#sampledAt = -Infinity;
  }

  /** Throws exactly when `configure(partial)` would. */
  checkOptions(partial: ResourceGuardOptions): void {
    resolveResourceGuardOptions(partial, this.#options);
  }
}

/** Creates a {@link ResourceGuard}. */
export function createResourceGuard(options: ResourceGuardOptions & { clock?: Clock } = {}): ResourceGuard {
  const { clock, ...rest } = options;
  return new ResourceGuard(rest, clock);
}

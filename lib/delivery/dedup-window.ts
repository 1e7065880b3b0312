/**
 * How long an idempotency key is remembered.
 * @defaultValue 300 000 ms (5 minutes)
 */
export const DEFAULT_DEDUP_WINDOW_MS = 300_000;

/**
 * Most keys remembered at once per node; the oldest leave first when it is reached.
 * @defaultValue 100 000
 */
export const DEFAULT_DEDUP_MAX_KEYS = 100_000;

/**
 * Remembers idempotency keys for a time window, with a hard cap on how many.
 *
 * Keys enter in time order and all live equally long, so the oldest key is always the first to
 * expire: a circular array of (key, time) in arrival order lets expired keys leave from the front
 * in O(1) each, with no timers and no scans. A `Set` answers "seen?" exactly, because expired keys
 * are removed before every look-up. The cap bounds memory however long the network runs.
 */
export class DedupWindow {
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly #keys: Set<string> = new Set();
  // Grown by doubling up to the cap, so an idle node costs almost nothing.
  #order: (string | undefined)[] = new Array<string | undefined>(16);
  #times = new Float64Array(16);
  #head = 0;
  #size = 0;
  /** Keys pushed out by the cap before their window ended. */
  evictedEarly = 0;

  constructor(windowMs: number = DEFAULT_DEDUP_WINDOW_MS, maxKeys: number = DEFAULT_DEDUP_MAX_KEYS) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#size;
  }

  /**
   * Records `key` seen at `now`; returns `false` when it was already seen within the window
   * (a duplicate), `true` when it is new.
   */
  admit(key: string, now: number): boolean {
    this.#expire(now);
    // One hash probe instead of two (has + add): at 100k keys each probe is a likely cache miss.
    const before = this.#keys.size;
    this.#keys.add(key);
    if (this.#keys.size === before) return false;
    if (this.#size === this.maxKeys) {
      this.#dropOldest();
      this.evictedEarly++;
    }
    if (this.#size === this.#order.length) this.#grow();
    const slot = (this.#head + this.#size) & (this.#order.length - 1);
    this.#order[slot] = key;
    this.#times[slot] = now;
    this.#size++;
    return true;
  }

  /** True when `key` was seen within the window (does not record it). */
  has(key: string, now: number): boolean {
    this.#expire(now);
    return this.#keys.has(key);
  }

  /** Forgets every key. */
  clear(): void {
    this.#keys.clear();
    this.#order = new Array<string | undefined>(16);
    this.#times = new Float64Array(16);
    this.#head = 0;
    this.#size = 0;
  }

  #expire(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.#size > 0 && this.#times[this.#head]! <= cutoff) this.#dropOldest();
  }

  #dropOldest(): void {
    this.#keys.delete(this.#order[this.#head]!);
    this.#order[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#order.length - 1);
    this.#size--;
  }

  #grow(): void {
    const n = this.#order.length;
    const order = new Array<string | undefined>(n * 2);
    const times = new Float64Array(n * 2);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) & (n - 1);
      order[i] = this.#order[from];
      times[i] = this.#times[from]!;
    }
    this.#order = order;
    this.#times = times;
    this.#head = 0;
  }
}

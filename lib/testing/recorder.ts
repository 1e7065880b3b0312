/**
 * Stream recorders: subscribe to `network.events$` (or any source of {@link NetworkEvent}s),
 * keep what arrives, and answer questions about it.
 */
import type { Subscribable, Unsubscribable } from 'rxjs';
import type { NetworkEvent, NetworkEventKind } from '../observe/events.ts';
import { systemClock, type Clock } from '../util/clock.ts';
import { formatMs } from '../util/format-ms.ts';
import { optionKeys } from '../util/known-keys.ts';
import { checkTestingKeys, RecorderClosedError, TestingOptionError, WaitForTimeoutError } from './errors.ts';
import { describeMatcher, formatEvents } from './format.ts';
import { matchesEvent, type EventMatcher } from './pattern.ts';
import { traceOf, type TraceStep } from './trace.ts';
import type { VirtualClock } from './virtual-clock.ts';

/**
 * Events kept before the oldest are dropped (and counted in {@link EventRecorder.dropped}).
 * High enough for a 100k-signal run; a bound so that a forgotten recorder cannot eat the heap.
 * @defaultValue 1_000_000
 */
export const DEFAULT_MAX_EVENTS = 1_000_000;

/**
 * How long `waitFor` waits, in ms of the clock it is given (real time without one).
 * @defaultValue 5_000
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 5_000;

/** Options for {@link recordEvents}. */
export interface RecordOptions {
  /** Keep only events that match (a pattern or a predicate). */
  filter?: EventMatcher;
  /**
   * Keep at most this many events; older ones are dropped and counted.
   * @defaultValue {@link DEFAULT_MAX_EVENTS}
   */
  maxEvents?: number;
}

/** Options for `EventRecorder.waitFor`. */
export interface WaitForOptions {
  /**
   * The clock that measures `timeoutMs`. A {@link VirtualClock} is driven by `waitFor` itself
   * (it advances timer by timer until the event arrives or the timeout passes), so a test can
   * await an event that needs retries or backoff without advancing time by hand.
   * @defaultValue the system clock
   */
  clock?: Clock;
  /**
   * How long `waitFor` waits, in ms of the clock it is given (real time without one).
   * @defaultValue {@link DEFAULT_WAIT_TIMEOUT_MS}
   */
  timeoutMs?: number;
  /**
   * Whether to advance a {@link VirtualClock} (set `false` when the test drives it itself).
   * @defaultValue `true`
   */
  drive?: boolean;
}

/** The keys of {@link RecordOptions} (a compile error until a new option is listed). */
export const RECORD_OPTION_KEYS = optionKeys<RecordOptions>()(['filter', 'maxEvents']);
/** The keys of {@link WaitForOptions}. */
export const WAIT_FOR_OPTION_KEYS = optionKeys<WaitForOptions>()(['clock', 'timeoutMs', 'drive']);

interface Waiter {
  readonly matcher: EventMatcher;
  readonly resolve: (e: NetworkEvent) => void;
  readonly reject: (err: unknown) => void;
}

/** What {@link recordEvents} returns. Dispose it (or call `stop()`) to unsubscribe. */
export class EventRecorder implements Disposable {
  #buf: NetworkEvent[] = [];
  #start = 0;
  #dropped = 0;
  #snapshot: NetworkEvent[] | undefined;
  #waiters = new Set<Waiter>();
  #subscription: Unsubscribable | undefined;
  #closed: string | undefined;
  #closeCause: unknown;
  readonly #filter: EventMatcher | undefined;
  readonly #max: number;

  /** Prefer {@link recordEvents}. */
  constructor(source: Subscribable<NetworkEvent>, options: RecordOptions = {}) {
    checkTestingKeys('', options, RECORD_OPTION_KEYS);
    const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    if (!Number.isInteger(max) || max < 1) throw new TestingOptionError('maxEvents', 'must be a positive integer', max);
    this.#max = max;
    this.#filter = options.filter;
    const sub = source.subscribe({
      next: (e) => this.#push(e),
      error: (err: unknown) => this.#close('the source errored', err),
      complete: () => this.#close('the source completed'),
    });
    // A synchronous source may already have completed inside subscribe().
    if (this.#closed === undefined) this.#subscription = sub;
    else sub.unsubscribe();
  }

  /** The recorded events, oldest first. Read-only: may be the recorder's own array. */
  get events(): readonly NetworkEvent[] {
    if (this.#snapshot === undefined) {
      this.#snapshot = this.#start === 0 ? this.#buf : [...this.#buf.slice(this.#start), ...this.#buf.slice(0, this.#start)];
    }
    return this.#snapshot;
  }

  /** How many events were dropped because `maxEvents` was reached. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once stopped, or once the source completed or errored. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** The recorded events of one kind, typed as that kind. */
  ofKind<K extends NetworkEventKind>(kind: K): Extract<NetworkEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<NetworkEvent, { kind: K }> => e.kind === kind);
  }

  /** The recorded events that match a pattern or predicate. */
  matching(matcher: EventMatcher): NetworkEvent[] {
    return this.events.filter((e) => matchesEvent(e, matcher));
  }

  /** The processing path of one correlation id; see {@link traceOf} for why it is built from events. */
  trace(correlationId: string): TraceStep[] {
    return traceOf(this.events, correlationId);
  }

  /** A compact listing of what was recorded (for messages and debugging). */
  format(limit?: number): string {
    const dropped = this.#dropped > 0 ? `  (${this.#dropped} older events dropped)\n` : '';
    return dropped + formatEvents(this.events, limit);
  }

  /** Forgets every recorded event; keeps recording. */
  clear(): void {
    this.#buf = [];
    this.#start = 0;
    this.#dropped = 0;
    this.#snapshot = undefined;
  }

  /** Unsubscribes (idempotent). Pending `waitFor` calls reject with {@link RecorderClosedError}. */
  stop(): void {
    this.#close('the recorder was stopped');
  }

  /** Same as {@link EventRecorder.stop}, for `using rec = recordEvents(...)`. */
  [Symbol.dispose](): void {
    this.stop();
  }

  /**
   * Resolves with the first event (already recorded or still to come) that matches.
   * @throws {@link WaitForTimeoutError} after `timeoutMs`, with a listing of what was recorded.
   * @throws {@link RecorderClosedError} when the recorder stops or its source ends first.
   */
  waitFor<T extends NetworkEvent>(matcher: (event: NetworkEvent) => event is T, options?: WaitForOptions): Promise<T>;
  waitFor(matcher: EventMatcher, options?: WaitForOptions): Promise<NetworkEvent>;
  async waitFor(matcher: EventMatcher, options: WaitForOptions = {}): Promise<NetworkEvent> {
    checkTestingKeys('', options, WAIT_FOR_OPTION_KEYS);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) {
      throw new TestingOptionError('timeoutMs', 'must be a finite number >= 0', timeoutMs);
    }
    const found = this.events.find((e) => matchesEvent(e, matcher));
    if (found !== undefined) return found;
    if (this.#closed !== undefined) throw new RecorderClosedError(`waitFor(${describeMatcher(matcher)}): ${this.#closed}`, this.#closeCause);

    const clock = options.clock ?? systemClock;
    let waiter!: Waiter;
    const arrived = new Promise<NetworkEvent>((resolve, reject) => {
      waiter = { matcher, resolve, reject };
      this.#waiters.add(waiter);
    });
    const timedOut = (): WaitForTimeoutError =>
      new WaitForTimeoutError(`waitFor(${describeMatcher(matcher)}): nothing matched within ${formatMs(timeoutMs)}ms; recorded ${this.events.length} events:\n${this.format()}`, { timeoutMs });

    if (isDrivable(clock) && options.drive !== false) {
      let settled = false;
      arrived.then(
        () => (settled = true),
        () => (settled = true),
      );
      const deadline = clock.now() + timeoutMs;
      while (!settled) {
        const next = clock.nextDue();
        const step = next !== undefined && next <= deadline ? next - clock.now() : deadline - clock.now();
        await clock.advance(Math.max(0, step));
        if (!settled && clock.now() >= deadline && (clock.nextDue() ?? Infinity) > deadline) break;
      }
      if (!settled) {
        this.#waiters.delete(waiter);
        waiter.reject(timedOut());
      }
      return arrived;
    }

    const timer = clock.setTimeout(() => {
      this.#waiters.delete(waiter);
      waiter.reject(timedOut());
    }, timeoutMs);
    try {
      return await arrived;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  #push(e: NetworkEvent): void {
    if (this.#filter !== undefined && !matchesEvent(e, this.#filter)) return;
    if (this.#buf.length < this.#max) {
      this.#buf.push(e);
    } else {
      this.#buf[this.#start] = e;
      this.#start = (this.#start + 1) % this.#max;
      this.#dropped++;
    }
    if (this.#start !== 0 || this.#snapshot !== this.#buf) this.#snapshot = undefined;
    for (const w of this.#waiters) {
      if (matchesEvent(e, w.matcher)) {
        this.#waiters.delete(w);
        w.resolve(e);
      }
    }
  }

  #close(why: string, cause?: unknown): void {
    if (this.#closed !== undefined) return;
    this.#closed = why;
    this.#closeCause = cause;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    for (const w of this.#waiters) w.reject(new RecorderClosedError(`waitFor(${describeMatcher(w.matcher)}): ${why}`, cause));
    this.#waiters.clear();
  }
}

/**
 * A clock `waitFor` can drive: one with `advance` and `nextDue`, like {@link VirtualClock}.
 * Checked by shape, not `instanceof`, so a second copy of this module (or a user's own
 * virtual clock) works too.
 */
function isDrivable(clock: Clock): clock is Clock & Pick<VirtualClock, 'advance' | 'nextDue'> {
  const c = clock as Partial<VirtualClock>;
  return typeof c.advance === 'function' && typeof c.nextDue === 'function';
}

/**
 * Starts recording `source` (typically `network.events$`). Subscribe before sending, so that
 * nothing is missed; stop it (or `using` it) when done.
 *
 * @example
 * ```ts
 * using rec = recordEvents(net.events$, { filter: { node: 'worker' } });
 * await net.send('worker', { type: 'job' });
 * await rec.waitFor({ kind: 'completed' }, { clock });
 * ```
 */
export function recordEvents(source: Subscribable<NetworkEvent>, options: RecordOptions = {}): EventRecorder {
  return new EventRecorder(source, options);
}

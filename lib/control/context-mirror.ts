/**
 * The context mirror: a key → value store of JSON values that publishers share (each value
 * carries its publisher and publish time; a TTL may expire it), read with `get`, listed with
 * `entries`, and watched per key or per prefix as Observables that start with what is there now.
 * Pure logic on the network's clock (TTL timers run on it); the network's own publisher and the
 * `context` events are wired in network/network-context.ts. `share(store)` makes it one view of
 * a store that several processes share (context-share.ts); without it, it stays in-process.
 */
import type { Observable } from 'rxjs';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { validatePayload, type PayloadLimits } from '../signal/validate-payload.ts';
import { unrefTimer, type Clock, type TimerHandle } from '../util/clock.ts';
import { GuardedObservable } from '../util/guarded-observable.ts';
import { optionKeys } from '../util/known-keys.ts';
import { ContextError } from './context-errors.ts';
import { checkKey, checkPrefix, deepFreeze } from './context-keys.ts';
import { ContextShare, type SharedValue } from './context-share.ts';
import type { KeyValueStore } from './key-value-store.ts';

/** One value of the mirror. Frozen, value included. */
export interface ContextEntry {
  /** Dotted key, namespaced by its publisher, e.g. `node.store.breakerState`. */
  readonly key: string;
  /** A JSON value (a deep-frozen copy of what was published). */
  readonly value: unknown;
  /** Who published it, e.g. a network's name. */
  readonly publisher: string;
  /** Clock time of the publish (ms). */
  readonly publishedAt: number;
  /** Clock time at which it expires, or undefined for no TTL. */
  readonly expiresAt: number | undefined;
}

/** Options of {@link ContextStore.publish}. */
export interface ContextPublishOptions {
  /** Who publishes (non-empty). */
  publisher: string;
  /**
   * Milliseconds after which the value is removed unless published again. Shared over NATS, the
   * expiry travels in the stored value (nats-server 2.9 has no per-key TTL): every process treats
   * the value as absent from then on, and whoever sees it expire deletes it from the bucket.
   * @defaultValue none (kept until removed)
   */
  ttlMs?: number;
}

/** The keys of {@link ContextPublishOptions} (a compile error until a new option is listed). */
export const CONTEXT_PUBLISH_OPTION_KEYS = optionKeys<ContextPublishOptions>()(['publisher', 'ttlMs']);

/**
 * What changed: `set` (a new value, or another publisher), `expired` (its TTL passed) or
 * `removed`. `entry` is the entry now (set) or the one that went (expired, removed).
 */
export interface ContextChange {
  /** What happened to the key: set (new or changed), expired (its TTL passed) or removed. */
  readonly change: 'set' | 'expired' | 'removed';
  /** The entry as it was set, or as it was when it expired or was removed. */
  readonly entry: ContextEntry;
}

/**
 * The context mirror as its users see it (`network.context`): JSON values by key, with their
 * publisher. With a NATS transport every process of the network shares it through a JetStream
 * key-value bucket: calls act on this process's view at once and write the bucket behind, and a
 * watch of the bucket brings the others' writes (docs/operations.md, "Context mirror").
 */
export interface ContextStore {
  /** Publishes `value` under `key`; a value equal to the one there from the same publisher only refreshes it. */
  publish(key: string, value: unknown, options: ContextPublishOptions): ContextEntry;
  /** Removes the value of `key`; true when there was one. */
  remove(key: string): boolean;
  /** The entry of `key` now, or undefined. */
  get(key: string): ContextEntry | undefined;
  /** Every entry now, or those under `prefix`. */
  entries(prefix?: string): ContextEntry[];
  /** The entry of `key` now, then on each change (undefined once it expires or is removed). */
  watch(key: string): Observable<ContextEntry | undefined>;
  /** The entries under `prefix` now, then after each change of one of them. */
  watchPrefix(prefix: string): Observable<ContextEntry[]>;
}

/** What a mirror is built from. */
export interface ContextMirrorParts {
  readonly clock: Clock;
  /** Values are held to the payload limits. */
  readonly limits: PayloadLimits;
  /** Told of each change (after the watchers). */
  readonly onChange?: (change: ContextChange) => void;
}

interface Stored {
  entry: ContextEntry;
  /** The value as JSON: what tells a change from a re-publish of the same value. */
  json: string;
  timer: TimerHandle | undefined;
}

interface PrefixWatcher {
  readonly prefix: string;
  readonly notify: () => void;
}

/** A shared key → value store of JSON values: `network.context`'s store. */
export class ContextMirror implements ContextStore {
  readonly #parts: ContextMirrorParts;
  readonly #store = new Map<string, Stored>();
  readonly #keyWatchers = new Map<string, Set<(entry: ContextEntry | undefined) => void>>();
  readonly #prefixWatchers = new Set<PrefixWatcher>();
  readonly #closers = new Set<() => void>();
  #closed = false;
  #subscriberErrors = 0;
  /** The shared store this mirror is a view of, between `share` and `unshare`. */
  #share: ContextShare | undefined;

  constructor(parts: ContextMirrorParts) {
    this.#parts = parts;
  }

  /** Errors thrown by watchers' callbacks (caught, so that a publish never fails for them). */
  get subscriberErrors(): number {
    return this.#subscriberErrors;
  }

  /**
   * Publishes `value` under `key`. A value equal (as JSON) to the one there from the same
   * publisher only refreshes its time and TTL: watchers see changes only. Throws
   * {@link ContextError} (`invalid-key`, `invalid-value`, `closed`) or InvalidOptionsError.
   */
  publish(key: string, value: unknown, options: ContextPublishOptions): ContextEntry {
    checkKey(key);
    checkObject('options', options);
    if (options === undefined) throw new InvalidOptionsError('options', 'must name the publisher', options);
    checkKnownKeys('options', options, CONTEXT_PUBLISH_OPTION_KEYS);
    const { publisher, ttlMs } = options;
    if (typeof publisher !== 'string' || publisher === '') throw new InvalidOptionsError('publisher', 'must be a non-empty string', publisher);
    if (ttlMs !== undefined) checkNumber('ttlMs', ttlMs, { above: 0 });
    if (this.#closed) throw new ContextError('closed', key, `the context mirror is closed: ${key} was not published`);
    try {
      validatePayload(value, this.#parts.limits);
    } catch (e) {
      throw new ContextError('invalid-value', key, `context value of ${key} is no JSON value: ${(e as Error).message}`, e);
    }
    const json = JSON.stringify(value) ?? 'null';
    const now = this.#parts.clock.now();
    const before = this.#store.get(key);
    const entry = this.#set(key, json, publisher, now, ttlMs === undefined ? undefined : now + ttlMs);
    // An unchanged value without a TTL (before or now) is the same in the shared store: nothing
    // to write, unless writing it failed before (the periodic re-publish heals an outage).
    const same = before !== undefined && before.json === json && before.entry.publisher === publisher && before.entry.expiresAt === undefined && ttlMs === undefined;
    if (!same || this.#share?.unsynced(key) === true) this.#share?.published(key, entry);
    return entry;
  }

  /**
   * Makes this mirror a view of `store`, shared with every process that shares it: what is
   * published or removed here is written there, and what others write there appears here (a
   * watch keeps it current). Writes the values published here so far, then resolves once the
   * store's current values are here. `failure` hears of writes and reads that failed (the mirror
   * goes on). Rejects when the store cannot be watched; the mirror then stays in-process.
   * Expiry in a shared store: see context-share.ts (the expiry travels in the value).
   */
  async share(store: KeyValueStore, failure: (error: Error, operation: 'context.write' | 'context.read') => void): Promise<void> {
    if (this.#closed) throw new ContextError('closed', '', 'the context mirror is closed: it cannot be shared');
    if (this.#share !== undefined) return;
    const share = new ContextShare(store, {
      clock: this.#parts.clock,
      set: (key, shared) => this.#setShared(key, shared),
      // A deletion that is the purge of a value already past its expiry is its expiry here too.
      drop: (key, change) => void this.#drop(key, this.#isExpired(key) ? 'expired' : change),
      failure,
    });
    this.#share = share;
    try {
      await share.open([...this.#store.values()].map(({ entry }) => ({ key: entry.key, shared: entry })));
    } catch (e) {
      if (this.#share === share) this.#share = undefined;
      throw e;
    }
  }

  /** Stops sharing (waits for the writes in flight): later publishes stay in this process. Values stay readable. */
  async unshare(): Promise<void> {
    const share = this.#share;
    this.#share = undefined;
    await share?.close();
  }

  /** Removes the value of `key`; true when there was one. */
  remove(key: string): boolean {
    checkKey(key);
    const had = this.#drop(key, 'removed');
    if (had) this.#share?.removed(key);
    return had;
  }

  /** The entry of `key` now, or undefined. */
  get(key: string): ContextEntry | undefined {
    return this.#store.get(key)?.entry;
  }

  /** Every entry now, by key (in the order keys were first published), or those under `prefix`. */
  entries(prefix = ''): ContextEntry[] {
    const out: ContextEntry[] = [];
    for (const [key, stored] of this.#store) if (key.startsWith(prefix)) out.push(stored.entry);
    return out;
  }

  /**
   * The entry of `key`: now (undefined when there is none), then on each change (undefined once
   * it expires or is removed). Completes when the mirror closes.
   */
  watch(key: string): Observable<ContextEntry | undefined> {
    checkKey(key);
    return this.#observable((subscriber) => {
      subscriber.next(this.get(key));
      let watchers = this.#keyWatchers.get(key);
      if (watchers === undefined) this.#keyWatchers.set(key, (watchers = new Set()));
      const set = watchers;
      const notify = (entry: ContextEntry | undefined): void => subscriber.next(entry);
      set.add(notify);
      return () => {
        set.delete(notify);
        if (set.size === 0) this.#keyWatchers.delete(key);
      };
    });
  }

  /**
   * The entries under `prefix` (`'node.store.'`; `''` for all): now, then after each change of
   * one of them. Completes when the mirror closes.
   */
  watchPrefix(prefix: string): Observable<ContextEntry[]> {
    checkPrefix(prefix);
    return this.#observable((subscriber) => {
      subscriber.next(this.entries(prefix));
      const watcher: PrefixWatcher = { prefix, notify: () => subscriber.next(this.entries(prefix)) };
      this.#prefixWatchers.add(watcher);
      return () => this.#prefixWatchers.delete(watcher);
    });
  }

  /** Clears the TTL timers and completes every watch; later publishes throw `closed`. Values stay readable. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.unshare();
    for (const stored of this.#store.values()) if (stored.timer !== undefined) this.#parts.clock.clearTimeout(stored.timer);
    for (const stored of this.#store.values()) stored.timer = undefined;
    for (const close of [...this.#closers]) close();
  }

  #observable<T>(start: (subscriber: { next(value: T): void }) => () => void): Observable<T> {
    return new GuardedObservable<T>(
      () => this.#subscriberErrors++,
      (subscriber) => {
        const stop = start(subscriber);
        if (this.#closed) {
          // Closed: the current value(s), then the end.
          stop();
          subscriber.complete();
          return undefined;
        }
        const close = (): void => subscriber.complete();
        this.#closers.add(close);
        return () => {
          this.#closers.delete(close);
          stop();
        };
      },
    );
  }

  /**
   * Sets `key` (its TTL timer from `expiresAt`) and tells the watchers when the value or its
   * publisher changed; returns the new entry.
   */
  #set(key: string, json: string, publisher: string, publishedAt: number, expiresAt: number | undefined): ContextEntry {
    const entry: ContextEntry = Object.freeze({ key, value: deepFreeze(JSON.parse(json)), publisher, publishedAt, expiresAt });
    const before = this.#store.get(key);
    if (before?.timer !== undefined) this.#parts.clock.clearTimeout(before.timer);
    const timer = expiresAt === undefined ? undefined : unrefTimer(this.#parts.clock.setTimeout(() => this.#expired(key), Math.max(0, expiresAt - this.#parts.clock.now())));
    this.#store.set(key, { entry, json, timer });
    if (before === undefined || before.json !== json || before.entry.publisher !== publisher) this.#changed(key, { change: 'set', entry });
    return entry;
  }

  /** A value from the shared store: held to the same rules as a publish here (throws ContextError). */
  #setShared(key: string, shared: SharedValue): void {
    checkKey(key);
    try {
      validatePayload(shared.value, this.#parts.limits);
    } catch (e) {
      throw new ContextError('invalid-value', key, `context value of ${key} from the shared store is no JSON value: ${(e as Error).message}`, e);
    }
    if (this.#closed) return;
    this.#set(key, JSON.stringify(shared.value) ?? 'null', shared.publisher, shared.publishedAt, shared.expiresAt);
  }

  #isExpired(key: string): boolean {
    const expiresAt = this.#store.get(key)?.entry.expiresAt;
    return expiresAt !== undefined && expiresAt <= this.#parts.clock.now();
  }

  #expired(key: string): void {
    if (this.#drop(key, 'expired')) this.#share?.expired(key);
  }

  #drop(key: string, change: 'expired' | 'removed'): boolean {
    const stored = this.#store.get(key);
    if (stored === undefined) return false;
    if (stored.timer !== undefined) this.#parts.clock.clearTimeout(stored.timer);
    this.#store.delete(key);
    this.#changed(key, { change, entry: stored.entry });
    return true;
  }

  #changed(key: string, change: ContextChange): void {
    const now = change.change === 'set' ? change.entry : undefined;
    const watchers = this.#keyWatchers.get(key);
    if (watchers !== undefined) for (const notify of [...watchers]) notify(now);
    for (const watcher of [...this.#prefixWatchers]) if (key.startsWith(watcher.prefix)) watcher.notify();
    this.#parts.onChange?.(change);
  }
}

export { CONTEXT_KEY_MAX_LENGTH } from './context-keys.ts';

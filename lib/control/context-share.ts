/**
 * A context mirror shared through a {@link KeyValueStore} (a JetStream key-value bucket with a
 * NATS transport): every process of a network writes its publishes and removals to the store and
 * keeps its local view current from one watch of the whole store. Last writer wins, in the
 * store's order: while this process's own writes of a key are in flight, what the watch says of
 * that key is held back, and applied after them only if the store has it at a later revision
 * (so neither an echo of an older write nor a slow acknowledgement makes a value flap).
 *
 * TTL: the store keeps no per-key TTL (nats-server 2.9 has none), so the expiry travels in the
 * stored value (`expiresAt`, wall-clock ms of the publisher's clock) and every reader treats an
 * expired value as absent. Whoever sees it expire (its timer here, or a late starter reading it)
 * deletes it from the store, compare-and-set on the revision it saw, so a fresh publish is never
 * deleted by mistake.
 */
import type { Clock } from '../util/clock.ts';
import { isKeyValueConflictError } from './key-value-errors.ts';
import type { KeyValueEntry, KeyValueStore, KeyValueWatch } from './key-value-store.ts';

/** A value as the store holds it (JSON text of this shape). */
export interface SharedValue {
  /** The JSON value. */
  readonly value: unknown;
  /** Who published it. */
  readonly publisher: string;
  /** Wall-clock time of the publish (ms). */
  readonly publishedAt: number;
  /** Wall-clock time at which it expires, or undefined for no TTL. */
  readonly expiresAt: number | undefined;
}

/** What the share does to its mirror. */
export interface ContextShareHooks {
  readonly clock: Clock;
  /** Sets a value read from the store (validated by the mirror: throws when it is no valid key or JSON value). */
  set(key: string, value: SharedValue): void;
  /** The key has no value any more: `removed` from the store, or `expired` when it was read already expired. */
  drop(key: string, change: 'expired' | 'removed'): void;
  /** A write, a read or a value from the store failed (the mirror goes on). */
  failure(error: Error, operation: 'context.write' | 'context.read'): void;
}

interface KeyState {
  /** Own writes of the key not yet acknowledged. */
  inFlight: number;
  /** The highest revision known for the key: an own acknowledged write, or an applied entry. */
  revision: number;
  /** The latest entry the watch brought while own writes were in flight. */
  held: KeyValueEntry | undefined;
  /** The last own write failed: the store may not hold what this process shows (the next publish writes even an unchanged value). */
  unsynced: boolean;
}

/** The link between one context mirror and a shared store, from `open` to `close`. */
export class ContextShare {
  readonly #store: KeyValueStore;
  readonly #hooks: ContextShareHooks;
  readonly #keys = new Map<string, KeyState>();
  readonly #writes = new Set<Promise<unknown>>();
  #watch: KeyValueWatch | undefined;
  #closed = false;

  constructor(store: KeyValueStore, hooks: ContextShareHooks) {
    this.#store = store;
    this.#hooks = hooks;
  }

  /**
   * Writes the values this process published before (they are newer than the store's), then
   * watches the store and resolves once its current values are in the mirror. Rejects (and
   * stops watching) when the watch cannot start.
   */
  async open(local: readonly { key: string; shared: SharedValue }[]): Promise<void> {
    for (const { key, shared } of local) this.published(key, shared);
    const watch = this.#store.watch('', (entry) => this.#arrived(entry));
    this.#watch = watch;
    try {
      await watch.ready;
    } catch (e) {
      watch.dispose();
      this.#watch = undefined;
      this.#closed = true;
      throw e;
    }
  }

  /** This process published `key` (a new value, or one with a TTL to extend): write it. */
  published(key: string, shared: SharedValue): void {
    const text = JSON.stringify({ value: shared.value, publisher: shared.publisher, publishedAt: shared.publishedAt, expiresAt: shared.expiresAt });
    this.#write(key, () => this.#store.put(key, text));
  }

  /** True when the last write of `key` from here failed (an outage): a re-publish of the same value must be written. */
  unsynced(key: string): boolean {
    return this.#keys.get(key)?.unsynced === true;
  }

  /** This process removed `key`: delete it from the store. */
  removed(key: string): void {
    this.#write(key, async () => {
      await this.#store.delete(key);
      return undefined;
    });
  }

  /** The value of `key` this mirror held expired here: delete it from the store unless someone wrote it since. */
  expired(key: string): void {
    const state = this.#keys.get(key);
    if (state === undefined || state.inFlight > 0 || state.revision === 0) return;
    this.#purge(key, state.revision);
  }

  /** Stops watching and waits for the writes in flight (each bounded by the store's own timeout). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watch?.dispose();
    this.#watch = undefined;
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (state === undefined) this.#keys.set(key, (state = { inFlight: 0, revision: 0, held: undefined, unsynced: false }));
    return state;
  }

  #write(key: string, run: () => Promise<number | undefined>): void {
    if (this.#closed) return;
    const state = this.#state(key);
    state.inFlight++;
    const write = run().then(
      (revision) => {
        state.unsynced = false;
        if (revision !== undefined && revision > state.revision) state.revision = revision;
      },
      (e: unknown) => {
        state.unsynced = true;
        this.#hooks.failure(e as Error, 'context.write');
      },
    );
    this.#writes.add(write);
    void write.finally(() => {
      this.#writes.delete(write);
      state.inFlight--;
      const held = state.held;
      if (state.inFlight > 0 || held === undefined) return;
      state.held = undefined;
      if (held.revision > state.revision) this.#apply(held, state);
    });
  }

  #arrived(entry: KeyValueEntry): void {
    if (this.#closed) return;
    const state = this.#state(entry.key);
    if (entry.revision <= state.revision) return; // an echo of an own write, or older than what is here
    if (state.inFlight > 0) {
      if (state.held === undefined || entry.revision > state.held.revision) state.held = entry;
      return;
    }
    this.#apply(entry, state);
  }

  #apply(entry: KeyValueEntry, state: KeyState): void {
    state.revision = entry.revision;
    if (entry.deleted) {
      this.#hooks.drop(entry.key, 'removed');
      return;
    }
    let shared: SharedValue;
    try {
      shared = decode(entry.value);
    } catch (e) {
      this.#hooks.failure(new Error(`context value of ${entry.key} in the shared store is unreadable: ${(e as Error).message}`, { cause: e }), 'context.read');
      return;
    }
    if (shared.expiresAt !== undefined && shared.expiresAt <= this.#hooks.clock.now()) {
      this.#hooks.drop(entry.key, 'expired');
      this.#purge(entry.key, entry.revision);
      return;
    }
    try {
      this.#hooks.set(entry.key, shared);
    } catch (e) {
      this.#hooks.failure(e as Error, 'context.read');
    }
  }

  /** Deletes an expired value at the revision seen; a conflict means someone wrote it since: theirs stays. */
  #purge(key: string, revision: number): void {
    if (this.#closed) return;
    const purge = this.#store.delete(key, revision).catch((e: unknown) => {
      if (!isKeyValueConflictError(e)) this.#hooks.failure(e as Error, 'context.write');
    });
    this.#writes.add(purge);
    void purge.finally(() => this.#writes.delete(purge));
  }
}

/** Reads a stored value; throws when it is not one this mirror wrote. */
function decode(text: string): SharedValue {
  const o: unknown = JSON.parse(text);
  if (typeof o !== 'object' || o === null || !('value' in o)) throw new Error('no value in it');
  const { value, publisher, publishedAt, expiresAt } = o as Record<string, unknown>;
  if (typeof publisher !== 'string' || publisher === '') throw new Error('no publisher in it');
  if (typeof publishedAt !== 'number' || !Number.isFinite(publishedAt)) throw new Error('no publish time in it');
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) throw new Error('its expiry is no time');
  return { value, publisher, publishedAt, expiresAt };
}

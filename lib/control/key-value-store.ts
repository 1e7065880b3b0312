/*
 * What the control plane needs from a store that several processes share: JSON text by key,
 * with a revision per entry for compare-and-set, and a watch. With a NATS transport it is a
 * JetStream key-value bucket (lib/transport/nats/); the control plane sees only this interface,
 * so it stays below the transport in the layering and its specs can use an in-memory store.
 */
import type { DisposableHandle } from '../resilience/emitter.ts';

/** One entry of a shared key-value store. */
export interface KeyValueEntry {
  /** The key. */
  readonly key: string;
  /** The value, JSON text (empty when the entry was deleted). */
  readonly value: string;
  /** The store's revision of this entry: increases with every write to the store. */
  readonly revision: number;
  /** The entry is a deletion marker (the key was deleted or purged). */
  readonly deleted: boolean;
}

/** A key-value store shared by the processes of a network (a JetStream key-value bucket with NATS). */
export interface KeyValueStore {
  /** The entry of `key` now, or `undefined` when it has none (or was deleted). */
  get(key: string): Promise<KeyValueEntry | undefined>;
  /** Writes `value` whatever was there; resolves with the new revision. */
  put(key: string, value: string): Promise<number>;
  /** Writes `value` only if `key` has no entry; rejects with a conflict otherwise. Resolves with the revision. */
  create(key: string, value: string): Promise<number>;
  /** Writes `value` only if the entry of `key` is still at `revision` (compare-and-set); rejects with a conflict otherwise. */
  update(key: string, value: string, revision: number): Promise<number>;
  /**
   * Deletes the entry of `key` (a deletion marker that watchers see). With `revision`, only if
   * the entry is still at that revision (compare-and-set); rejects with a conflict otherwise.
   */
  delete(key: string, revision?: number): Promise<void>;
  /**
   * Calls `onEntry` with the current entry of every key that starts with `prefix` (all keys
   * when empty), then with every later change, deletions included, until disposed.
   */
  watch(prefix: string, onEntry: (entry: KeyValueEntry) => void): KeyValueWatch;
}

/** A running watch of a {@link KeyValueStore}. */
export interface KeyValueWatch extends DisposableHandle {
  /**
   * Resolves once the entries there were when the watch began have been passed to `onEntry`
   * (later changes follow); rejects when the watch could not start.
   */
  readonly ready: Promise<void>;
}

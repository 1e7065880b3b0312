/**
 * An in-memory {@link KeyValueStore} for unit specs: the same contract as the JetStream bucket
 * (one revision counter for the whole store, compare-and-set that rejects with
 * KeyValueConflictError, deletion markers that watchers see), with watch deliveries on
 * microtasks (never inside the call that caused them), as a real store's arrive later.
 * Several "processes" share one instance.
 */
import { KeyValueConflictError } from '../../lib/control/key-value-errors.ts';
import type { KeyValueEntry, KeyValueStore, KeyValueWatch } from '../../lib/control/key-value-store.ts';
import { disposable } from '../../lib/resilience/emitter.ts';

/** An operation of the store, for {@link MemoryKeyValueStore.failNext}. */
export type MemoryKeyValueOperation = 'get' | 'put' | 'create' | 'update' | 'delete' | 'watch';

export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, KeyValueEntry>();
  readonly #watchers = new Set<{ prefix: string; deliver: (entry: KeyValueEntry) => void }>();
  readonly #failures = new Map<MemoryKeyValueOperation, Error>();
  #revision = 0;
  /** Every write that reached the store (puts, creates, updates, deletes), in order. */
  readonly writes: KeyValueEntry[] = [];

  /** The next call of `operation` rejects with `error` (a watch: its `ready` rejects). */
  failNext(operation: MemoryKeyValueOperation, error: Error = new Error(`${operation} failed (on purpose)`)): void {
    this.#failures.set(operation, error);
  }

  /** The entry of `key` as stored, deletion markers included (for assertions). */
  raw(key: string): KeyValueEntry | undefined {
    return this.#entries.get(key);
  }

  /** Watches running now. */
  get watchers(): number {
    return this.#watchers.size;
  }

  async get(key: string): Promise<KeyValueEntry | undefined> {
    this.#fail('get');
    const e = this.#entries.get(key);
    return e === undefined || e.deleted ? undefined : e;
  }

  async put(key: string, value: string): Promise<number> {
    this.#fail('put');
    return this.#write(key, value, false);
  }

  async create(key: string, value: string): Promise<number> {
    this.#fail('create');
    const e = this.#entries.get(key);
    if (e !== undefined && !e.deleted) throw new KeyValueConflictError(key, 'create', 0);
    return this.#write(key, value, false);
  }

  async update(key: string, value: string, revision: number): Promise<number> {
    this.#fail('update');
    if (this.#entries.get(key)?.revision !== revision) throw new KeyValueConflictError(key, 'update', revision);
    return this.#write(key, value, false);
  }

  async delete(key: string, revision?: number): Promise<void> {
    this.#fail('delete');
    if (revision !== undefined && this.#entries.get(key)?.revision !== revision) throw new KeyValueConflictError(key, 'delete', revision);
    this.#write(key, '', true);
  }

  watch(prefix: string, onEntry: (entry: KeyValueEntry) => void): KeyValueWatch {
    let stopped = false;
    const watcher = {
      prefix,
      deliver: (entry: KeyValueEntry): void => {
        queueMicrotask(() => {
          if (!stopped) onEntry(entry);
        });
      },
    };
    const failure = this.#failures.get('watch');
    this.#failures.delete('watch');
    const current = [...this.#entries.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => a.revision - b.revision);
    const ready =
      failure !== undefined
        ? Promise.reject(failure)
        : new Promise<void>((resolve) => {
            this.#watchers.add(watcher);
            for (const e of current) watcher.deliver(e);
            queueMicrotask(resolve);
          });
    ready.catch(() => undefined);
    return Object.assign(
      disposable(() => {
        stopped = true;
        this.#watchers.delete(watcher);
      }),
      { ready },
    );
  }

  #write(key: string, value: string, deleted: boolean): number {
    const entry: KeyValueEntry = Object.freeze({ key, value, revision: ++this.#revision, deleted });
    this.#entries.set(key, entry);
    this.writes.push(entry);
    for (const w of [...this.#watchers]) if (key.startsWith(w.prefix)) w.deliver(entry);
    return entry.revision;
  }

  #fail(operation: MemoryKeyValueOperation): void {
    const e = this.#failures.get(operation);
    if (e === undefined) return;
    this.#failures.delete(operation);
    throw e;
  }
}

/** A view of the shared store that `kill()` cuts off for good (a process killed: no call answers, no watch delivers). */
export function killable(store: MemoryKeyValueStore): KeyValueStore & { kill(): void } {
  let dead = false;
  const alive = <T>(call: () => Promise<T>): Promise<T> => (dead ? new Promise<T>(() => {}) : call());
  return {
    kill: () => void (dead = true),
    get: (key) => alive(() => store.get(key)),
    put: (key, value) => alive(() => store.put(key, value)),
    create: (key, value) => alive(() => store.create(key, value)),
    update: (key, value, revision) => alive(() => store.update(key, value, revision)),
    delete: (key, revision) => alive(() => store.delete(key, revision)),
    watch: (prefix, onEntry) =>
      store.watch(prefix, (entry) => {
        if (!dead) onEntry(entry);
      }),
  };
}

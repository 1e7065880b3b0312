/**
 * A {@link KeyValueStore} over a JetStream key-value bucket, on a transport session's connection.
 * Revisions are the bucket stream's sequence numbers; compare-and-set is the server's
 * expected-last-subject-sequence check, so two processes can never both win one revision. A
 * watch is an ordered push consumer delivering the last message of each key, then every new one.
 */
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { KeyValueConflictError, type KeyValueConflictOperation } from '../../control/key-value-errors.ts';
import type { KeyValueEntry, KeyValueStore, KeyValueWatch } from '../../control/key-value-store.ts';
import { disposable } from '../../resilience/emitter.ts';
import { TransportError } from './errors.ts';
import { decodeKey, encodeKey, filterFor } from './kv-keys.ts';

/** The header JetStream key-value marks deletions with. */
const OPERATION_HEADER = 'KV-Operation';

/** A JetStream key-value bucket as a {@link KeyValueStore}; closed with its session. */
export class NatsKeyValueStore implements KeyValueStore {
  readonly #kv: KV;
  readonly #js: JetStreamClient;
  readonly #bucket: string;
  readonly #failure: (error: Error) => void;
  readonly #watches = new Set<() => void>();
  #closed = false;

  private constructor(kv: KV, js: JetStreamClient, bucket: string, failure: (error: Error) => void) {
    this.#kv = kv;
    this.#js = js;
    this.#bucket = bucket;
    this.#failure = failure;
  }

  /**
   * Opens bucket `bucket`, creating it (one value per key, file storage) when it does not exist.
   * `failure` hears of a watch that ended by itself (its consumer could not be recreated).
   */
  static async open(js: JetStreamClient, bucket: string, failure: (error: Error) => void): Promise<NatsKeyValueStore> {
    try {
      const kv = await new Kvm(js).create(bucket, { history: 1 });
      return new NatsKeyValueStore(kv, js, bucket, failure);
    } catch (e) {
      throw new TransportError('key-value', `cannot open key-value bucket ${bucket}: ${(e as Error).message}`, { cause: e, details: { bucket } });
    }
  }

  /** The bucket's name. */
  get bucket(): string {
    return this.#bucket;
  }

  async get(key: string): Promise<KeyValueEntry | undefined> {
    this.#checkOpen(key);
    const e = await this.#call('get', key, () => this.#kv.get(encodeKey(key)));
    if (e === null || e.operation !== 'PUT') return undefined;
    return Object.freeze({ key, value: e.string(), revision: e.revision, deleted: false });
  }

  async put(key: string, value: string): Promise<number> {
    this.#checkOpen(key);
    return this.#call('put', key, () => this.#kv.put(encodeKey(key), value));
  }

  async create(key: string, value: string): Promise<number> {
    this.#checkOpen(key);
    return this.#cas('create', key, 0, () => this.#kv.create(encodeKey(key), value));
  }

  async update(key: string, value: string, revision: number): Promise<number> {
    this.#checkOpen(key);
    // The client refuses a revision below 1 itself; a revision no entry has is a lost compare-and-set.
    if (!(revision >= 1)) throw new KeyValueConflictError(key, 'update', revision);
    return this.#cas('update', key, revision, () => this.#kv.update(encodeKey(key), value, revision));
  }

  async delete(key: string, revision?: number): Promise<void> {
    this.#checkOpen(key);
    if (revision === undefined) return this.#call('delete', key, () => this.#kv.delete(encodeKey(key)));
    if (!(revision >= 1)) throw new KeyValueConflictError(key, 'delete', revision);
    return this.#cas('delete', key, revision, () => this.#kv.delete(encodeKey(key), { previousSeq: revision }));
  }

  watch(prefix: string, onEntry: (entry: KeyValueEntry) => void): KeyValueWatch {
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      this.#watches.delete(stop);
      messages?.stop();
    };
    this.#watches.add(stop);
    const ready = this.#closed
      ? Promise.reject(new TransportError('closed', `key-value bucket ${this.#bucket} is closed`))
      : this.#startWatch(
          prefix,
          onEntry,
          () => stopped,
          (m) => (messages = m),
        );
    // A caller that never awaits `ready` must not see an unhandled rejection.
    ready.catch(() => undefined);
    return Object.assign(disposable(stop), { ready });
  }

  /** Stops every watch; later calls reject with TransportError `closed` (the session closes the connection). */
  close(): void {
    this.#closed = true;
    for (const stop of [...this.#watches]) stop();
  }

  async #startWatch(prefix: string, onEntry: (entry: KeyValueEntry) => void, stopped: () => boolean, started: (m: ConsumerMessages) => void): Promise<void> {
    const subjects = `$KV.${this.#bucket}.`;
    try {
      const consumer = await this.#js.consumers.getPushConsumer(`KV_${this.#bucket}`, { filter_subjects: subjects + filterFor(prefix), deliver_policy: DeliverPolicy.LastPerSubject });
      // The last message of each key there is now: once that many arrived, the watch is current.
      const current = (await consumer.info(true)).num_pending;
      let delivered = 0;
      let caughtUp: () => void = () => undefined;
      const upToDate = new Promise<void>((resolve) => (caughtUp = resolve));
      if (current === 0) caughtUp();
      const messages = await consumer.consume({
        callback: (m: JsMsg) => {
          const entry = toEntry(m, subjects.length);
          if (entry.key.startsWith(prefix) && !stopped()) onEntry(entry);
          if (++delivered >= current) caughtUp();
        },
      });
      started(messages);
      // The ordered consumer recreates itself after a reconnect; one that gives up ends the watch: say so.
      void messages.closed().then((r) => {
        if (r instanceof Error && !stopped())
          this.#failure(new TransportError('key-value', `watch of key-value bucket ${this.#bucket} ended: ${r.message}`, { cause: r, details: { bucket: this.#bucket } }));
      });
      if (stopped()) messages.stop();
      else await upToDate;
    } catch (e) {
      throw new TransportError('key-value', `cannot watch key-value bucket ${this.#bucket} (prefix ${JSON.stringify(prefix)}): ${(e as Error).message}`, {
        cause: e,
        details: { bucket: this.#bucket },
      });
    }
  }

  #checkOpen(key: string): void {
    if (typeof key !== 'string' || key === '') throw new TypeError(`a key-value key must be a non-empty string, not ${JSON.stringify(key)}`);
    if (this.#closed) throw new TransportError('closed', `key-value bucket ${this.#bucket} is closed`);
  }

  async #call<T>(operation: string, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new TransportError('key-value', `key-value ${operation} of ${JSON.stringify(key)} in bucket ${this.#bucket} failed: ${(e as Error).message}`, {
        cause: e,
        details: { bucket: this.#bucket, key },
      });
    }
  }

  async #cas<T>(operation: KeyValueConflictOperation, key: string, revision: number, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof JetStreamApiError && (e.code === JetStreamApiCodes.StreamWrongLastSequence || e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown))
        throw new KeyValueConflictError(key, operation, revision, e);
      throw new TransportError('key-value', `key-value ${operation} of ${JSON.stringify(key)} in bucket ${this.#bucket} failed: ${(e as Error).message}`, {
        cause: e,
        details: { bucket: this.#bucket, key },
      });
    }
  }
}

function toEntry(m: JsMsg, prefixLength: number): KeyValueEntry {
  const operation = m.headers?.get(OPERATION_HEADER) ?? '';
  const deleted = operation === 'DEL' || operation === 'PURGE';
  return Object.freeze({ key: decodeKey(m.subject.slice(prefixLength)), value: deleted ? '' : m.string(), revision: m.seq, deleted });
}

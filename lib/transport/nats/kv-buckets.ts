/**
 * The key-value buckets of one transport session: each opened (created when missing) on first
 * use, on the session's connection, shared by every caller that names it, and closed with the
 * session (their watches stop before the connection drains).
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KeyValueStore } from '../../control/key-value-store.ts';
import { TransportError } from './errors.ts';
import { NatsKeyValueStore } from './kv-store.ts';
import { kvBucketFor } from './names.ts';

/** Where a session's buckets are opened: its JetStream client once started, and its network name. */
export interface KvBucketsHost {
  /** The session's JetStream client, undefined before start and after close. */
  client(): JetStreamClient | undefined;
  /** The network name (bucket names derive from it). */
  readonly network: string;
  /** A bucket failed outside a call (a watch that ended by itself): audit log and event. */
  failure(error: Error, operation: string): void;
}

/** The buckets a session opened, by their short name. */
export class KvBuckets {
  readonly #host: KvBucketsHost;
  readonly #open = new Map<string, Promise<NatsKeyValueStore>>();

  constructor(host: KvBucketsHost) {
    this.#host = host;
  }

  /** The store of bucket `bucket` (short name, e.g. `context`); rejects with TransportError before start, after close, or when the bucket cannot be opened. */
  get(bucket: string): Promise<KeyValueStore> {
    if (typeof bucket !== 'string' || bucket === '') return Promise.reject(new TypeError(`a bucket name must be a non-empty string, not ${JSON.stringify(bucket)}`));
    const js = this.#host.client();
    if (js === undefined) return Promise.reject(new TransportError('closed', `key-value bucket ${bucket}: the NATS transport is not connected (start the network first)`));
    let store = this.#open.get(bucket);
    if (store === undefined) {
      store = NatsKeyValueStore.open(js, kvBucketFor(this.#host.network, bucket), (e) => this.#host.failure(e, 'transport.key-value'));
      this.#open.set(bucket, store);
      // A failed open is tried again by the next caller.
      store.catch(() => this.#open.delete(bucket));
    }
    return store;
  }

  /** Closes every opened bucket (stops their watches); later `get`s open afresh once connected again. */
  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const store of await Promise.allSettled(all)) if (store.status === 'fulfilled') store.value.close();
  }
}

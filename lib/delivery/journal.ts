import type { Signal } from '../signal/signal.ts';
import type { DeadLetter } from './dead-letter-queue.ts';

/** An idempotency key a node saw, and when: kept by a durable journal for its dedup window. */
export interface RecentKey {
  /** The node that saw the key (keys are per node). */
  readonly node: string;
  /** The idempotency key. */
  readonly key: string;
  /** When the key was first seen (clock time, ms). */
  readonly at: number;
}

/** A state the journal keeps for a part of the network, by key (see {@link Journal.keepState}). */
export interface KeptState {
  /** Whose state, e.g. `failover:pay` (one record per key survives). */
  readonly key: string;
  /** The state, a JSON value. */
  readonly value: unknown;
}

/** How a signal's processing ended, as the journal records it. */
export type SettleOutcome = 'completed' | 'dead-lettered';

/** A time range (and optional node and type) of journaled signals. */
export interface JournalQuery {
  /** Signals created at or after (ms). */
  from?: number;
  /** Signals created at or before (ms). */
  to?: number;
  /** Of this node only. */
  node?: string;
  /** Of this signal type only. */
  type?: string;
}

/** What a durable journal hands a network at start-up: everything the last run left open. */
export interface JournalRecovery {
  /** Accepted and never settled, oldest first (see {@link Journal.pending}). */
  readonly pending: Signal[];
  /** Dead letters still in the queue when the last run ended, oldest first. */
  readonly deadLetters: DeadLetter[];
  /** Idempotency keys seen within the dedup window (see {@link Journal.rememberKeys}), oldest first. */
  readonly keys: RecentKey[];
  /** The states parts of the network kept (see {@link Journal.keepState}), the last of each key; absent when the journal keeps none. */
  readonly states?: readonly KeptState[];
}

/**
 * Where signals persist for replay and crash recovery. The memory journal is the default; a
 * durable journal persists in `append` before the sender hears `accepted`, and can list what was
 * accepted and never settled (`pending`) after a restart.
 */
export interface Journal {
  /** True when `append` survives a crash of the process. */
  readonly durable: boolean;
  /** A signal was accepted into a mailbox. */
  append(signal: Signal): void | Promise<void>;
  /**
   * A signal's processing ended; a dead-lettered one comes with its queue entry, for a durable
   * journal to restore the dead letter queue from.
   */
  settle(signal: Signal, outcome: SettleOutcome, at: number, deadLetter?: DeadLetter): void;
  /** Settled (completed) signals of a range, oldest first. */
  query(q: JournalQuery): Signal[] | Promise<Signal[]>;
  /** Accepted and never settled (empty for a memory journal: the mailboxes hold them). */
  pending(): Signal[] | Promise<Signal[]>;
  /** Releases what the journal holds (files); called once, at the end of shutdown. */
  close(): void | Promise<void>;
  /**
   * Optional, for a durable journal: everything to restore at start-up (pending signals, dead
   * letters, idempotency keys). A network calls it, when present, in place of `pending`.
   */
  recover?(): Promise<JournalRecovery>;
  /**
   * Optional: keep the idempotency keys of the last `windowMs` (at most `maxKeys`) across
   * restarts. A network with deduplication calls it once, before its first use of the journal.
   */
  rememberKeys?(windowMs: number, maxKeys: number): void;
  /** Optional: the dead letter of `id` left the queue (purged, pushed out) and must not come back. */
  forgetDeadLetter?(id: string): void;
  /**
   * Optional, for a durable journal: keep `value` (a JSON value) as the state of `key` (a
   * failover group's active member and audit trail) until the next call for the same key;
   * `recover` gives back the last one. Not awaited: a crash may lose the last state written.
   */
  keepState?(key: string, value: unknown): void;
}

/** A journal's own view of its health, for the network's `journal` health check. */
export interface JournalHealth {
  /** `unhealthy` once the journal failed for good (every append rejects). */
  readonly status: 'healthy' | 'unhealthy';
  /** Pending signals, file size, and the failure when there is one. */
  readonly details: Readonly<Record<string, unknown>>;
}

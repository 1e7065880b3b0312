/**
 * The signal envelope: the one shape that travels between nodes. Leaf file: imports nothing of ours.
 */

/** How one processing attempt of a signal ended. */
export type HopOutcome = 'completed' | 'failed' | 'timeout';

/** One step of a signal's processing history. */
export interface Hop {
  /** The node that handled the signal. */
  readonly node: string;
  /** The mailbox partition it was handled in. */
  readonly partition: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** Clock time the attempt started (ms). */
  readonly startedAt: number;
  /** Clock time the attempt finished (ms). */
  readonly finishedAt: number;
  /** How the attempt ended. */
  readonly outcome: HopOutcome;
}

/**
 * An immutable, versioned message. Created by the network from a {@link SignalDraft}; the
 * envelope object is frozen. `hops` is the processing history, appended by the runtime only.
 */
export interface Signal<P = unknown> {
  /** A UUID v7 (sorts by creation time). */
  readonly id: string;
  /** What the signal means, e.g. `order.placed`; routes it to a handler. */
  readonly type: string;
  /** Schema version of `payload`, `'1.0'` unless given. */
  readonly version: string;
  /** The data (validated against the type schema when one is registered). */
  readonly payload: P;
  /** The node that emitted it, or `undefined` when sent from outside the network. */
  readonly source: string | undefined;
  /** The node it is addressed to. */
  readonly target: string;
  /** Signals with the same key are handled strictly in order. Defaults to the id. */
  readonly partitionKey: string;
  /** Deduplication key; defaults to the id (a fresh unique key). */
  readonly idempotencyKey: string;
  /** Shared by a signal and everything emitted while handling it (and their descendants). */
  readonly correlationId: string;
  /** The id of the signal whose handler emitted this one. */
  readonly causationId: string | undefined;
  /** Clock time of creation (ms). */
  readonly createdAt: number;
  /** 0 (can wait) .. 1 (urgent). */
  readonly urgency: number;
  /** Free-form string metadata, carried along unchanged. */
  readonly headers: Readonly<Record<string, string>>;
  /** Processing history, oldest first. */
  readonly hops: readonly Hop[];
  /**
   * Emits between this signal and the one sent from outside that started its chain: 0 for a
   * signal sent from outside, the parent's depth + 1 for one a handler emitted. A network
   * refuses an emit past its `maxCausationDepth`. Counted within one process (signals a
   * journal or a transport brings in start again at 0); `undefined` means 0.
   */
  readonly causationDepth?: number;
}

/** What a sender provides; the network fills in the rest. */
export interface SignalDraft<P = unknown> {
  /** What the signal means, e.g. `order.placed`. */
  type: string;
  /** Schema version of `payload`; `1.0` when absent. */
  version?: string;
  /** The data. */
  payload?: P;
  /** Signals with the same key are handled strictly in order; the id when absent. */
  partitionKey?: string;
  /** Deduplication key; the id when absent (no dedup). */
  idempotencyKey?: string;
  /** Shared by everything one request caused; a handler emit inherits its parent's. */
  correlationId?: string;
  /** The signal that caused this one (set by a handler emit). */
  causationId?: string;
  /** 0 (can wait) .. 1 (urgent); 0.5 when absent. */
  urgency?: number;
  /** Free-form string metadata. */
  headers?: Record<string, string>;
  /** The emitting node (set by a handler emit). */
  source?: string;
}

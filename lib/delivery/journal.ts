import type { Signal } from '../signal/signal.ts';

/** How a signal's processing ended, as the journal records it. */
export type SettleOutcome = 'completed' | 'dead-lettered';

/** A time range (and optional node and type) of journaled signals. */
export interface JournalQuery {
  /** Signals created at or after (ms). */
  from?: number;
  /** Signals created at or before (ms). */
  to?: number;
  node?: string;
  type?: string;
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
  /** A signal's processing ended. */
  settle(signal: Signal, outcome: SettleOutcome, at: number): void;
  /** Settled (completed) signals of a range, oldest first. */
  query(q: JournalQuery): Signal[] | Promise<Signal[]>;
  /** Accepted and never settled (empty for a memory journal: the mailboxes hold them). */
  pending(): Signal[] | Promise<Signal[]>;
  close(): void | Promise<void>;
}

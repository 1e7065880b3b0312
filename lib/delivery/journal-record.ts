/**
 * The journal's records as read back (`record-decode.ts` and `record-decode-array.ts` make them,
 * the scan reads them). Leaf file: types only, so the two decoders share them without importing
 * each other.
 */
import type { Hop, Signal } from '../signal/signal.ts';
import type { SettleOutcome } from './journal.ts';
import type { DeadLetterDetail } from './record-dead-letter.ts';

/** An accepted signal, as read back. */
export interface AcceptRecord {
  readonly op: 'accept';
  readonly signal: Signal;
}

/** A settled signal, as read back. */
export interface SettleRecord {
  readonly op: 'settle';
  readonly id: string;
  readonly outcome: SettleOutcome;
  readonly at: number;
  readonly hops: readonly Hop[];
  /** What its dead letter queue entry said (a kind-5 record). */
  readonly deadLetter?: DeadLetterDetail;
}

/** A dead letter that left the queue (purged, pushed out). */
export interface DeadLetterRemovedRecord {
  readonly op: 'dead-letter-removed';
  readonly id: string;
}

/** An idempotency key seen at `node` at `at`, kept for the dedup window. */
export interface KeyRecord {
  readonly op: 'key';
  readonly node: string;
  readonly key: string;
  readonly at: number;
}

/** A signal accepted and settled in one record: its history is the final one. */
export interface AcceptSettledRecord {
  readonly op: 'accept-settled';
  readonly signal: Signal;
  readonly outcome: SettleOutcome;
  readonly at: number;
}

/** A shape line (see `signal-codec.ts`): read into the scan's shapes, nothing else. */
export interface ShapeRecord {
  readonly op: 'shape';
  readonly n: number;
}

/** One line of the journal, decoded. */
export type JournalRecord = AcceptRecord | SettleRecord | AcceptSettledRecord | ShapeRecord | DeadLetterRemovedRecord | KeyRecord;

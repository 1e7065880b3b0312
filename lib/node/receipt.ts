import type { RejectReason } from '../observe/events.ts';
import type { PlexusError } from '../util/errors.ts';

/** The signal is in the target's mailbox. */
export interface AcceptedReceipt {
  /** Discriminant. */
  readonly status: 'accepted';
  /** The new signal id. */
  readonly id: string;
  /** The node the signal was addressed to. */
  readonly target: string;
  /** The mailbox partition that holds it. */
  readonly partition: number;
}

/** A signal with the same idempotency key was seen within the window; nothing was queued. */
export interface DuplicateReceipt {
  /** Discriminant. */
  readonly status: 'duplicate';
  /** The id of the dropped duplicate. */
  readonly id: string;
  /** The node the signal was addressed to. */
  readonly target: string;
  /** The key that matched. */
  readonly idempotencyKey: string;
}

/** The signal was refused; `error` is the typed error that says why. */
export interface RejectedReceipt {
  /** Discriminant. */
  readonly status: 'rejected';
  /** The node the signal was addressed to. */
  readonly target: string;
  /** Why it was refused. */
  readonly reason: RejectReason;
  /** The typed error that says why. */
  readonly error: PlexusError;
}

/** What a sender learns about every send: it is never left guessing. */
export type Receipt = AcceptedReceipt | DuplicateReceipt | RejectedReceipt;

import type { RejectReason } from '../observe/events.ts';
import type { PlexusError } from '../util/errors.ts';

/** The signal is in the target's mailbox. */
export interface AcceptedReceipt {
  readonly status: 'accepted';
  readonly id: string;
  readonly target: string;
  readonly partition: number;
}

/** A signal with the same idempotency key was seen within the window; nothing was queued. */
export interface DuplicateReceipt {
  readonly status: 'duplicate';
  readonly id: string;
  readonly target: string;
  readonly idempotencyKey: string;
}

/** The signal was refused; `error` is the typed error that says why. */
export interface RejectedReceipt {
  readonly status: 'rejected';
  readonly target: string;
  readonly reason: RejectReason;
  readonly error: PlexusError;
}

/** What a sender learns about every send: it is never left guessing. */
export type Receipt = AcceptedReceipt | DuplicateReceipt | RejectedReceipt;

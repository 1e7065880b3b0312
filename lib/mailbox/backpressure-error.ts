/**
 * The error of a full mailbox. Leaf file: the network refuses a post with it, and a transport's
 * refusal (`PublishBackpressureError`) extends it, so it lives below both.
 */
import { PlexusError } from '../util/errors.ts';

/** The target's mailbox is too full to take more (flow control). Try again later. */
export class BackpressureError extends PlexusError {
  /**
   * @param target - The node that refused.
   * @param fill - Its mailbox fill then, 0..1.
   */
  constructor(
    /** The node that refused. */
    readonly target: string,
    /** Its mailbox fill then, 0..1. */
    readonly fill: number,
  ) {
    super('PLEXUS_BACKPRESSURE', `node ${JSON.stringify(target)} is ${(fill * 100).toFixed(1)}% full and refuses new signals`, { details: { target, fill } });
  }
}

/** True when `e` is a {@link BackpressureError}. */
export function isBackpressureError(e: unknown): e is BackpressureError {
  return e instanceof BackpressureError;
}

/**
 * The failover group's typed error. Leaf file: the group, the error codes and the public door use it.
 */
import { PlexusError } from '../util/errors.ts';

/** The `code` of {@link NoHealthyMemberError}. */
export const FAILOVER_EXHAUSTED_CODE = 'PLEXUS_FAILOVER_EXHAUSTED';

/** A failover group has no healthy member to take a call (or was disposed). */
export class NoHealthyMemberError extends PlexusError {
  /** The group's name. */
  readonly group: string;

  constructor(group: string, message: string) {
    super(FAILOVER_EXHAUSTED_CODE, message, { details: { group } });
    this.group = group;
  }
}

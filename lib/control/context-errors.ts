/**
 * The context mirror's typed error. Leaf file: the mirror, the network and the public door use it.
 */
import { PlexusError } from '../util/errors.ts';

/** The `code` of {@link ContextError}. */
export const CONTEXT_CODE = 'PLEXUS_CONTEXT';

/**
 * Why the context mirror refused a call. `invalid-key`: the key is no dotted name.
 * `invalid-value`: the value is no JSON value within the payload limits (the cause is the
 * ValidationError naming the rule and path). `closed`: the mirror was closed (the network shut down).
 */
export type ContextErrorReason = 'invalid-key' | 'invalid-value' | 'closed';

/** The context mirror refused a publish (or a watch on a bad key). */
export class ContextError extends PlexusError {
  /** What was wrong. */
  readonly reason: ContextErrorReason;
  /** The key concerned. */
  readonly key: string;

  constructor(reason: ContextErrorReason, key: string, message: string, cause?: unknown) {
    super(CONTEXT_CODE, message, { cause, details: { reason, key } });
    this.reason = reason;
    this.key = key;
  }
}

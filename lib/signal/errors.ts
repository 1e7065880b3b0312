import { PlexusError } from '../util/errors.ts';

/** What exactly was wrong with a signal or its payload. */
export type ValidationIssue =
  | 'invalid-type'
  | 'invalid-version'
  | 'invalid-target'
  | 'invalid-field'
  | 'unknown-field'
  | 'not-serialisable'
  | 'cyclic'
  | 'too-large'
  | 'too-deep'
  | 'forbidden-key'
  | 'invalid-utf16'
  | 'urgency-out-of-range'
  | 'unsupported-version'
  | 'invalid-payload';

/** A signal (or option) was refused because of its content. Never retried. */
export class ValidationError extends PlexusError {
  /** Which rule the input broke. */
  readonly issue: ValidationIssue;
  /** Where in the payload, as a JSON-path-like string (`$.a.b[2]`), when known. */
  readonly path: string | undefined;

  constructor(issue: ValidationIssue, message: string, options: { path?: string; cause?: unknown } = {}) {
    super('PLEXUS_VALIDATION', message, { cause: options.cause, details: { issue, path: options.path } });
    this.issue = issue;
    this.path = options.path;
  }
}

/** True when `e` is a {@link ValidationError}. */
export function isValidationError(e: unknown): e is ValidationError {
  return e instanceof ValidationError;
}

/** A send was addressed to a node the network does not have. */
export class UnknownTargetError extends PlexusError {
  /** @param target - The node name that no node has. */
  constructor(readonly target: string) {
    super('PLEXUS_UNKNOWN_TARGET', `no node named ${JSON.stringify(target)} in this network`, { details: { target } });
  }
}

/** True when `e` is an {@link UnknownTargetError}. */
export function isUnknownTargetError(e: unknown): e is UnknownTargetError {
  return e instanceof UnknownTargetError;
}

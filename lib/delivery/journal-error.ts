/**
 * The typed error of the durable journals. Leaf file: imports only the PlexusError base.
 */
import { PlexusError } from '../util/errors.ts';

/** Code of {@link JournalError}. */
export const JOURNAL_CODE = 'PLEXUS_JOURNAL';

/** What went wrong, in one word a caller can branch on. */
export type JournalFailure = 'closed' | 'open' | 'read' | 'write' | 'fsync' | 'encode';

/**
 * A durable journal could not do what was asked: it is closed, its file could not be opened or
 * read, or a write or fsync failed (disk full, I/O error). The system error is kept as `cause`.
 */
export class JournalError extends PlexusError {
  /** Which step failed. */
  readonly failure: JournalFailure;
  /** The journal file. */
  readonly path: string;
  constructor(failure: JournalFailure, path: string, message: string, cause?: unknown) {
    const sys: unknown = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
    super(JOURNAL_CODE, `journal ${path}: ${message}${typeof sys === 'string' ? ` (${sys})` : ''}`, {
      cause,
      details: { failure, path, ...(typeof sys === 'string' ? { systemCode: sys } : {}) },
    });
    this.failure = failure;
    this.path = path;
  }
}

/** True when `e` is a {@link JournalError} (checks the code, so it works across module copies). */
export function isJournalError(e: unknown): e is JournalError {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === JOURNAL_CODE;
}

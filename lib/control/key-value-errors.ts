/**
 * The typed error of a shared key-value store's compare-and-set. Leaf file: the store interface's
 * implementations (in memory, JetStream) throw it; the control plane tests for it.
 */
import { PlexusError } from '../util/errors.ts';

/** The `code` of {@link KeyValueConflictError}. */
export const KEY_VALUE_CONFLICT_CODE = 'PLEXUS_KEY_VALUE_CONFLICT';

/** Which compare-and-set lost: a `create` (the key had an entry) or an `update` / `delete` at a stale revision. */
export type KeyValueConflictOperation = 'create' | 'update' | 'delete';

/**
 * A compare-and-set on a shared key-value store lost: `create` found an entry, or `update` /
 * `delete` named a revision the entry is no longer at (another writer came first).
 */
export class KeyValueConflictError extends PlexusError {
  /** The key concerned. */
  readonly key: string;
  /** The operation that lost. */
  readonly operation: KeyValueConflictOperation;
  /** The revision the writer expected (`0` for a create). */
  readonly expectedRevision: number;

  constructor(key: string, operation: KeyValueConflictOperation, expectedRevision: number, cause?: unknown) {
    const what = operation === 'create' ? 'it already has an entry' : `its entry is no longer at revision ${expectedRevision}`;
    super(KEY_VALUE_CONFLICT_CODE, `key-value ${operation} of ${JSON.stringify(key)} lost: ${what}`, { cause, details: { key, operation, expectedRevision } });
    this.key = key;
    this.operation = operation;
    this.expectedRevision = expectedRevision;
  }
}

/** True when `e` is a {@link KeyValueConflictError} (checks the code, so it works across module copies). */
export function isKeyValueConflictError(e: unknown): e is KeyValueConflictError {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === KEY_VALUE_CONFLICT_CODE;
}

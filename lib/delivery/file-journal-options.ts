/**
 * Options, defaults and counters of the FileJournal. Leaf file (imports only the option checks).
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * Whether an append waits for `fdatasync` (survives power loss) or only for `write` (survives a
 * crash of the process, not of the machine).
 * @defaultValue true
 */
export const DEFAULT_JOURNAL_FSYNC = true;

/**
 * File size at which the journal is rewritten with only its pending records.
 * @defaultValue 64 MiB
 */
export const DEFAULT_JOURNAL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Completed signals kept indexed in memory for `query` (and `network.replay`).
 * @defaultValue 10 000
 */
export const DEFAULT_COMPLETED_IN_MEMORY = 10_000;

/** Options of the FileJournal. */
export interface FileJournalOptions {
  /** The journal file (created, with its directory, on first use). One process per file. */
  path: string;
  /** See `true`. */
  fsync?: boolean;
  /** See 64 MiB. */
  maxBytes?: number;
  /** See 10 000. */
  completedInMemory?: number;
}

/** The keys of {@link FileJournalOptions} (a compile error until a new option is listed). */
export const FILE_JOURNAL_OPTION_KEYS = optionKeys<FileJournalOptions>()(['path', 'fsync', 'maxBytes', 'completedInMemory']);

/** Counters of a FileJournal, for tests, metrics and operators. */
export interface FileJournalStats {
  /** Bytes in the file now. */
  readonly fileBytes: number;
  /** Signals accepted and not settled. */
  readonly pending: number;
  /** Completed signals indexed for `query`. */
  readonly completedIndexed: number;
  /** Writes done (one per group commit, however many records it held). */
  readonly batches: number;
  /** `fdatasync` calls done. */
  readonly fsyncs: number;
  /** Times the file was rewritten with only its pending records. */
  readonly compactions: number;
  /** Complete lines that did not decode when the file was opened (skipped). */
  readonly skippedLines: number;
  /** Bytes of a torn last record cut off when the file was opened (a crash mid-write). */
  readonly tornBytes: number;
  /**
   * Records left out because their signal could not be encoded when its batch was written (a
   * hand-built envelope with a payload `validatePayload` would have refused); 0 normally.
   */
  readonly encodeFailures: number;
}

/** Checks the options (throws InvalidOptionsError naming the option) and fills in the defaults. */
export function resolveFileJournalOptions(options: FileJournalOptions): Required<FileJournalOptions> {
  if (options === undefined) throw new InvalidOptionsError('options', 'are required (at least { path })', options);
  checkObject('options', options);
  checkKnownKeys('', options, FILE_JOURNAL_OPTION_KEYS);
  if (typeof options.path !== 'string' || options.path === '') throw new InvalidOptionsError('path', 'must be a non-empty string', options.path);
  if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw new InvalidOptionsError('fsync', 'must be a boolean', options.fsync);
  return {
    path: options.path,
    fsync: options.fsync ?? DEFAULT_JOURNAL_FSYNC,
    maxBytes: checkNumber('maxBytes', options.maxBytes ?? DEFAULT_JOURNAL_MAX_BYTES, { integer: true, min: 1 }),
    completedInMemory: checkNumber('completedInMemory', options.completedInMemory ?? DEFAULT_COMPLETED_IN_MEMORY, { integer: true, min: 1 }),
  };
}

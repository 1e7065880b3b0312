/**
 * Recovery strategies and the record of a recovery attempt. Leaf file.
 */
import type { ErrorCategory } from './categories.ts';

/** How a failure was (or was tried to be) recovered from. */
export const RecoveryStrategy = Object.freeze({
  /** The operation was retried and a later attempt succeeded (or all failed). */
  RETRY: 'retry',
  /** A fallback value or handler supplied the result. */
  FALLBACK: 'fallback',
  /** The breaker opened and failed calls fast instead of piling up. */
  CIRCUIT_BREAK: 'circuit-break',
  /** A reduced handler served the call while the breaker was open. */
  GRACEFUL_DEGRADE: 'graceful-degrade',
} as const);
/** One of the `RecoveryStrategy` values. */
export type RecoveryStrategy = (typeof RecoveryStrategy)[keyof typeof RecoveryStrategy];

/** One recovery that ran, for the audit log and `recoveryHistory()`. */
export interface RecoveryRecord {
  /** The strategy that ran. */
  readonly strategy: RecoveryStrategy;
  /** Whether the strategy produced a result (false: it ran and the call still failed). */
  readonly succeeded: boolean;
  /** Node or operation name. */
  readonly name: string;
  /** Id of the classified error that triggered the recovery, when there was one. */
  readonly errorId: string | undefined;
  /** Category of the error it answered, if any. */
  readonly category: ErrorCategory | undefined;
  /** Attempts made (RETRY), else 1. */
  readonly attempts: number;
  /** A short human-readable account. */
  readonly detail: string;
  /** Clock time (ms). */
  readonly at: number;
}

/** A fallback: a fixed value, or a handler given the final error. */
export type Fallback<T> =
  | {
      /** The result to use instead. */
      readonly value: T;
    }
  | {
      /** Produces the result from the final error (with the call's abort signal). */
      readonly handler: (error: unknown, signal: AbortSignal) => Promise<T> | T;
    };

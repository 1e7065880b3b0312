/**
 * Error categories, severities and the shape of a classified error. Leaf file (types and
 * constants only).
 */
import type { ErrorInfo } from '../../util/errors.ts';

/** What kind of failure an error is; decides retrying and recovery. */
export const ErrorCategory = Object.freeze({
  /** Bad input: never retried. */
  VALIDATION: 'validation',
  /** A connection or remote service failed: transient. */
  NETWORK: 'network',
  /** A time limit was hit: transient. */
  TIMEOUT: 'timeout',
  /** Something ran out (memory, slots, rate): wait and retry. */
  RESOURCE: 'resource',
  /** A bug or broken invariant. */
  INTERNAL: 'internal',
  /** None of the rules knew it. */
  UNKNOWN: 'unknown',
} as const);
/** One of the `ErrorCategory` values. */
export type ErrorCategory = (typeof ErrorCategory)[keyof typeof ErrorCategory];

/** How bad an error is. */
export const ErrorSeverity = Object.freeze({
  /** The caller's problem; nothing to page about. */
  LOW: 'low',
  /** Expected now and then (transient faults). */
  MEDIUM: 'medium',
  /** Needs attention (exhaustion, bugs). */
  HIGH: 'high',
  /** Needs attention now. */
  CRITICAL: 'critical',
} as const);
/** One of the `ErrorSeverity` values. */
export type ErrorSeverity = (typeof ErrorSeverity)[keyof typeof ErrorSeverity];

/**
 * Severity used when a rule gives none: bad input is the caller's problem (LOW), transient
 * faults are MEDIUM, exhaustion and bugs are HIGH.
 * @defaultValue validation low, network medium, timeout medium, resource high, internal high, unknown medium
 */
export const DEFAULT_SEVERITY: Readonly<Record<ErrorCategory, ErrorSeverity>> = Object.freeze({
  validation: 'low',
  network: 'medium',
  timeout: 'medium',
  resource: 'high',
  internal: 'high',
  unknown: 'medium',
});

/** What a classifier rule decides. */
export interface Classification {
  /** The category. */
  readonly category: ErrorCategory;
  /** Defaults to {@link DEFAULT_SEVERITY} of the category. */
  readonly severity?: ErrorSeverity;
}

/** Structured facts about where an error happened. `node` and `operation` are queryable in the audit log. */
export interface ErrorContext {
  /** The node where it happened. */
  readonly node?: string;
  /** The protected operation where it happened. */
  readonly operation?: string;
  /** The attempt (1-based). */
  readonly attempt?: number;
  readonly [key: string]: unknown;
}

/** A rule: return a classification for errors it knows, `undefined` for the rest. */
export type ClassifierRule = (error: unknown, context: ErrorContext) => Classification | undefined;

/** An error as recorded: unique id, category, severity, a serialisable snapshot and context. */
export interface ClassifiedError {
  /** Unique id (a UUID v7, so ids sort by time). */
  readonly id: string;
  /** What kind of error it is. */
  readonly category: ErrorCategory;
  /** How bad it is. */
  readonly severity: ErrorSeverity;
  /** A serialisable snapshot of the error. */
  readonly error: ErrorInfo;
  /** Where it happened. */
  readonly context: ErrorContext;
  /** Clock time of classification. */
  readonly at: number;
}

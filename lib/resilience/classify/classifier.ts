/**
 * Turns anything thrown into a {@link ClassifiedError}. User rules run first (first match wins),
 * then the built-in rules, then UNKNOWN.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { newId } from '../../signal/ids.ts';
import { toErrorInfo } from '../../util/errors.ts';
import { disposable, type DisposableHandle } from '../emitter.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkFunction, checkKnownKeys } from '../validate.ts';
import { DEFAULT_SEVERITY, ErrorCategory, type Classification, type ClassifiedError, type ClassifierRule, type ErrorContext } from './categories.ts';

/** Node errno codes that mean "the network failed". */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * How deep the built-in rules follow `error.cause` when the error itself is not recognised
 * (a wrapper around an ECONNRESET is still a network failure).
 * @defaultValue 3
 */
export const DEFAULT_CAUSE_DEPTH = 3;

const EMPTY_CONTEXT: ErrorContext = Object.freeze({});

function codeOf(e: unknown): string | undefined {
  const c = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** The built-in rule for one error (no cause following). */
function builtInOne(e: unknown): Classification | undefined {
  const code = codeOf(e);
  if (code !== undefined) {
    // A chain of emits too deep is as deep on every retry: bad input, never retried.
    if (code.startsWith('PLEXUS_VALIDATION') || code.startsWith('PLEXUS_INVALID') || code === 'PLEXUS_CAUSATION_DEPTH') return { category: ErrorCategory.VALIDATION };
    if (code === 'PLEXUS_TIMEOUT') return { category: ErrorCategory.TIMEOUT };
    // A refusal by a safeguard means "no capacity now": a resource problem, not a bug.
    if (code === 'PLEXUS_RATE_LIMITED' || code === 'PLEXUS_BULKHEAD_FULL' || code === 'PLEXUS_BREAKER_OPEN' || code === 'PLEXUS_SHUTTING_DOWN' || code.startsWith('PLEXUS_RESOURCE')) {
      return { category: ErrorCategory.RESOURCE };
    }
    if (NETWORK_ERROR_CODES.has(code)) return { category: ErrorCategory.NETWORK };
  }
  if (e instanceof Error) {
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { category: ErrorCategory.TIMEOUT };
    if (e instanceof TypeError || e instanceof RangeError) return { category: ErrorCategory.INTERNAL };
  }
  return undefined;
}

/** The built-in classification of `error` (following `cause`), or UNKNOWN. Allocation-light; used by retry filters. */
export function builtInClassification(error: unknown, depth = DEFAULT_CAUSE_DEPTH): Classification {
  let e: unknown = error;
  for (let i = 0; i <= depth && e !== undefined && e !== null; i++) {
    const c = builtInOne(e);
    if (c !== undefined) return c;
    e = e instanceof Error ? e.cause : undefined;
  }
  return { category: ErrorCategory.UNKNOWN };
}

/** Options of an {@link ErrorClassifier}. */
export interface ErrorClassifierOptions {
  /** Rules tried before the built-ins, in order. */
  rules?: readonly ClassifierRule[];
  /** Time source for `at`. @defaultValue the system clock */
  clock?: Clock;
  /** Id generator. @defaultValue a UUID v7 (the generator of signal ids) */
  newId?: () => string;
}

/** The keys of {@link ErrorClassifierOptions} (a compile error until a new option is listed). */
export const ERROR_CLASSIFIER_OPTION_KEYS = optionKeys<ErrorClassifierOptions>()(['rules', 'clock', 'newId']);

/** Classifies errors by category and severity. */
export class ErrorClassifier {
  #rules: readonly ClassifierRule[];
  readonly #clock: Clock;
  readonly #newId: () => string;

  constructor(options: ErrorClassifierOptions = {}) {
    checkKnownKeys('classifier', options, ERROR_CLASSIFIER_OPTION_KEYS);
    this.#rules = (options.rules ?? []).map((r, i) => checkFunction<ClassifierRule>(`rules[${i}]`, r));
    this.#clock = options.clock ?? systemClock;
    this.#newId = options.newId === undefined ? () => newId() : checkFunction<() => string>('newId', options.newId);
  }

  /** Adds a user rule (after earlier user rules, before the built-ins); dispose to remove it. */
  register(rule: ClassifierRule): DisposableHandle {
    checkFunction('rule', rule);
    this.#rules = [...this.#rules, rule];
    return disposable(() => {
      this.#rules = this.#rules.filter((r) => r !== rule);
    });
  }

  /** Category and severity of `error` without building a record. A throwing user rule is skipped. */
  categorize(error: unknown, context: ErrorContext = EMPTY_CONTEXT): Required<Classification> {
    for (const rule of this.#rules) {
      let c: Classification | undefined;
      try {
        c = rule(error, context);
      } catch {
        continue; // a broken rule must not hide the error being classified
      }
      if (c !== undefined) return { category: c.category, severity: c.severity ?? DEFAULT_SEVERITY[c.category] };
    }
    const c = builtInClassification(error);
    return { category: c.category, severity: c.severity ?? DEFAULT_SEVERITY[c.category] };
  }

  /** A full record of `error`: unique id, category, severity, error info, context and time. */
  classify(error: unknown, context: ErrorContext = EMPTY_CONTEXT): ClassifiedError {
    const { category, severity } = this.categorize(error, context);
    return Object.freeze({ id: this.#newId(), category, severity, error: toErrorInfo(error, category), context: Object.freeze({ ...context }), at: this.#clock.now() });
  }
}

/** Creates an {@link ErrorClassifier}: user rules first, then the built-ins. */
export function createErrorClassifier(options: ErrorClassifierOptions = {}): ErrorClassifier {
  return new ErrorClassifier(options);
}

/**
 * A bounded, queryable ring of classified errors and recoveries. Memory stays bounded: past
 * `capacity` the oldest entries drop out (and are counted).
 */
import { RingBuffer } from '../../util/ring-buffer.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber } from '../validate.ts';
import type { ClassifiedError, ErrorCategory } from './categories.ts';
import type { RecoveryRecord } from './recovery.ts';

/**
 * Entries kept by an {@link AuditLog}.
 * @defaultValue 1000
 */
export const DEFAULT_AUDIT_CAPACITY = 1000;

/** One audit entry. */
export type AuditEntry =
  | {
      /** Discriminant. */
      readonly kind: 'error';
      /** Clock time (ms). */
      readonly at: number;
      /** The error, classified. */
      readonly error: ClassifiedError;
    }
  | {
      /** Discriminant. */
      readonly kind: 'recovery';
      /** Clock time (ms). */
      readonly at: number;
      /** What recovery ran. */
      readonly recovery: RecoveryRecord;
    };

/** Options of an {@link AuditLog}. */
export interface AuditLogOptions {
  /** Entries the audit log keeps. @defaultValue {@link DEFAULT_AUDIT_CAPACITY} */
  capacity?: number;
}

/** The keys of {@link AuditLogOptions} (a compile error until a new option is listed). */
export const AUDIT_LOG_OPTION_KEYS = optionKeys<AuditLogOptions>()(['capacity']);

/** Bounded log of errors and recoveries. */
export class AuditLog {
  readonly #ring: RingBuffer<AuditEntry>;
  readonly #capacity: number;
  #dropped = 0;

  constructor(options: AuditLogOptions = {}) {
    checkKnownKeys('auditLog', options, AUDIT_LOG_OPTION_KEYS);
    const capacity = checkNumber('auditLog.capacity', options.capacity ?? DEFAULT_AUDIT_CAPACITY, { integer: true, min: 1 });
    this.#capacity = capacity;
    this.#ring = new RingBuffer<AuditEntry>(Math.min(capacity, 64));
  }

  /** Entries held. */
  get size(): number {
    return this.#ring.size;
  }
  /** Entries that fell out of the ring. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records a classified error. */
  recordError(error: ClassifiedError): void {
    this.#push({ kind: 'error', at: error.at, error });
  }
  /** Records a recovery. */
  recordRecovery(recovery: RecoveryRecord): void {
    this.#push({ kind: 'recovery', at: recovery.at, recovery });
  }

  /** The last `n` entries, oldest first. */
  last(n = Infinity): AuditEntry[] {
    const all = this.#ring.toArray();
    return n >= all.length ? all : all.slice(all.length - n);
  }
  /** Errors of a category, oldest first. */
  byCategory(category: ErrorCategory): ClassifiedError[] {
    return this.errors().filter((e) => e.category === category);
  }
  /** Errors and recoveries of a node or operation (matching `context.node`, `context.operation` or the recovery name). */
  byName(name: string): AuditEntry[] {
    return this.#ring.toArray().filter((e) => (e.kind === 'error' ? e.error.context.node === name || e.error.context.operation === name : e.recovery.name === name));
  }
  /** All errors held, oldest first. */
  errors(): ClassifiedError[] {
    const out: ClassifiedError[] = [];
    for (const e of this.#ring.toArray()) if (e.kind === 'error') out.push(e.error);
    return out;
  }
  /** The last `n` recoveries, oldest first: the readable recovery history. */
  recoveries(n = Infinity): RecoveryRecord[] {
    const out: RecoveryRecord[] = [];
    for (const e of this.#ring.toArray()) if (e.kind === 'recovery') out.push(e.recovery);
    return n >= out.length ? out : out.slice(out.length - n);
  }
  /** Forgets everything. */
  clear(): void {
    this.#ring.clear();
  }

  #push(entry: AuditEntry): void {
    if (this.#ring.size === this.#capacity) {
      this.#ring.shift(); // bounded: the oldest entry leaves
      this.#dropped++;
    }
    this.#ring.push(entry);
  }
}

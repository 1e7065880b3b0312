/**
 * The processing path of one correlation id, rebuilt from recorded events.
 *
 * Why events rather than `signal.hops`: hops are only complete on a `completed` event's
 * signal, so a chain that failed, was dead-lettered or is still in flight would show nothing
 * where the test needs it most. Events cover every attempt, including failures and the dead
 * letter, and keep the order in which they actually happened across nodes.
 */
import type { NetworkEvent } from '../observe/events.ts';
import { formatMs } from '../util/format-ms.ts';

/** The event kinds a trace is made of. */
export const TRACE_KINDS = ['started', 'completed', 'failed', 'dead-lettered'] as const;

/** One step of a trace. */
export interface TraceStep {
  /** The node of the event. */
  readonly node: string;
  /** The event kind. */
  readonly kind: (typeof TRACE_KINDS)[number];
  /** The signal of the step. */
  readonly signalId: string;
  /** The signal type. */
  readonly type: string;
  /** Mailbox partition; `undefined` on `dead-lettered` steps (the event does not carry it). */
  readonly partition: number | undefined;
  /** Attempt number; on `dead-lettered` steps, the number of attempts made. */
  readonly attempt: number;
  /** Clock time of the event (ms). */
  readonly at: number;
  /** Dead-letter reason, on `dead-lettered` steps. */
  readonly reason?: string;
  /** Error message, on `failed` and `dead-lettered` steps. */
  readonly error?: string;
}

/**
 * Every started / completed / failed / dead-lettered event of `correlationId`, in the order
 * recorded, as {@link TraceStep}s.
 */
export function traceOf(events: readonly NetworkEvent[], correlationId: string): TraceStep[] {
  const steps: TraceStep[] = [];
  for (const e of events) {
    if (!('correlationId' in e) || e.correlationId !== correlationId) continue;
    const base = { node: e.node, signalId: '', type: '', at: e.at };
    switch (e.kind) {
      case 'started':
      case 'completed':
        steps.push({ ...base, kind: e.kind, signalId: e.signalId, type: e.signalType, partition: e.partition, attempt: e.attempt });
        break;
      case 'failed':
        steps.push({ ...base, kind: e.kind, signalId: e.signalId, type: e.signalType, partition: e.partition, attempt: e.attempt, error: e.error.message });
        break;
      case 'dead-lettered':
        steps.push({
          ...base,
          kind: e.kind,
          signalId: e.signalId,
          type: e.signalType,
          partition: undefined,
          attempt: e.attempts,
          reason: e.reason,
          error: e.error.message,
        });
        break;
      default:
        break;
    }
  }
  return steps;
}

/** How {@link formatTrace} prints a trace. */
export interface FormatTraceOptions {
  /**
   * Print each step's time as `+N ms` after the first step (`@+0`, `@+12`, ...) instead of the
   * clock reading (`@1767225600012`): on a system clock or a virtual clock that starts at a
   * calendar date, the absolute readings bury the durations a reader is looking for.
   * @defaultValue {@link DEFAULT_TRACE_RELATIVE_TIMES}
   */
  readonly relativeTimes?: boolean;
}

/** Traces print the clock readings as they are unless asked otherwise. */
export const DEFAULT_TRACE_RELATIVE_TIMES = false;

/**
 * One line per step, e.g. `worker job p2 a1 started @0` (or `@+12` with `relativeTimes`). Times
 * are rounded to whole milliseconds (one decimal below 10). Handy in failure messages.
 */
export function formatTrace(steps: readonly TraceStep[], options: FormatTraceOptions = {}): string {
  if (steps.length === 0) return '  (empty trace)';
  const relative = options.relativeTimes ?? DEFAULT_TRACE_RELATIVE_TIMES;
  const t0 = steps[0]!.at;
  return steps
    .map((s) => {
      const where = s.partition === undefined ? '' : ` p${s.partition}`;
      const why = s.reason === undefined ? '' : ` reason=${s.reason}`;
      const err = s.error === undefined ? '' : ` err=${s.error}`;
      const at = relative ? `+${formatMs(s.at - t0)}` : formatMs(s.at);
      return `  ${s.node} ${s.type}${where} a${s.attempt} ${s.kind} @${at}${why}${err}`;
    })
    .join('\n');
}

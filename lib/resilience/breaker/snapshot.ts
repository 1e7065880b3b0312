/**
 * What `restore()` does with a breaker snapshot: check it first (it comes back from storage, so
 * anything in it may be wrong, and a bad one must fail with a typed error naming the field
 * rather than leave the breaker half restored), then plan the machine events that put the
 * breaker in its state.
 */
import { InvalidOptionsError } from '../errors.ts';
import type { BreakerMachineEvent, BreakerMachineState } from './machine.ts';
import type { BreakerSnapshot, BreakerWindowBucket } from './types.ts';

const STATES: readonly unknown[] = ['closed', 'open', 'half-open'];

function count(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InvalidOptionsError(field, 'must be a whole number ≥ 0', v);
}

function time(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidOptionsError(field, 'must be a finite clock time', v);
}

/** Throws {@link InvalidOptionsError} (option `snapshot.<field>`) unless `s` is a snapshot `restore()` can take. */
export function checkSnapshot(s: unknown): asserts s is BreakerSnapshot {
  if (typeof s !== 'object' || s === null) throw new InvalidOptionsError('snapshot', 'must be an object', s);
  const o = s as Partial<Record<keyof BreakerSnapshot, unknown>>;
  if (o.version !== 1 && o.version !== 2) throw new InvalidOptionsError('snapshot.version', 'must be 1 or 2', o.version);
  if (!STATES.includes(o.state)) throw new InvalidOptionsError('snapshot.state', 'unknown state', o.state);
  if (o.openUntil !== null) time('snapshot.openUntil', o.openUntil);
  count('snapshot.consecutiveFailures', o.consecutiveFailures);
  count('snapshot.failureCount', o.failureCount);
  count('snapshot.successCount', o.successCount);
  count('snapshot.trips', o.trips);
  const buckets = o.errorRateWindow;
  if (buckets === undefined || buckets === null) return;
  if (!Array.isArray(buckets)) throw new InvalidOptionsError('snapshot.errorRateWindow', 'must be an array of buckets or null', buckets);
  buckets.forEach((b: Partial<BreakerWindowBucket> | null, i) => {
    const at = `snapshot.errorRateWindow[${i}]`;
    if (typeof b !== 'object' || b === null) throw new InvalidOptionsError(at, 'must be a bucket { startedAt, calls, failures }', b);
    time(`${at}.startedAt`, b.startedAt);
    count(`${at}.calls`, b.calls);
    count(`${at}.failures`, b.failures);
    if (b.failures! > b.calls!) throw new InvalidOptionsError(`${at}.failures`, 'must not exceed calls', b.failures);
  });
}

/** The machine events that take a breaker now in `machineState` to the snapshot's state, and the open deadline to keep. */
export interface RestorePlan {
  readonly events: readonly BreakerMachineEvent[];
  /** Set when the breaker must stay open until this clock time. */
  readonly openUntil: number | undefined;
}

/**
 * An open breaker stays open for the time that was left (no deadline: a full `resetTimeoutMs`);
 * half-open, or open with its time passed, goes through open to half-open, so that no illegal
 * transition (closed → half-open) is ever published.
 */
export function restorePlan(snapshot: BreakerSnapshot, now: number, resetTimeoutMs: number, machineState: BreakerMachineState): RestorePlan {
  if (snapshot.isolated) return { events: [{ type: 'ISOLATE' }], openUntil: undefined };
  if (snapshot.state === 'closed') return { events: [{ type: 'RESET' }], openUntil: undefined };
  const remaining = snapshot.state === 'half-open' ? 0 : snapshot.openUntil === null ? resetTimeoutMs : snapshot.openUntil - now;
  if (remaining > 0) return { events: [{ type: 'OPEN_FOR', delayMs: remaining }], openUntil: now + remaining };
  if (machineState === 'halfOpen') return { events: [], openUntil: undefined };
  const events: BreakerMachineEvent[] = machineState === 'open' ? [] : [{ type: 'OPEN_FOR', delayMs: 0 }];
  events.push({ type: 'ATTEMPT_RESET' });
  return { events, openUntil: undefined };
}

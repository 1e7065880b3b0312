/**
 * Reads the journal's records back (the format is described in `signal-codec.ts`). Runs once
 * per line when a journal is opened, so it favours checking over speed: anything that is not a
 * well-formed record decodes to `undefined` and the scan skips it. Reads the current lines (JSON
 * arrays) and those of earlier versions (JSON objects, with times in a trailing `times` string
 * or, older still, as JSON numbers in place).
 */
import { EnvelopeProblem, isObject, readEnvelope, readHops } from '../signal/read-envelope.ts';
import type { Signal } from '../signal/signal.ts';
import { decodeArrayRecord, type Shapes } from './record-decode-array.ts';
import { readHexTimes, splitEnd } from './record-times.ts';
import type { JournalRecord } from './journal-record.ts';

export type { AcceptRecord, SettleRecord, DeadLetterRemovedRecord, KeyRecord, AcceptSettledRecord, ShapeRecord, JournalRecord } from './journal-record.ts';

/**
 * Decodes one line (without its newline). Returns `undefined` for anything that is not a
 * well-formed record (a line torn by a crash, a foreign line): the caller skips it. `shapes`: the
 * shapes read so far from the same file, in order; a shape line adds to it.
 */
export function decodeRecord(line: string, shapes: Shapes = new Map()): JournalRecord | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (Array.isArray(raw)) return decodeArrayRecord(raw, shapes);
  if (!isObject(raw)) return undefined;
  let times: number[] | undefined;
  if (raw['times'] !== undefined) {
    times = readHexTimes(raw['times']);
    if (times === undefined) return undefined;
  }
  if (raw['op'] === 'accept') {
    const outcome = raw['outcome'];
    if (outcome === undefined) {
      const signal = toEnvelope(raw['signal'], times);
      return signal === undefined ? undefined : { op: 'accept', signal };
    }
    if ((outcome !== 'completed' && outcome !== 'dead-lettered') || times === undefined) return undefined;
    const hopCount = isObject(raw['signal']) && Array.isArray(raw['signal']['hops']) ? raw['signal']['hops'].length : -1;
    const end = hopCount < 0 ? undefined : splitEnd(times, 1, hopCount);
    const signal = end === undefined ? undefined : toEnvelope(raw['signal'], end.times);
    return signal === undefined ? undefined : { op: 'accept-settled', signal, outcome, at: end!.at };
  }
  if (raw['op'] === 'settle') {
    const { id, outcome } = raw;
    if (typeof id !== 'string' || (outcome !== 'completed' && outcome !== 'dead-lettered')) return undefined;
    // Two times per hop and none before them: `at` was left out, being the last hop's finish.
    const atLeftOut = times !== undefined && Array.isArray(raw['hops']) && raw['hops'].length > 0 && times.length === 2 * raw['hops'].length;
    const hops = readHops(raw['hops'], times, atLeftOut ? 0 : 1);
    const at = times === undefined ? raw['at'] : atLeftOut ? times[times.length - 1] : times[0];
    return hops instanceof EnvelopeProblem || typeof at !== 'number' ? undefined : { op: 'settle', id, outcome, at, hops };
  }
  return undefined;
}

/**
 * Rebuilds a frozen envelope from its JSON form (`times`: the record's times, when it has them
 * apart; see `readEnvelope`); `undefined` when a field is missing or mistyped.
 */
export function toEnvelope(raw: unknown, times?: readonly number[]): Signal | undefined {
  const signal = readEnvelope(raw, times === undefined ? undefined : { times });
  return signal instanceof EnvelopeProblem ? undefined : signal;
}

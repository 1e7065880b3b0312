/**
 * Rebuilds a signal from its JSON form, checking every field: the one reader behind the
 * transport (bytes from another process, or anyone who can publish on the subject) and the
 * journal (a file that may be torn, edited or written by an older version). Each caller turns
 * the problem into its own outcome: the transport refuses the message with a typed error, the
 * journal skips the line.
 */
import { SignalEnvelope } from './envelope.ts';
import type { Hop, HopOutcome, Signal } from './signal.ts';

const HOP_OUTCOMES: ReadonlySet<string> = new Set<HopOutcome>(['completed', 'failed', 'timeout']);

/** Why a JSON value is not a signal envelope (see {@link readEnvelope}). */
export class EnvelopeProblem {
  constructor(readonly reason: string) {}
}

/** Where the times of an envelope come from, when not from its own fields (the journal's compact records). */
export interface EnvelopeTimes {
  /** `createdAt`, then each hop's `startedAt` and `finishedAt`, in order. */
  readonly times: readonly number[];
}

/**
 * A frozen {@link SignalEnvelope} from `raw` (a parsed JSON value), or the {@link EnvelopeProblem}
 * that makes it none. `partitionKey`, `idempotencyKey` and `correlationId` default to the id when
 * absent (the journal leaves them out then); `headers` and `hops` default to empty. With
 * `external`, the times come from there instead of `createdAt` and each hop's own fields.
 */
export function readEnvelope(raw: unknown, external?: EnvelopeTimes): Signal | EnvelopeProblem {
  if (!isObject(raw)) return new EnvelopeProblem('the envelope must be an object');
  const id = raw['id'];
  if (!nonEmpty(id)) return new EnvelopeProblem('id must be a non-empty string');
  for (const field of ['type', 'version', 'target'] as const) if (!nonEmpty(raw[field])) return new EnvelopeProblem(`${field} must be a non-empty string`);
  const keys = { partitionKey: raw['partitionKey'] ?? id, idempotencyKey: raw['idempotencyKey'] ?? id, correlationId: raw['correlationId'] ?? id };
  for (const [field, v] of Object.entries(keys)) if (!nonEmpty(v)) return new EnvelopeProblem(`${field} must be a non-empty string`);
  for (const field of ['source', 'causationId'] as const) if (raw[field] != null && !nonEmpty(raw[field])) return new EnvelopeProblem(`${field} must be a non-empty string when present`);
  const times = external?.times;
  const createdAt = times === undefined ? raw['createdAt'] : times[0];
  if (!finite(createdAt)) return new EnvelopeProblem('createdAt must be a finite number');
  if (!finite(raw['urgency'])) return new EnvelopeProblem('urgency must be a finite number');
  const headers = raw['headers'] ?? {};
  if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) return new EnvelopeProblem('headers must be an object of strings');
  const hops = readHops(raw['hops'] ?? [], times);
  if (hops instanceof EnvelopeProblem) return hops;
  const causationDepth = raw['causationDepth'] ?? 0;
  if (!Number.isSafeInteger(causationDepth) || (causationDepth as number) < 0) return new EnvelopeProblem('causationDepth must be a non-negative integer when present');
  return new SignalEnvelope(
    id,
    raw['type'] as string,
    raw['version'] as string,
    raw['payload'],
    (raw['source'] ?? undefined) as string | undefined,
    raw['target'] as string,
    keys.partitionKey as string,
    keys.idempotencyKey as string,
    keys.correlationId as string,
    (raw['causationId'] ?? undefined) as string | undefined,
    createdAt,
    raw['urgency'],
    Object.freeze({ ...(headers as Record<string, string>) }),
    hops,
    causationDepth as number,
  );
}

/**
 * A history from its JSON form; with `times` (createdAt first), each hop's start and finish come
 * from there, and there must be exactly two per hop.
 */
export function readHops(raw: unknown, times?: readonly number[], first = 1): readonly Hop[] | EnvelopeProblem {
  if (!Array.isArray(raw)) return new EnvelopeProblem('hops must be an array');
  if (times !== undefined && times.length !== first + 2 * raw.length) return new EnvelopeProblem('the times do not match the hops');
  const hops: Hop[] = [];
  for (let i = 0; i < raw.length; i++) {
    const h: unknown = raw[i];
    if (!isObject(h)) return new EnvelopeProblem('a hop must be an object');
    const { node, partition, attempt, outcome } = h;
    const startedAt = times === undefined ? h['startedAt'] : times[first + 2 * i];
    const finishedAt = times === undefined ? h['finishedAt'] : times[first + 2 * i + 1];
    if (typeof node !== 'string' || !finite(partition) || !finite(attempt) || !finite(startedAt) || !finite(finishedAt) || typeof outcome !== 'string' || !HOP_OUTCOMES.has(outcome)) {
      return new EnvelopeProblem(`hop ${i} is malformed`);
    }
    hops.push(Object.freeze({ node, partition, attempt, startedAt, finishedAt, outcome: outcome as HopOutcome }));
  }
  return Object.freeze(hops);
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** True for a JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

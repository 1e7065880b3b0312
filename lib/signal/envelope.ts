import type { Hop, Signal } from './signal.ts';

const NO_HOPS: readonly Hop[] = Object.freeze([]) as readonly Hop[];
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

let appendHopTo: (signal: SignalEnvelope, hop: Hop) => void;

/**
 * The runtime's {@link Signal}: a frozen object whose processing history lives in a private
 * field, so the runtime can extend it while every public field stays immutable. A signal that
 * has not been handled shares one empty history (no array per queued signal); its first hop is
 * kept as the hop alone, made an array only when someone reads `hops` (most signals are handled
 * once and never asked: ~32 bytes less garbage each); later hops replace the history with an
 * exact-size array (an empty array's first `push` reserves 17 slots, ~130 bytes per signal).
 */
export class SignalEnvelope<P = unknown> implements Signal<P> {
  readonly id: string;
  readonly type: string;
  readonly version: string;
  readonly payload: P;
  readonly source: string | undefined;
  readonly target: string;
  readonly partitionKey: string;
  readonly idempotencyKey: string;
  readonly correlationId: string;
  readonly causationId: string | undefined;
  readonly createdAt: number;
  readonly urgency: number;
  readonly headers: Readonly<Record<string, string>>;
  #hops: readonly Hop[] | Hop;
  readonly #causationDepth: number;

  static {
    appendHopTo = (signal, hop) => {
      const h = signal.#hops;
      signal.#hops = h === NO_HOPS ? hop : isHistory(h) ? [...h, hop] : [h, hop];
    };
  }

  constructor(
    id: string,
    type: string,
    version: string,
    payload: P,
    source: string | undefined,
    target: string,
    partitionKey: string,
    idempotencyKey: string,
    correlationId: string,
    causationId: string | undefined,
    createdAt: number,
    urgency: number,
    headers: Readonly<Record<string, string>>,
    hops: readonly Hop[] = NO_HOPS,
    causationDepth = 0,
  ) {
    this.id = id;
    this.type = type;
    this.version = version;
    this.payload = payload;
    this.source = source;
    this.target = target;
    this.partitionKey = partitionKey;
    this.idempotencyKey = idempotencyKey;
    this.correlationId = correlationId;
    this.causationId = causationId;
    this.createdAt = createdAt;
    this.urgency = urgency;
    this.headers = headers;
    this.#hops = hops;
    this.#causationDepth = causationDepth;
    Object.freeze(this);
  }

  /**
   * How many emits led to this signal: 0 when sent from outside, the parent's depth + 1 when a
   * handler emitted it. A getter over a private field: `toJSON` writes it when not 0, so it
   * crosses the transport; the journal's records leave it out (a recovered signal starts at 0).
   */
  get causationDepth(): number {
    return this.#causationDepth;
  }

  /** Processing history, oldest first. */
  get hops(): readonly Hop[] {
    const h = this.#hops;
    if (isHistory(h)) return h;
    const history = [h];
    this.#hops = history;
    return history;
  }

  /**
   * The envelope as plain data, history included (what `JSON.stringify` writes, and what the
   * transport sends); `causationDepth` only when not 0, so a signal from outside reads as before.
   */
  toJSON(): Signal<P> {
    return this.#causationDepth === 0 ? { ...this, hops: this.hops } : { ...this, hops: this.hops, causationDepth: this.#causationDepth };
  }

  [INSPECT](): Signal<P> {
    return this.toJSON();
  }
}

function isHistory(h: readonly Hop[] | Hop): h is readonly Hop[] {
  return Array.isArray(h);
}

/** Appends a hop to a signal's history. */
export function appendHop(signal: Signal, hop: Hop): void {
  if (signal instanceof SignalEnvelope) appendHopTo(signal, hop);
}

/** A copy of `signal` with some fields replaced; keeps the id, and the history so far unless `hops` replaces it. */
export function reviseSignal<P>(s: Signal, changes: { version?: string; payload?: P; target?: string; hops?: readonly Hop[] }): Signal<P> {
  return new SignalEnvelope<P>(
    s.id,
    s.type,
    changes.version ?? s.version,
    ('payload' in changes ? changes.payload : s.payload) as P,
    s.source,
    changes.target ?? s.target,
    s.partitionKey,
    s.idempotencyKey,
    s.correlationId,
    s.causationId,
    s.createdAt,
    s.urgency,
    s.headers,
    changes.hops ?? s.hops,
    s.causationDepth ?? 0,
  );
}

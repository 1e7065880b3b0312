import { PlexusError } from '../util/errors.ts';

/** The network was asked to do something its current lifecycle state does not allow. */
export class LifecycleError extends PlexusError {
  constructor(message: string) {
    super('PLEXUS_LIFECYCLE', message);
  }
}

/** True when `e` is a {@link LifecycleError}. */
export function isLifecycleError(e: unknown): e is LifecycleError {
  return e instanceof LifecycleError;
}

/** A signal that a handler emitted was refused by its target; the handler fails with this. */
export class EmitRefusedError extends PlexusError {
  /**
   * @param target - The node the emit was addressed to.
   * @param reason - Why it was refused (a `RejectReason`).
   * @param cause - The refusal's own error.
   */
  constructor(
    readonly target: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super('PLEXUS_EMIT_REFUSED', `emitting to ${JSON.stringify(target)} was refused (${reason})`, { cause, details: { target, reason } });
  }
}

/** True when `e` is an {@link EmitRefusedError}. */
export function isEmitRefusedError(e: unknown): e is EmitRefusedError {
  return e instanceof EmitRefusedError;
}

/**
 * A handler emitted past the network's `maxCausationDepth`: the chain of emits that led here is
 * too long (most often a handler emitting to itself, or nodes emitting to each other, without
 * end). Thrown by `ctx.emit`; not retried (the chain stays as deep), so the signal whose handler
 * emitted is dead-lettered with it unless the handler catches it.
 */
export class CausationDepthError extends PlexusError {
  /**
   * @param target - The node the emit was addressed to.
   * @param depth - The causation depth the emit would have had.
   * @param maxCausationDepth - The network's limit.
   */
  constructor(
    readonly target: string,
    readonly depth: number,
    readonly maxCausationDepth: number,
  ) {
    super(
      'PLEXUS_CAUSATION_DEPTH',
      `emitting to ${JSON.stringify(target)} would make a chain of ${depth} emits, past maxCausationDepth ${maxCausationDepth} (a handler emitting to itself, or nodes emitting to each other, without end?)`,
      { details: { target, depth, maxCausationDepth } },
    );
  }
}

/** True when `e` is a {@link CausationDepthError}. */
export function isCausationDepthError(e: unknown): e is CausationDepthError {
  return e instanceof CausationDepthError;
}

/** `dlq.reprocess(id)` named no entry of the dead letter queue (never there, reprocessed, purged or pushed out). */
export class DeadLetterNotFoundError extends PlexusError {
  /** @param id - The signal id asked for. */
  constructor(readonly id: string) {
    super('PLEXUS_DEAD_LETTER_NOT_FOUND', `no dead letter with id ${JSON.stringify(id)} (never there, or already reprocessed, purged or pushed out of a full queue)`, { details: { id } });
  }
}

/** True when `e` is a {@link DeadLetterNotFoundError}. */
export function isDeadLetterNotFoundError(e: unknown): e is DeadLetterNotFoundError {
  return e instanceof DeadLetterNotFoundError;
}

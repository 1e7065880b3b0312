import type { Receipt } from './receipt.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';

/**
 * Given to a handler with each attempt. Each attempt gets a context of its own, which keeps its
 * signal for good: an `emit` made after the handler settled (from a timer, a dropped promise)
 * still sends a child of *this* signal, never of whatever the node handles next. `emit` sends a
 * child signal that carries the parent's correlationId, with causationId = the parent's id.
 */
export interface HandlerContext {
  /** The node handling the signal. */
  readonly node: string;
  /** The signal being handled. */
  readonly signal: Signal;
  /** Mailbox partition of the signal. */
  readonly partition: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /**
   * Aborts when this attempt's time limit passes, or when a shutdown stops the node (forced, or
   * its drain timed out), so that a handler can stop its own work.
   */
  readonly abortSignal: AbortSignal;
  /**
   * Sends a signal to `target` as a child of the current one and returns the receipt. A refused
   * emit (backpressure, shutting down, invalid) throws EmitRefusedError, so the handler fails and
   * is retried or dead-lettered rather than losing the child silently. A duplicate is not an error.
   * An emit past the network's `maxCausationDepth` throws CausationDepthError (never retried).
   * Called after the handler settled (a timer, a promise nobody awaited), it still sends a child
   * of this context's own signal; a refusal then throws into that caller, which the node no
   * longer watches, so emit before settling whenever the child matters.
   */
  emit<P>(target: string, draft: SignalDraft<P>): Receipt;
}

/** What a handler context needs from its node (kept narrow so this file imports no runtime). */
export interface ContextHost {
  readonly name: string;
  emitFrom(parent: Signal, target: string, draft: SignalDraft): Receipt;
}

/**
 * A worker's stop signal: aborts when a shutdown stops the node (forced, or its drain timed out).
 * One per worker, shared by the contexts of its attempts, and its AbortController is made on
 * first read: a controller costs ~1 KB, a node holds a worker per partition in use, and most
 * handlers never look (1,000 nodes × 16 partitions = 16 MB).
 */
export class StopSource {
  #controller: AbortController | undefined;
  #stopped = false;
  #reason: unknown;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** The node was stopped by a shutdown: the signal aborts with `reason` (now, or when first read). */
  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/**
 * The runtime's context, one per attempt. Why not one per worker, reused: a handler may keep
 * its context past its own end (`setTimeout(() => ctx.emit(...))`), and a reused context would
 * by then hold the partition's next signal, so the late child would carry that signal's
 * correlation and causation ids. Nothing can tell when a handler lets go of its context, so
 * each attempt gets a fresh one: five fields, no closure, no controller (the abort signal
 * comes from the worker's StopSource, or the timed attempt's own controller).
 */
export class NodeContext implements HandlerContext {
  readonly #host: ContextHost;
  /** The attempt's own abort signal (an attempt with a time limit), else the worker's stop source. */
  readonly #abort: AbortSignal | StopSource;
  readonly signal: Signal;
  readonly partition: number;
  readonly attempt: number;

  constructor(host: ContextHost, abort: AbortSignal | StopSource, partition: number, signal: Signal, attempt: number) {
    this.#host = host;
    this.#abort = abort;
    this.partition = partition;
    this.signal = signal;
    this.attempt = attempt;
  }

  get abortSignal(): AbortSignal {
    const abort = this.#abort;
    return abort instanceof StopSource ? abort.signal : abort;
  }

  get node(): string {
    return this.#host.name;
  }

  emit<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#host.emitFrom(this.signal, target, draft);
  }
}

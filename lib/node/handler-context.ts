import type { Receipt } from '../network/receipt.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';

/**
 * Given to a handler with each signal. Valid until the handler settles (a node reuses its
 * contexts from signal to signal). `emit` sends a child signal that carries the parent's correlationId,
 * with causationId = the parent's id.
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
   */
  emit<P>(target: string, draft: SignalDraft<P>): Receipt;
}

/** What a handler context needs from its node (kept narrow so this file imports no runtime). */
export interface ContextHost {
  readonly name: string;
  emitFrom(parent: Signal, target: string, draft: SignalDraft): Receipt;
}

/**
 * The runtime's context: mutable so that a worker can reuse it from signal to signal. Its
 * abort signal is made on first read: an AbortController costs ~1 KB and a node holds a context
 * per worker (up to one per partition), most of whose handlers never look (1,000 nodes × 16
 * partitions = 16 MB).
 */
export class NodeContext implements HandlerContext {
  readonly #host: ContextHost;
  signal: Signal;
  partition: number;
  attempt = 0;
  /** Set for an attempt with a time limit (its own controller); else the stop signal serves. */
  #attemptSignal: AbortSignal | undefined;
  #stop: AbortController | undefined;
  #stopped = false;
  #stopReason: unknown;

  constructor(host: ContextHost, partition: number, signal: Signal) {
    this.#host = host;
    this.partition = partition;
    this.signal = signal;
  }

  get abortSignal(): AbortSignal {
    if (this.#attemptSignal !== undefined) return this.#attemptSignal;
    if (this.#stop === undefined) {
      this.#stop = new AbortController();
      if (this.#stopped) this.#stop.abort(this.#stopReason);
    }
    return this.#stop.signal;
  }

  set abortSignal(signal: AbortSignal) {
    this.#attemptSignal = signal;
  }

  /** The node was stopped by a shutdown: the stop signal aborts with `reason` (now, or when first read). */
  stop(reason: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopReason = reason;
    this.#stop?.abort(reason);
  }

  get node(): string {
    return this.#host.name;
  }

  emit<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#host.emitFrom(this.signal, target, draft);
  }
}

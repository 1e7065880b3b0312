import type { Receipt } from '../network/receipt.ts';
import type { Signal, SignalDraft } from '../signal/signal.ts';

/** What a handler context needs from its node (kept narrow so this file imports no runtime). */
export interface ContextHost {
  readonly name: string;
  /** Sends a child of `parent` to `target`; throws EmitRefusedError when refused. */
  emitFrom(parent: Signal, target: string, draft: SignalDraft): Receipt;
}

/**
 * Given to a handler with each signal. Valid until the handler settles. `emit` sends a child
 * signal that carries the parent's correlationId, with causationId = the parent's id.
 */
export class HandlerContext {
  readonly #host: ContextHost;
  readonly #controller: AbortController | undefined;
  /** The signal being handled. */
  readonly signal: Signal;
  /** Mailbox partition of the signal. */
  readonly partition: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;

  constructor(host: ContextHost, signal: Signal, partition: number, attempt: number, controller: AbortController | undefined) {
    this.#host = host;
    this.signal = signal;
    this.partition = partition;
    this.attempt = attempt;
    this.#controller = controller;
  }

  /** The node handling the signal. */
  get node(): string {
    return this.#host.name;
  }

  /**
   * Aborts when this attempt's time limit passes or the network is shut down by force, so that
   * a handler can stop its own work. A signal that never aborts when no limit is set.
   */
  get abortSignal(): AbortSignal {
    return this.#controller?.signal ?? NEVER_ABORTED;
  }

  /**
   * Sends a signal to `target` as a child of the current one. Returns the receipt; a refused
   * emit (backpressure, shutting down, invalid) throws, so the handler fails and is retried or
   * dead-lettered rather than losing the child silently. A duplicate is not an error.
   */
  emit<P>(target: string, draft: SignalDraft<P>): Receipt {
    return this.#host.emitFrom(this.signal, target, draft);
  }
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * One call admitted by `CircuitBreaker.begin()`: it settles itself once, through the breaker's
 * {@link CallSettler}, without a closure per call.
 */
import type { DisposableHandle } from '../emitter.ts';

/** One admitted call; settle it once. Disposing without an outcome releases a half-open probe. */
export interface BreakerCall extends DisposableHandle {
  /** The call succeeded. */
  success(): void;
  /** The call failed. */
  failure(error?: unknown): void;
  /** The call ended without an outcome (cancelled); frees its probe slot. Same as `dispose()` before an outcome. */
  release(): void;
}

/**
 * Where an {@link AdmittedCall} reports its outcome. `probe`: the call was admitted half-open;
 * `epoch`: the breaker's state epoch at admission; `outcome`: true success, false failure,
 * undefined none (released).
 */
export interface CallSettler {
  settleCall(probe: boolean, epoch: number, outcome: boolean | undefined, error: unknown): void;
}

/** A call admitted by `CircuitBreaker.begin`; settles at most once. */
export class AdmittedCall implements BreakerCall {
  #settler: CallSettler | undefined;
  readonly #probe: boolean;
  readonly #epoch: number;

  constructor(settler: CallSettler, probe: boolean, epoch: number) {
    this.#settler = settler;
    this.#probe = probe;
    this.#epoch = epoch;
  }

  success(): void {
    this.#settle(true, undefined);
  }

  failure(error?: unknown): void {
    this.#settle(false, error);
  }

  release(): void {
    this.#settle(undefined, undefined);
  }

  dispose(): void {
    this.#settle(undefined, undefined);
  }

  [Symbol.dispose](): void {
    this.#settle(undefined, undefined);
  }

  #settle(outcome: boolean | undefined, error: unknown): void {
    const settler = this.#settler;
    if (settler === undefined) return;
    this.#settler = undefined;
    settler.settleCall(this.#probe, this.#epoch, outcome, error);
  }
}

const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * Runs `fn` as the admitted `call`: records its outcome; a call whose `signal` was aborted counts
 * as cancelled (released), not failed.
 */
export async function runCall<T>(call: BreakerCall, fn: (signal: AbortSignal) => Promise<T> | T, signal: AbortSignal | undefined): Promise<T> {
  try {
    const result = await fn(signal ?? NEVER_ABORTED);
    call.success();
    return result;
  } catch (e) {
    if (signal?.aborted === true) call.release();
    else call.failure(e);
    throw e;
  } finally {
    call.release();
  }
}

/**
 * Time limits that stop the work, not just the wait: the operation gets an AbortSignal that
 * aborts (with a {@link TimeoutError}) when the limit passes, so a handler can stop itself.
 */
import { systemClock, type Clock } from '../../util/clock.ts';
import { TimeoutError } from '../errors.ts';
import { optionKeys } from '../../util/known-keys.ts';
import { checkKnownKeys, checkNumber } from '../validate.ts';

/**
 * Per-attempt time limit of protected operations.
 * @defaultValue 30_000
 */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  /** The source of time. @defaultValue the system clock */
  clock?: Clock;
  /** The caller's signal: its abort aborts `fn` too, and rejects with its reason. */
  signal?: AbortSignal | undefined;
}

/** The keys of {@link WithTimeoutOptions} (a compile error until a new option is listed). */
export const WITH_TIMEOUT_OPTION_KEYS = optionKeys<WithTimeoutOptions>()(['clock', 'signal']);

/**
 * Runs `fn` with a limit of `ms` (`Infinity`: none). Rejects with {@link TimeoutError} (code
 * `PLEXUS_TIMEOUT`) at the limit and aborts the signal given to `fn`; the timer and listeners
 * are cleared on every path.
 */
export function withTimeout<T>(fn: (signal: AbortSignal) => Promise<T> | T, ms: number, options: WithTimeoutOptions = {}): Promise<T> {
  checkNumber('timeoutMs', ms, { min: 0, allowInfinity: true });
  checkKnownKeys('withTimeout', options, WITH_TIMEOUT_OPTION_KEYS);
  const clock = options.clock ?? systemClock;
  const outer = options.signal;
  if (outer?.aborted === true) return Promise.reject(outer.reason);
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!finish()) return;
      controller.abort(outer?.reason);
      reject(outer?.reason);
    };
    const timer =
      ms === Infinity
        ? undefined
        : clock.setTimeout(() => {
            if (!finish()) return;
            const err = new TimeoutError(ms);
            controller.abort(err);
            reject(err);
          }, ms);
    outer?.addEventListener('abort', onAbort, { once: true });
    let result: Promise<T> | T;
    try {
      result = fn(controller.signal);
    } catch (e) {
      if (finish()) reject(e);
      return;
    }
    Promise.resolve(result).then(
      (v) => {
        if (finish()) resolve(v);
      },
      (e: unknown) => {
        if (finish()) reject(e);
      },
    );
  });
}

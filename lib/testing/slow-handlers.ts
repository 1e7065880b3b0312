/**
 * Handlers that take their time: one that finishes after a delay on a given clock, and one
 * that never finishes unless its attempt is aborted. Both honour `ctx.abortSignal`, as a well
 * behaved handler should, so timeouts and forced shutdowns can be tested.
 */
import type { HandlerContext } from '../node/handler-context.ts';
import type { Signal } from '../signal/signal.ts';
import { sleep, type Clock } from '../util/clock.ts';
import { TestingOptionError } from './errors.ts';
import { countingHandler, type FakeHandler, type HandlerContextLike, type InnerHandler } from './handler-types.ts';

/** The error a fake rejects with when its attempt is aborted without a reason. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The handler was aborted', 'AbortError');
}

/**
 * Waits `ms` on `clock` (a {@link VirtualClock} in tests), then runs `inner` if given.
 * Rejects with the abort reason if `ctx.abortSignal` aborts while waiting.
 *
 * @throws {@link TestingOptionError} when `ms` is not a finite, non-negative number.
 */
export function createSlowHandler<S = Signal, C extends HandlerContextLike = HandlerContext>(ms: number, clock: Clock, inner?: InnerHandler<S, C>): FakeHandler<S, C> {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TestingOptionError('ms', 'must be a finite number >= 0', ms);
  if (clock === null || typeof clock !== 'object' || typeof clock.setTimeout !== 'function') {
    throw new TestingOptionError('clock', 'must be a Clock (e.g. a VirtualClock)', clock);
  }
  return countingHandler<S, C>(async (signal, ctx) => {
    await sleep(clock, ms, ctx.abortSignal);
    if (inner !== undefined) await inner(signal, ctx);
  });
}

/**
 * Never settles, unless `ctx.abortSignal` aborts: then it rejects with the abort reason. Use it
 * to test handler timeouts and shutdown with work still in flight (`active` counts the
 * calls still hanging).
 */
export function createHangingHandler<S = Signal, C extends HandlerContextLike = HandlerContext>(): FakeHandler<S, C> {
  return countingHandler<S, C>(
    (_signal, ctx) =>
      new Promise<void>((_resolve, reject) => {
        const abort = ctx.abortSignal;
        if (abort === undefined) return;
        if (abort.aborted) return reject(abortError(abort));
        abort.addEventListener('abort', () => reject(abortError(abort)), { once: true });
      }),
  );
}

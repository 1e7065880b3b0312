/**
 * The circuit breaker as a pure xstate v5 machine: no clock, no counters of calls, no I/O.
 * The runtime ({@link CircuitBreaker}) counts failures itself and only sends the events that
 * can change state, because `actor.send` costs more than a whole signal's path and the breaker
 * sits on every signal.
 *
 * States: `closed`, `open` (timer to `halfOpen`), `halfOpen` (counts probe successes) and
 * `isolated` (forced open by hand, no timer; reported as `open`).
 */
import { assign, setup } from 'xstate';

/** Machine context. */
export interface BreakerMachineContext {
  /** Half-open successes needed to close. */
  successThreshold: number;
  /** Default open → half-open delay. */
  resetTimeoutMs: number;
  /** Delay of the current open period (shorter after `restore()`). */
  openDelayMs: number;
  /** Consecutive successes seen in the current half-open period. */
  halfOpenSuccesses: number;
}

/** Input of the machine. */
export interface BreakerMachineInput {
  successThreshold: number;
  resetTimeoutMs: number;
}

/** Events the machine understands. */
export type BreakerMachineEvent =
  /** A closed breaker reached its failure or error-rate threshold. */
  | { type: 'TRIP' }
  /** A half-open probe succeeded. */
  | { type: 'PROBE_SUCCESS' }
  /** A half-open probe failed. */
  | { type: 'PROBE_FAILURE' }
  /** Force open until RESET. */
  | { type: 'ISOLATE' }
  /** Back to closed from anywhere. */
  | { type: 'RESET' }
  /** Open for `delayMs` (restoring a persisted open breaker). */
  | { type: 'OPEN_FOR'; delayMs: number }
  /** Open → half-open now (restoring a persisted half-open breaker). */
  | { type: 'ATTEMPT_RESET' }
  /** New thresholds; take effect from the next decision. */
  | { type: 'CONFIGURE'; successThreshold: number; resetTimeoutMs: number };

/** The breaker machine definition. */
export const breakerMachine = setup({
  types: {
    context: {} as BreakerMachineContext,
    events: {} as BreakerMachineEvent,
    input: {} as BreakerMachineInput,
  },
  delays: {
    resetDelay: ({ context }) => context.openDelayMs,
  },
  guards: {
    closesOnThisSuccess: ({ context }) => context.halfOpenSuccesses + 1 >= context.successThreshold,
  },
  actions: {
    useDefaultDelay: assign({ openDelayMs: ({ context }) => context.resetTimeoutMs }),
  },
}).createMachine({
  id: 'circuitBreaker',
  initial: 'closed',
  context: ({ input }) => ({
    successThreshold: input.successThreshold,
    resetTimeoutMs: input.resetTimeoutMs,
    openDelayMs: input.resetTimeoutMs,
    halfOpenSuccesses: 0,
  }),
  on: {
    ISOLATE: { target: '.isolated' },
    RESET: { target: '.closed' },
    OPEN_FOR: {
      target: '.open',
      reenter: true,
      actions: assign({ openDelayMs: ({ event }) => Math.max(0, event.delayMs) }),
    },
    CONFIGURE: {
      actions: assign({
        successThreshold: ({ event }) => event.successThreshold,
        resetTimeoutMs: ({ event }) => event.resetTimeoutMs,
      }),
    },
  },
  states: {
    closed: {
      on: { TRIP: { target: 'open', actions: 'useDefaultDelay' } },
    },
    open: {
      after: { resetDelay: 'halfOpen' },
      on: { ATTEMPT_RESET: 'halfOpen' },
    },
    halfOpen: {
      entry: assign({ halfOpenSuccesses: 0 }),
      on: {
        PROBE_SUCCESS: [{ guard: 'closesOnThisSuccess', target: 'closed' }, { actions: assign({ halfOpenSuccesses: ({ context }) => context.halfOpenSuccesses + 1 }) }],
        PROBE_FAILURE: { target: 'open', actions: 'useDefaultDelay' },
      },
    },
    isolated: {},
  },
});

/** The state names of {@link breakerMachine}. */
export type BreakerMachineState = 'closed' | 'open' | 'halfOpen' | 'isolated';

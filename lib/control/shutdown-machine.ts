import { assign, fromPromise, setup } from 'xstate';

/** The phases of a graceful shutdown, in order. */
export const SHUTDOWN_PHASES = [
  'Running',
  'InitiateShutdown',
  'StopAcceptingRequests',
  'FinishActiveRequests',
  'SaveState',
  'CleanupResources',
  'Terminated',
] as const;

/** One phase of {@link SHUTDOWN_PHASES}. */
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

/** What the shutdown machine knows while it runs. */
export interface ShutdownMachineContext {
  timeoutMs: number;
  forced: boolean;
  timedOut: boolean;
  errors: { phase: ShutdownPhase; message: string }[];
}

/** Events the shutdown machine accepts. */
export type ShutdownMachineEvent = { type: 'SHUTDOWN'; timeoutMs: number } | { type: 'FORCE' };

const noop = fromPromise<void>(async () => {});

/**
 * The shutdown phases as a pure xstate v5 machine. Each working phase invokes an actor that the
 * network provides (`initiate`, `stopAccepting`, `drain`, `saveState`, `cleanup`); a phase whose actor fails
 * records the error and moves on, so a shutdown always reaches Terminated. `FINISH_TIMEOUT`
 * (the `timeoutMs` of the SHUTDOWN event) bounds draining; FORCE skips what is left of it.
 */
export const shutdownMachine = setup({
  types: {
    context: {} as ShutdownMachineContext,
    events: {} as ShutdownMachineEvent,
  },
  actors: { initiate: noop, stopAccepting: noop, drain: noop, saveState: noop, cleanup: noop },
  delays: { FINISH_TIMEOUT: ({ context }) => context.timeoutMs },
  actions: {
    force: assign({ forced: true }),
    // Provided by the runner: records the phase and its start time (every phase, even one passed
    // through at once, such as FinishActiveRequests when forced).
    enterPhase: (_, _params: { phase: ShutdownPhase }) => {},
  },
}).createMachine({
  id: 'shutdown',
  initial: 'Running',
  context: { timeoutMs: 0, forced: false, timedOut: false, errors: [] },
  states: {
    Running: {
      entry: { type: 'enterPhase', params: { phase: 'Running' } },
      on: {
        SHUTDOWN: { target: 'InitiateShutdown', actions: assign({ timeoutMs: ({ event }) => event.timeoutMs }) },
        FORCE: { target: 'InitiateShutdown', actions: 'force' },
      },
    },
    InitiateShutdown: {
      entry: { type: 'enterPhase', params: { phase: 'InitiateShutdown' } },
      // A real (not transient) state, so that it is observed and reported like every other phase.
      invoke: { src: 'initiate', onDone: 'StopAcceptingRequests', onError: 'StopAcceptingRequests' },
    },
    StopAcceptingRequests: {
      entry: { type: 'enterPhase', params: { phase: 'StopAcceptingRequests' } },
      on: { FORCE: { actions: 'force' } },
      invoke: {
        src: 'stopAccepting',
        onDone: 'FinishActiveRequests',
        onError: { target: 'FinishActiveRequests', actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'StopAcceptingRequests', message: String((event.error as Error)?.message ?? event.error) }] }) },
      },
    },
    FinishActiveRequests: {
      entry: { type: 'enterPhase', params: { phase: 'FinishActiveRequests' } },
      always: { guard: ({ context }) => context.forced, target: 'SaveState' },
      on: { FORCE: { target: 'SaveState', actions: 'force' } },
      after: { FINISH_TIMEOUT: { target: 'SaveState', actions: assign({ timedOut: true }) } },
      invoke: {
        src: 'drain',
        onDone: 'SaveState',
        onError: { target: 'SaveState', actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'FinishActiveRequests', message: String((event.error as Error)?.message ?? event.error) }] }) },
      },
    },
    SaveState: {
      entry: { type: 'enterPhase', params: { phase: 'SaveState' } },
      invoke: {
        src: 'saveState',
        onDone: 'CleanupResources',
        onError: { target: 'CleanupResources', actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'SaveState', message: String((event.error as Error)?.message ?? event.error) }] }) },
      },
    },
    CleanupResources: {
      entry: { type: 'enterPhase', params: { phase: 'CleanupResources' } },
      invoke: {
        src: 'cleanup',
        onDone: 'Terminated',
        onError: { target: 'Terminated', actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'CleanupResources', message: String((event.error as Error)?.message ?? event.error) }] }) },
      },
    },
    Terminated: { type: 'final', entry: { type: 'enterPhase', params: { phase: 'Terminated' } } },
  },
});

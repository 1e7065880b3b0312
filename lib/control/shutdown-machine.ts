import { assign, fromPromise, setup } from 'xstate';

import { SHUTDOWN_PHASES, ShutdownPhase } from './shutdown-phases.ts';

export { SHUTDOWN_PHASES, ShutdownPhase };

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
  initial: 'running',
  context: { timeoutMs: 0, forced: false, timedOut: false, errors: [] },
  states: {
    running: {
      entry: { type: 'enterPhase', params: { phase: 'running' } },
      on: {
        SHUTDOWN: { target: 'initiate-shutdown', actions: assign({ timeoutMs: ({ event }) => event.timeoutMs }) },
        FORCE: { target: 'initiate-shutdown', actions: 'force' },
      },
    },
    'initiate-shutdown': {
      entry: { type: 'enterPhase', params: { phase: 'initiate-shutdown' } },
      // A real (not transient) state, so that it is observed and reported like every other phase.
      invoke: { src: 'initiate', onDone: 'stop-accepting-requests', onError: 'stop-accepting-requests' },
    },
    'stop-accepting-requests': {
      entry: { type: 'enterPhase', params: { phase: 'stop-accepting-requests' } },
      on: { FORCE: { actions: 'force' } },
      invoke: {
        src: 'stopAccepting',
        onDone: 'finish-active-requests',
        onError: {
          target: 'finish-active-requests',
          actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'stop-accepting-requests', message: String((event.error as Error)?.message ?? event.error) }] }),
        },
      },
    },
    'finish-active-requests': {
      entry: { type: 'enterPhase', params: { phase: 'finish-active-requests' } },
      always: { guard: ({ context }) => context.forced, target: 'save-state' },
      on: { FORCE: { target: 'save-state', actions: 'force' } },
      after: { FINISH_TIMEOUT: { target: 'save-state', actions: assign({ timedOut: true }) } },
      invoke: {
        src: 'drain',
        onDone: 'save-state',
        onError: {
          target: 'save-state',
          actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'finish-active-requests', message: String((event.error as Error)?.message ?? event.error) }] }),
        },
      },
    },
    'save-state': {
      entry: { type: 'enterPhase', params: { phase: 'save-state' } },
      invoke: {
        src: 'saveState',
        onDone: 'cleanup-resources',
        onError: {
          target: 'cleanup-resources',
          actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'save-state', message: String((event.error as Error)?.message ?? event.error) }] }),
        },
      },
    },
    'cleanup-resources': {
      entry: { type: 'enterPhase', params: { phase: 'cleanup-resources' } },
      invoke: {
        src: 'cleanup',
        onDone: 'terminated',
        onError: {
          target: 'terminated',
          actions: assign({ errors: ({ context, event }) => [...context.errors, { phase: 'cleanup-resources', message: String((event.error as Error)?.message ?? event.error) }] }),
        },
      },
    },
    terminated: { type: 'final', entry: { type: 'enterPhase', params: { phase: 'terminated' } } },
  },
});

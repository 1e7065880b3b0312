/**
 * Which member of a failover group is active, as a pure xstate v5 machine (no timers, no calls:
 * the group's runtime in failover-group.ts sends it events and reads its context).
 */
import { assign, setup } from 'xstate';

/** Who asked for a change and why, carried by every event into the audit trail. */
export interface FailoverCause {
  /** Who: 'group' for the group's own decisions, else the operator's name. */
  by: string;
  /** Why, in words. */
  reason: string;
}

/** What the failover machine knows: the active member's index and each member's health. */
export interface FailoverMachineContext {
  /** Index of the one active member; -1 when none is (all unhealthy). */
  active: number;
  /** Health per member index. */
  healthy: boolean[];
}

/** Events the failover machine accepts. */
export type FailoverMachineEvent =
  | ({ type: 'UNHEALTHY'; index: number } & FailoverCause)
  | ({ type: 'HEALTHY'; index: number } & FailoverCause)
  | ({ type: 'RELEASE' } & FailoverCause)
  | ({ type: 'SWITCH'; to: number } & FailoverCause)
  | { type: 'RESTORE'; active: number; healthy: boolean[] };

/** Input of the machine: how many members the group has. */
export interface FailoverMachineInput {
  /** Number of members (at least one). */
  members: number;
}

/**
 * The next healthy member after `from`, going round in member order and skipping `from`
 * itself; -1 when no other member is healthy.
 */
export function nextHealthy(healthy: readonly boolean[], from: number): number {
  for (let step = 1; step < healthy.length; step++) {
    const index = (Math.max(from, 0) + step) % healthy.length;
    if (healthy[index]) return index;
  }
  if (from < 0 && healthy[0]) return 0;
  return -1;
}

function withHealth(healthy: readonly boolean[], index: number, value: boolean): boolean[] {
  const next = healthy.slice();
  next[index] = value;
  return next;
}

/**
 * States: `active` (one member holds the group) and `exhausted` (no healthy member; calls are
 * refused until a member is healthy again). UNHEALTHY on the active member switches to the next
 * healthy standby in one transition, so no moment exists with two members (or, while one is
 * healthy, none) active. RELEASE hands the group to the next healthy standby (the released
 * member stays a healthy standby). SWITCH(to) moves it by hand to a healthy member.
 */
export const failoverMachine = setup({
  types: {
    context: {} as FailoverMachineContext,
    events: {} as FailoverMachineEvent,
    input: {} as FailoverMachineInput,
  },
  guards: {
    activeTurnsUnhealthy: ({ context, event }) => event.type === 'UNHEALTHY' && event.index === context.active,
    hasStandby: ({ context }) => nextHealthy(context.healthy, context.active) !== -1,
    switchTargetHealthy: ({ context, event }) => event.type === 'SWITCH' && context.healthy[event.to] === true && event.to !== context.active,
    restoredActive: ({ event }) => event.type === 'RESTORE' && event.active >= 0,
  },
  actions: {
    markUnhealthy: assign({ healthy: ({ context, event }) => (event.type === 'UNHEALTHY' ? withHealth(context.healthy, event.index, false) : context.healthy) }),
    markHealthy: assign({ healthy: ({ context, event }) => (event.type === 'HEALTHY' ? withHealth(context.healthy, event.index, true) : context.healthy) }),
    moveToNext: assign({ active: ({ context }) => nextHealthy(context.healthy, context.active) }),
    moveToTarget: assign({ active: ({ context, event }) => (event.type === 'SWITCH' ? event.to : context.active) }),
    restore: assign(({ event, context }) => (event.type === 'RESTORE' ? { active: event.active, healthy: event.healthy.slice() } : context)),
  },
}).createMachine({
  id: 'failover',
  initial: 'active',
  context: ({ input }) => ({ active: 0, healthy: Array.from({ length: input.members }, () => true) }),
  on: {
    RESTORE: [
      { guard: 'restoredActive', target: '.active', actions: 'restore' },
      { target: '.exhausted', actions: 'restore' },
    ],
  },
  states: {
    active: {
      on: {
        UNHEALTHY: [{ guard: 'activeTurnsUnhealthy', actions: ['markUnhealthy', 'moveToNext'] }, { actions: 'markUnhealthy' }],
        HEALTHY: { actions: 'markHealthy' },
        RELEASE: { guard: 'hasStandby', actions: 'moveToNext' },
        SWITCH: { guard: 'switchTargetHealthy', actions: 'moveToTarget' },
      },
      // The active member's failure left no healthy standby: moveToNext set active to -1.
      always: { guard: ({ context }) => context.active === -1, target: 'exhausted' },
    },
    exhausted: {
      on: {
        UNHEALTHY: { actions: 'markUnhealthy' },
        // The first member to turn healthy again is acquired.
        HEALTHY: { target: 'active', actions: ['markHealthy', assign({ active: ({ event }) => event.index })] },
      },
    },
  },
});

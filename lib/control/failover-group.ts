/**
 * A failover group of providers given as functions: exactly one member is active, calls reach
 * it only, and the group switches to the next healthy standby when the active member fails too
 * often, its `healthy()` probe says no, it is released, or an operator switches it by hand.
 * The decisions are the pure machine in failover-machine.ts; this file is the runtime around it
 * (calls, failure counts, the probe timer, the audit trail, snapshot and restore).
 */
import { Subject, type Observable } from 'rxjs';
import { createActor } from 'xstate';

import { systemClock, type Clock, type TimerHandle } from '../util/clock.ts';
import { NoHealthyMemberError } from './failover-errors.ts';
import { failoverMachine, type FailoverCause, type FailoverMachineEvent } from './failover-machine.ts';
import { resolveFailoverOptions, type FailoverGroupOptions, type FailoverMember } from './failover-options.ts';

/** One entry of the audit trail: who changed the active member, when and why. */
export interface FailoverAuditEntry {
  /** When, in the clock's milliseconds. */
  readonly at: number;
  /** `acquire`: a member became active with none before; `release`: the active member gave the group up; `switch`: another member took over. */
  readonly action: 'acquire' | 'release' | 'switch';
  /** The member active before, if any. */
  readonly from: string | undefined;
  /** The member active after, if any. */
  readonly to: string | undefined;
  /** Who: 'group' for the group's own decisions, else the name an operator gave. */
  readonly by: string;
  /** Why, in words. */
  readonly reason: string;
}

/** The state of a group that a restart can restore: the active member, the unhealthy ones, the audit trail. */
export interface FailoverSnapshot {
  /** The active member's name, or undefined when none is healthy. */
  readonly active: string | undefined;
  /** Names of the members marked unhealthy. */
  readonly unhealthy: readonly string[];
  /** The audit trail, oldest first. */
  readonly audit: readonly FailoverAuditEntry[];
}

/** A failover group; see {@link createFailoverGroup}. */
export interface FailoverGroup<A extends unknown[], R> {
  /** The group's name. */
  readonly name: string;
  /** The active member's name, or undefined when no member is healthy. */
  readonly active: string | undefined;
  /** Every change of the active member, as it happens (the audit entries). */
  readonly state$: Observable<FailoverAuditEntry>;
  /**
   * Calls the active member with `args`. A failure counts against that member; reaching the
   * threshold marks it unhealthy and switches the group. The switch is atomic for new calls: a
   * call already running on the old member finishes there. Rejects with NoHealthyMemberError when no member is healthy.
   */
  call(...args: A): Promise<R>;
  /** Makes the healthy member `name` active by hand (throws NoHealthyMemberError when it is unknown or unhealthy). */
  switchTo(name: string, cause?: Partial<FailoverCause>): void;
  /** The active member gives the group up to the next healthy standby (throws NoHealthyMemberError when there is none). */
  release(cause?: Partial<FailoverCause>): void;
  /** The audit trail, oldest first. */
  audit(): FailoverAuditEntry[];
  /** The state to keep across a restart. */
  snapshot(): FailoverSnapshot;
  /** Takes back a {@link FailoverSnapshot} (members unknown to this group are ignored). */
  restore(snapshot: FailoverSnapshot): void;
  /** Stops the health probe and the machine; later calls reject with NoHealthyMemberError. */
  dispose(): void;
}

/**
 * Creates a failover group over `members` (providers given as functions); the first member is
 * acquired at once. Usable without a network.
 *
 * @example
 * ```ts
 * const db = createFailoverGroup({ name: 'db', members: [{ name: 'primary', call: queryPrimary }, { name: 'replica', call: queryReplica }] });
 * const rows = await db.call('select 1');
 * ```
 */
export function createFailoverGroup<A extends unknown[], R>(options: FailoverGroupOptions<A, R>): FailoverGroup<A, R> {
  const settings = resolveFailoverOptions(options);
  const clock: Clock = settings.clock ?? systemClock;
  const members: readonly FailoverMember<A, R>[] = settings.members;
  const actor = createActor(failoverMachine, { input: { members: members.length } }).start();
  const failures = members.map(() => 0);
  const trail: FailoverAuditEntry[] = [];
  const changes = new Subject<FailoverAuditEntry>();
  let disposed = false;
  let probeTimer: TimerHandle | undefined;

  const activeIndex = (): number => (disposed ? -1 : actor.getSnapshot().context.active);
  const nameOf = (index: number): string | undefined => (index >= 0 ? members[index]!.name : undefined);
  const record = (action: FailoverAuditEntry['action'], from: number, to: number, cause: FailoverCause): void => {
    const entry: FailoverAuditEntry = { at: clock.now(), action, from: nameOf(from), to: nameOf(to), by: cause.by, reason: cause.reason };
    trail.push(entry);
    changes.next(entry);
  };
  // Every change goes through here, so each one that moves the active member is audited.
  const send = (event: FailoverMachineEvent & FailoverCause, action?: 'release'): void => {
    const before = activeIndex();
    actor.send(event);
    const after = activeIndex();
    if (before === after) return;
    record(action ?? (before === -1 ? 'acquire' : 'switch'), before, after, event);
  };
  const exhausted = (): NoHealthyMemberError => new NoHealthyMemberError(settings.name, `failover group '${settings.name}' has no healthy member${disposed ? ' (disposed)' : ''}`);
  const indexOf = (name: string): number => members.findIndex((member) => member.name === name);
  const fullCause = (cause: Partial<FailoverCause> | undefined, reason: string): FailoverCause => ({ by: cause?.by ?? 'operator', reason: cause?.reason ?? reason });

  const markUnhealthy = (index: number, reason: string): void => send({ type: 'UNHEALTHY', index, by: 'group', reason });
  const markHealthy = (index: number, reason: string): void => {
    failures[index] = 0;
    send({ type: 'HEALTHY', index, by: 'group', reason });
  };

  const probe = async (): Promise<void> => {
    await Promise.all(
      members.map(async (member, index) => {
        if (member.healthy === undefined) return;
        let healthy: boolean;
        try {
          healthy = (await member.healthy()) === true;
        } catch {
          healthy = false;
        }
        if (disposed) return;
        const known = actor.getSnapshot().context.healthy[index];
        if (!healthy && known) markUnhealthy(index, 'health probe failed');
        else if (healthy && !known) markHealthy(index, 'health probe passed');
      }),
    );
  };
  const scheduleProbe = (): void => {
    probeTimer = clock.setTimeout(() => {
      void probe().finally(() => {
        if (!disposed) scheduleProbe();
      });
    }, settings.probeIntervalMs);
  };
  if (members.some((member) => member.healthy !== undefined)) scheduleProbe();
  record('acquire', -1, 0, { by: 'group', reason: 'created' });

  return {
    name: settings.name,
    get active() {
      return nameOf(activeIndex());
    },
    state$: changes.asObservable(),
    async call(...args: A): Promise<R> {
      const index = activeIndex();
      if (index === -1) throw exhausted();
      try {
        const result = await members[index]!.call(...args);
        failures[index] = 0;
        return result;
      } catch (error) {
        failures[index]! += 1;
        if (failures[index]! >= settings.failureThreshold && !disposed) markUnhealthy(index, `${failures[index]} consecutive failures`);
        throw error;
      }
    },
    switchTo(name, cause) {
      const index = indexOf(name);
      if (disposed || index === -1 || !actor.getSnapshot().context.healthy[index]) {
        throw new NoHealthyMemberError(settings.name, `failover group '${settings.name}' cannot switch to '${name}': ${index === -1 ? 'no such member' : 'it is not healthy'}`);
      }
      send({ type: 'SWITCH', to: index, ...fullCause(cause, 'switched by hand') });
    },
    release(cause) {
      const before = activeIndex();
      if (before === -1) throw exhausted();
      send({ type: 'RELEASE', ...fullCause(cause, 'released') }, 'release');
      if (activeIndex() === before) throw new NoHealthyMemberError(settings.name, `failover group '${settings.name}' has no healthy standby to release '${nameOf(before)}' to`);
    },
    audit: () => trail.slice(),
    snapshot() {
      const { healthy } = actor.getSnapshot().context;
      return { active: nameOf(activeIndex()), unhealthy: members.filter((_, index) => !healthy[index]).map((member) => member.name), audit: trail.slice() };
    },
    restore(snapshot) {
      const unhealthy = new Set(snapshot.unhealthy);
      const healthy = members.map((member) => !unhealthy.has(member.name));
      const active = snapshot.active === undefined ? -1 : indexOf(snapshot.active);
      actor.send({ type: 'RESTORE', active: active !== -1 && healthy[active] ? active : -1, healthy });
      trail.splice(0, trail.length, ...snapshot.audit);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (probeTimer !== undefined) clock.clearTimeout(probeTimer);
      actor.stop();
      changes.complete();
    },
  };
}

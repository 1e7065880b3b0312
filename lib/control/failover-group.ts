/**
 * A failover group of providers given as functions: exactly one member is active, calls reach
 * it only, and the group switches to the next healthy standby when the active member fails too
 * often, its `healthy()` probe says no, it is released, or an operator switches it by hand.
 * The decisions and the audit trail are the core in failover-core.ts; this file adds the calls,
 * the failure counts and the probe timer.
 */
import type { Observable } from 'rxjs';

import { systemClock, type Clock, type TimerHandle } from '../util/clock.ts';
import { createFailoverCore, type FailoverAuditEntry, type FailoverSnapshot } from './failover-core.ts';
import { NoHealthyMemberError } from './failover-errors.ts';
import type { FailoverCause } from './failover-machine.ts';
import { resolveFailoverOptions, type FailoverGroupOptions, type FailoverMember } from './failover-options.ts';

export type { FailoverAuditEntry, FailoverSnapshot };

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
  /** The audit trail, oldest first (the last `auditLimit` entries). */
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
  const core = createFailoverCore({ name: settings.name, members: members.map((member) => member.name), clock, auditLimit: settings.auditLimit });
  const failures = new Map(members.map((member) => [member.name, 0]));
  let disposed = false;
  let probeTimer: TimerHandle | undefined;

  const fullCause = (cause: Partial<FailoverCause> | undefined, reason: string): FailoverCause => ({ by: cause?.by ?? 'operator', reason: cause?.reason ?? reason });
  const probe = async (): Promise<void> => {
    await Promise.all(
      members.map(async (member) => {
        if (member.healthy === undefined) return;
        let healthy: boolean;
        try {
          healthy = (await member.healthy()) === true;
        } catch {
          healthy = false;
        }
        if (disposed) return;
        const known = core.isHealthy(member.name);
        if (!healthy && known) core.markUnhealthy(member.name, { by: 'group', reason: 'health probe failed' });
        else if (healthy && !known) {
          failures.set(member.name, 0);
          core.markHealthy(member.name, { by: 'group', reason: 'health probe passed' });
        }
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

  return {
    name: settings.name,
    get active() {
      return core.active;
    },
    state$: core.state$,
    async call(...args: A): Promise<R> {
      const active = core.active;
      const member = members.find((candidate) => candidate.name === active);
      if (member === undefined) throw new NoHealthyMemberError(settings.name, `failover group '${settings.name}' has no healthy member${disposed ? ' (disposed)' : ''}`);
      try {
        const result = await member.call(...args);
        failures.set(member.name, 0);
        return result;
      } catch (error) {
        const count = (failures.get(member.name) ?? 0) + 1;
        failures.set(member.name, count);
        if (count >= settings.failureThreshold && !disposed) core.markUnhealthy(member.name, { by: 'group', reason: `${count} consecutive failures` });
        throw error;
      }
    },
    switchTo: (name, cause) => core.switchTo(name, fullCause(cause, 'switched by hand')),
    release: (cause) => core.release(fullCause(cause, 'released')),
    audit: () => core.audit(),
    snapshot: () => core.snapshot(),
    restore: (snapshot) => core.restore(snapshot),
    dispose() {
      if (disposed) return;
      disposed = true;
      if (probeTimer !== undefined) clock.clearTimeout(probeTimer);
      core.dispose();
    },
  };
}

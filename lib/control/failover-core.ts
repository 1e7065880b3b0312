/**
 * What every failover group shares, whatever its members are (providers given as functions in
 * failover-group.ts, nodes of a network in network/node-failover.ts): the xstate machine that
 * says which member is active, each member's health, the audit trail, and snapshot/restore.
 * No timers and no calls here: the group around it decides when a member is unhealthy.
 */
import { Subject, type Observable } from 'rxjs';
import { createActor } from 'xstate';

import type { Clock } from '../util/clock.ts';
import { NoHealthyMemberError } from './failover-errors.ts';
import { failoverMachine, type FailoverCause, type FailoverMachineEvent } from './failover-machine.ts';

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

/** The shared part of a failover group (see the file comment). */
export interface FailoverCore {
  /** The group's name. */
  readonly name: string;
  /** The members' names, in failover order. */
  readonly members: readonly string[];
  /** The active member's name, or undefined when no member is healthy (or the core is disposed). */
  readonly active: string | undefined;
  /** Every change of the active member, as it happens (the audit entries). */
  readonly state$: Observable<FailoverAuditEntry>;
  /** Whether `member` is healthy now (false for an unknown name). */
  isHealthy(member: string): boolean;
  /** Marks `member` unhealthy; when it is the active one, the next healthy standby takes over in the same step. */
  markUnhealthy(member: string, cause: FailoverCause): void;
  /** Marks `member` healthy again; with no active member, it is acquired. */
  markHealthy(member: string, cause: FailoverCause): void;
  /** Sets what is known of `member`'s health and nothing else: never moves the active member (a group whose shared lock decides, while another process holds it). */
  setHealthy(member: string, healthy: boolean): void;
  /** Makes the healthy member `member` active (throws NoHealthyMemberError when it is unknown or unhealthy). */
  switchTo(member: string, cause: FailoverCause): void;
  /** The active member gives the group up to the next healthy standby (throws NoHealthyMemberError when there is none). */
  release(cause: FailoverCause): void;
  /**
   * Makes `member` active (or none) because someone else decided it (another process holding
   * the group's lock): recorded like a switch, whatever this process thinks of its health.
   */
  adopt(member: string | undefined, cause: FailoverCause): void;
  /** The audit trail, oldest first (the last `auditLimit` entries). */
  audit(): FailoverAuditEntry[];
  /** The state to keep across a restart. */
  snapshot(): FailoverSnapshot;
  /** Takes back a {@link FailoverSnapshot} (members unknown to this group are ignored). */
  restore(snapshot: FailoverSnapshot): void;
  /** Stops the machine and completes `state$`; `active` is undefined from then on. */
  dispose(): void;
}

/** Options of {@link createFailoverCore} (checked by the group that builds it). */
export interface FailoverCoreOptions {
  readonly name: string;
  readonly members: readonly string[];
  readonly clock: Clock;
  /** Audit entries kept (the oldest go first). */
  readonly auditLimit: number;
  /** False: no member is active until one is adopted or restored (a group whose shared lock decides). @defaultValue true */
  readonly acquire?: boolean;
}

/** A failover core over `members`; the first member is acquired at once (audited as `created`) unless `acquire` is false. */
export function createFailoverCore(options: FailoverCoreOptions): FailoverCore {
  const { name, members, clock, auditLimit } = options;
  const actor = createActor(failoverMachine, { input: { members: members.length } }).start();
  const trail: FailoverAuditEntry[] = [];
  const changes = new Subject<FailoverAuditEntry>();
  let disposed = false;

  const activeIndex = (): number => (disposed ? -1 : actor.getSnapshot().context.active);
  const nameOf = (index: number): string | undefined => (index >= 0 ? members[index] : undefined);
  const indexOf = (member: string | undefined): number => (member === undefined ? -1 : members.indexOf(member));
  const healthy = (): readonly boolean[] => actor.getSnapshot().context.healthy;
  const record = (action: FailoverAuditEntry['action'], from: number, to: number, cause: FailoverCause): void => {
    const entry: FailoverAuditEntry = { at: clock.now(), action, from: nameOf(from), to: nameOf(to), by: cause.by, reason: cause.reason };
    trail.push(entry);
    if (trail.length > auditLimit) trail.splice(0, trail.length - auditLimit);
    changes.next(entry);
  };
  // Every change goes through here, so each one that moves the active member is audited.
  const send = (event: FailoverMachineEvent, cause: FailoverCause, action?: 'release'): void => {
    if (disposed) return;
    const before = activeIndex();
    actor.send(event);
    const after = activeIndex();
    if (before !== after) record(action ?? (before === -1 ? 'acquire' : 'switch'), before, after, cause);
  };
  const refuse = (message: string): NoHealthyMemberError => new NoHealthyMemberError(name, `failover group '${name}' ${message}${disposed ? ' (disposed)' : ''}`);

  if (options.acquire === false) actor.send({ type: 'RESTORE', active: -1, healthy: members.map(() => true) });
  else record('acquire', -1, 0, { by: 'group', reason: 'created' });

  return {
    name,
    members,
    get active() {
      return nameOf(activeIndex());
    },
    state$: changes.asObservable(),
    isHealthy: (member) => healthy()[indexOf(member)] === true,
    markUnhealthy(member, cause) {
      const index = indexOf(member);
      if (index !== -1) send({ type: 'UNHEALTHY', index, ...cause }, cause);
    },
    markHealthy(member, cause) {
      const index = indexOf(member);
      if (index !== -1) send({ type: 'HEALTHY', index, ...cause }, cause);
    },
    setHealthy(member, value) {
      const index = indexOf(member);
      if (index === -1 || disposed || healthy()[index] === value) return;
      const health = healthy().slice();
      health[index] = value;
      actor.send({ type: 'RESTORE', active: activeIndex(), healthy: health });
    },
    switchTo(member, cause) {
      const index = indexOf(member);
      if (disposed || index === -1 || !healthy()[index]) throw refuse(`cannot switch to '${member}': ${index === -1 ? 'no such member' : 'it is not healthy'}`);
      send({ type: 'SWITCH', to: index, ...cause }, cause);
    },
    release(cause) {
      const before = activeIndex();
      if (before === -1) throw refuse('has no healthy member');
      send({ type: 'RELEASE', ...cause }, cause, 'release');
      if (activeIndex() === before) throw refuse(`has no healthy standby to release '${nameOf(before)}' to`);
    },
    adopt(member, cause) {
      const index = indexOf(member);
      if (index === activeIndex()) return;
      send({ type: 'RESTORE', active: index, healthy: healthy().slice() }, cause, member === undefined ? 'release' : undefined);
    },
    audit: () => trail.slice(),
    snapshot() {
      const health = healthy();
      return { active: nameOf(activeIndex()), unhealthy: members.filter((_, index) => !health[index]), audit: trail.slice() };
    },
    restore(snapshot) {
      const unhealthy = new Set(snapshot.unhealthy);
      const health = members.map((member) => !unhealthy.has(member));
      const active = indexOf(snapshot.active);
      if (!disposed) actor.send({ type: 'RESTORE', active: active !== -1 && health[active] ? active : -1, healthy: health });
      trail.splice(0, trail.length, ...snapshot.audit.slice(-auditLimit));
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      actor.stop();
      changes.complete();
    },
  };
}

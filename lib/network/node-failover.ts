/**
 * One failover group of nodes in a network (`network.failover(name, { members })`): signals to
 * the group's name reach its active member only. The member turns unhealthy when its breaker
 * opens or its `node:<name>` health check says `unhealthy` (told by network-failover.ts); then,
 * on `release()`, or by hand with `switchTo`, the group moves to the next healthy standby in one
 * step of the failover core. Every change is an audit entry, a `failover` event, and the group's
 * state is kept by a durable journal.
 *
 * With a shared lock (a key-value store: JetStream KV with NATS), the processes that define the
 * same group agree through its entry (see failover-lease.ts): only the process that holds the
 * lock decides, the others follow the member the entry names. A process holds the group only
 * with a healthy member of its own; it hands the group over when the next member is another
 * process's.
 */
import type { Observable } from 'rxjs';
import { createFailoverCore, type FailoverAuditEntry, type FailoverCore, type FailoverSnapshot } from '../control/failover-core.ts';
import { NoHealthyMemberError } from '../control/failover-errors.ts';
import { createFailoverLease, type FailoverLease } from '../control/failover-lease.ts';
import { nextHealthy, type FailoverCause } from '../control/failover-machine.ts';
import type { FailoverGroupHealth } from '../control/health-types.ts';
import type { KeyValueStore } from '../control/key-value-store.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Clock } from '../util/clock.ts';
import { LifecycleError } from './errors.ts';
import type { ResolvedNodeFailoverOptions } from './failover-node-options.ts';

/** The runbook entry every failover event and report names. */
export const FAILOVER_RUNBOOK = 'docs/operations.md#failover-switched';

/** A failover group of nodes; see `network.failover`. */
export interface NodeFailoverGroup {
  /** The group's name: post, send and emit to it to reach the active member. */
  readonly name: string;
  /** The members, in failover order. */
  readonly members: readonly string[];
  /** The active member now, or undefined when none is (signals to the group are refused as `no-active-member`). */
  readonly active: string | undefined;
  /** With a shared lock: whether this process holds the group now; undefined for a group of this process alone. */
  readonly holding: boolean | undefined;
  /** Every change of the active member, as it happens (the audit entries). */
  readonly state$: Observable<FailoverAuditEntry>;
  /**
   * Makes the healthy member `member` active (`by` and `reason` go into the audit trail). Rejects
   * with NoHealthyMemberError when it is unknown or unhealthy, and with LifecycleError when
   * another process holds the group's shared lock (switch it there).
   */
  switchTo(member: string, cause?: Partial<FailoverCause>): Promise<void>;
  /** The active member gives the group up to the next healthy standby (rejects like `switchTo`, or when no standby is healthy). */
  release(cause?: Partial<FailoverCause>): Promise<void>;
  /** The audit trail, oldest first (kept across restarts by a durable journal). */
  audit(): FailoverAuditEntry[];
  /** The group's section of the health report. */
  status(): FailoverGroupHealth;
}

/** What a group reaches of its network. */
export interface NodeFailoverParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  /** Whether `member` is a node of this process (not a remote one). */
  isLocal(member: string): boolean;
  /** Keeps the group's state (a durable journal's `keepState`). */
  keep(snapshot: FailoverSnapshot): void;
  /** A failure of the shared store. */
  failure(error: unknown, operation: string): void;
  /** This process's id in the shared lock. */
  readonly holderId: string;
}

/** See the file comment; built by network-failover.ts. */
export class NodeFailover implements NodeFailoverGroup {
  readonly name: string;
  readonly members: readonly string[];
  readonly state$: Observable<FailoverAuditEntry>;
  /** Changes of the active member in this run. */
  switches = 0;
  readonly #core: FailoverCore;
  readonly #parts: NodeFailoverParts;
  readonly #lock: ResolvedNodeFailoverOptions['lock'];
  /** Whether the shared lock decides (a store was given or the transport has one). */
  readonly locked: boolean;
  #lease: FailoverLease | undefined;

  /** The store given for the shared lock (else the transport's is used). */
  get lockStore(): KeyValueStore | undefined {
    return this.#lock === false ? undefined : this.#lock.store;
  }

  constructor(name: string, options: ResolvedNodeFailoverOptions, parts: NodeFailoverParts, locked: boolean) {
    this.name = name;
    this.members = options.members;
    this.#parts = parts;
    this.#lock = options.lock;
    this.locked = locked;
    this.#core = createFailoverCore({ name, members: options.members, clock: parts.clock, auditLimit: options.auditLimit, acquire: !locked });
    this.state$ = this.#core.state$;
    this.#core.state$.subscribe((entry) => {
      this.switches++;
      this.#emit(entry.action, entry);
      parts.keep(this.#core.snapshot());
    });
  }

  get active(): string | undefined {
    return this.#core.active;
  }

  get holding(): boolean | undefined {
    return this.locked ? (this.#lease?.holding ?? false) : undefined;
  }

  audit(): FailoverAuditEntry[] {
    return this.#core.audit();
  }

  /** A member's health as the network sees it (breaker, health check) changed. */
  memberHealth(member: string, healthy: boolean, reason: string): void {
    const core = this.#core;
    if (core.isHealthy(member) === healthy) return;
    const cause = { by: 'group', reason: `${member}: ${reason}` };
    if (!this.locked) {
      if (healthy) core.markHealthy(member, cause);
      else core.markUnhealthy(member, cause);
      return;
    }
    core.setHealthy(member, healthy);
    if (!this.#lease?.holding) {
      if (healthy) this.#lease?.poke();
      return;
    }
    if (!healthy && member === core.active) {
      const next = nextHealthy(this.#healthy(), this.members.indexOf(member));
      this.#decide(next === -1 ? undefined : this.members[next], cause);
    }
  }

  async switchTo(member: string, cause?: Partial<FailoverCause>): Promise<void> {
    const full = fullCause(cause, 'switched by hand');
    if (!this.locked) return this.#core.switchTo(member, full);
    this.#checkHolding(`switch to ${member}`);
    if (!this.#core.isHealthy(member)) {
      throw new NoHealthyMemberError(this.name, `failover group '${this.name}' cannot switch to '${member}': ${this.members.includes(member) ? 'it is not healthy' : 'no such member'}`);
    }
    if (member !== this.#core.active) await this.#decide(member, full);
  }

  async release(cause?: Partial<FailoverCause>): Promise<void> {
    const full = fullCause(cause, 'released');
    if (!this.locked) return this.#core.release(full);
    this.#checkHolding('release');
    const next = nextHealthy(this.#healthy(), this.members.indexOf(this.#core.active ?? ''));
    if (next === -1 || this.members[next] === this.#core.active) throw new NoHealthyMemberError(this.name, `failover group '${this.name}' has no healthy standby to release '${this.#core.active}' to`);
    await this.#decide(this.members[next], full);
  }

  status(): FailoverGroupHealth {
    const health: Record<string, 'healthy' | 'unhealthy'> = {};
    for (const member of this.members) health[member] = this.#core.isHealthy(member) ? 'healthy' : 'unhealthy';
    const audit = this.#core.audit();
    return {
      active: this.active,
      members: health,
      switches: this.switches,
      lastChange: audit.at(-1),
      lock: this.locked ? { holding: this.#lease?.holding ?? false, holder: this.#lease?.holderSeen } : undefined,
      runbook: FAILOVER_RUNBOOK,
    };
  }

  /**
   * Takes back the state a journal kept. With a shared lock, the lock (read before the network
   * opened) still decides the active member, and what this run recorded follows the kept trail.
   */
  restore(snapshot: FailoverSnapshot): void {
    if (!this.locked) {
      this.#core.restore(snapshot);
      return;
    }
    const now = this.#core.snapshot();
    this.#core.restore({ active: now.active, unhealthy: snapshot.unhealthy.filter((member) => member !== now.active), audit: [...snapshot.audit, ...now.audit] });
  }

  /** Starts contending for the shared lock in `store` (at the network's start); resolves once the lock's entry was read. */
  startLock(store: KeyValueStore): Promise<void> {
    const lock = this.#lock;
    if (lock === false || this.#lease !== undefined) return Promise.resolve();
    const parts = this.#parts;
    this.#lease = createFailoverLease({
      store,
      key: `failover.${this.name}`,
      holder: parts.holderId,
      clock: parts.clock,
      leaseMs: lock.leaseMs,
      renewMs: lock.renewMs,
      candidate: (prefer) => this.#candidate(prefer),
      onActive: (member, cause) => this.#core.adopt(member, cause),
      onHolding: (holding) =>
        this.#emit(holding ? 'lock-taken' : 'lock-lost', {
          from: undefined,
          to: this.#core.active,
          by: 'group',
          reason: holding ? `${parts.holderId} holds the lock` : `${parts.holderId} no longer holds the lock`,
        }),
      onError: (error, operation) => parts.failure(error, operation),
    });
    return this.#lease.start();
  }

  /** Stops the lease: a holder hands the group over (best effort). */
  async stopLock(): Promise<void> {
    const lease = this.#lease;
    // A later start (after a failed one) contends afresh.
    this.#lease = undefined;
    await lease?.stop();
  }

  /** Stops the core: `active` is undefined from here on. */
  dispose(): void {
    this.#core.dispose();
  }

  /** The holder moves the group to `target`: at once when it is a member of this process, else handed over to it (or freed). */
  async #decide(target: string | undefined, cause: FailoverCause): Promise<void> {
    const local = target !== undefined && this.#parts.isLocal(target);
    this.#core.adopt(local ? target : undefined, cause);
    try {
      await this.#lease!.change(target, local, cause);
    } catch (error) {
      // Lost the lock meanwhile (the watch shows who holds it now), or the store failed.
      this.#parts.failure(error, 'failover.switch');
      throw error;
    }
  }

  #candidate(prefer: string | undefined): string | undefined {
    const ours = (member: string): boolean => this.#parts.isLocal(member) && this.#core.isHealthy(member);
    if (prefer !== undefined && this.members.includes(prefer) && ours(prefer)) return prefer;
    return this.members.find(ours);
  }

  #healthy(): boolean[] {
    return this.members.map((member) => this.#core.isHealthy(member));
  }

  #checkHolding(what: string): void {
    if (this.#lease?.holding !== true) {
      const holder = this.#lease?.holderSeen;
      throw new LifecycleError(`cannot ${what} in failover group '${this.name}': ${holder === undefined ? 'no process holds it' : `process ${holder} holds it`}; do it where the group is held`);
    }
  }

  #emit(action: 'acquire' | 'release' | 'switch' | 'lock-taken' | 'lock-lost', change: Pick<FailoverAuditEntry, 'from' | 'to' | 'by' | 'reason'>): void {
    const hub = this.#parts.hub;
    if (hub.observed)
      hub.emit({ kind: 'failover', at: this.#parts.clock.now(), group: this.name, action, from: change.from, to: change.to, by: change.by, reason: change.reason, runbook: FAILOVER_RUNBOOK });
  }
}

function fullCause(cause: Partial<FailoverCause> | undefined, reason: string): FailoverCause {
  return { by: cause?.by ?? 'operator', reason: cause?.reason ?? reason };
}

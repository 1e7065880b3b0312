/**
 * The lock of a failover group shared by several processes: one entry of a shared key-value
 * store (a JetStream KV bucket with NATS) names the active member and the process that holds
 * the group. It is taken and renewed by compare-and-set on the entry's revision, and held as a
 * lease: the holder renews every `renewMs`; a process that sees no new revision for `leaseMs`
 * takes the entry over (compare-and-set on the revision it saw, so two contenders cannot both).
 *
 * Why two processes never both hold it: the holder counts its lease from the moment it *sent*
 * its last successful write and steps down when `leaseMs` has passed since without a renewal;
 * a contender counts from the moment it *saw* that write, which is later. Only clock rates
 * matter, not clock offsets between processes.
 */
import type { Clock, TimerHandle } from '../util/clock.ts';
import { unrefTimer } from '../util/clock.ts';
import type { DisposableHandle } from '../resilience/emitter.ts';
import type { FailoverCause } from './failover-machine.ts';
import { isKeyValueConflictError as isConflict } from './key-value-errors.ts';
import type { KeyValueEntry, KeyValueStore } from './key-value-store.ts';

/** The JSON of the lock's entry. */
export interface FailoverLockValue {
  /** The active member; null when the group is free (handed over, or no member healthy). */
  readonly member: string | null;
  /** The process that holds the group; null when free. */
  readonly holder: string | null;
  /** Who made the last change, and why (for every process's audit trail). */
  readonly by: string;
  readonly reason: string;
  /** When a free group was handed over to a member: the process hosting it takes it first. */
  readonly prefer?: string;
}

/** What a lease needs (see {@link createFailoverLease}). */
export interface FailoverLeaseOptions {
  readonly store: KeyValueStore;
  /** The entry's key, e.g. `failover.pay`. */
  readonly key: string;
  /** This process's id in the entry (unique per process and run). */
  readonly holder: string;
  readonly clock: Clock;
  /** How long a holder's write holds the group without renewal. */
  readonly leaseMs: number;
  /** How often the holder renews (less than `leaseMs`). */
  readonly renewMs: number;
  /** The member this process would make active now (one of its own, healthy), preferring `prefer`; undefined when it has none. */
  candidate(prefer?: string): string | undefined;
  /** The entry names `member` as active now (or none), changed by `cause`; `mine`: this process holds it. */
  onActive(member: string | undefined, cause: FailoverCause, mine: boolean): void;
  /** This process took the group (true) or no longer holds it (false). */
  onHolding(holding: boolean): void;
  /** The store failed (a write or the watch); the lease goes on trying. */
  onError(error: unknown, operation: string): void;
}

/** A running lease; see {@link createFailoverLease}. */
export interface FailoverLease {
  /** This process holds the group now (its lease has not run out). */
  readonly holding: boolean;
  /** The member the entry names as active, as last seen (undefined before the first read, or when free). */
  readonly member: string | undefined;
  /** The holder the entry names, as last seen. */
  readonly holderSeen: string | undefined;
  /**
   * Starts watching the entry and contending for it. Resolves once the entry was read (and,
   * when it was free, this process's attempt to take it is over), so the caller knows the
   * active member; a watch that cannot start is reported to `onError` and resolves too.
   */
  start(): Promise<void>;
  /**
   * The holder changes the active member: to `member` when it is one of this process's
   * (`local`), else hands the group over (free, preferring `member`). Resolves once written;
   * rejects when this process does not hold the group or the write fails.
   */
  change(member: string | undefined, local: boolean, cause: FailoverCause): Promise<void>;
  /** A member of this process may have turned healthy: contend now if the group is free. */
  poke(): void;
  /** Stops the timers and the watch; a holder hands the group over first (best effort). */
  stop(): Promise<void>;
}

/** A lease on `options.key` (see the file comment). Nothing happens before `start()`. */
export function createFailoverLease(options: FailoverLeaseOptions): FailoverLease {
  const { store, key, holder: me, clock, leaseMs, renewMs } = options;
  /** The entry as last seen: its revision, its value (undefined when foreign or damaged), and whether it is a deletion marker. */
  let seen: { revision: number; value: FailoverLockValue | undefined; deleted?: boolean } | undefined;
  let holding = false;
  /** Revision of this process's last write, while it holds the group. */
  let myRevision: number | undefined;
  let validUntil = 0;
  let renewTimer: TimerHandle | undefined;
  let expiryTimer: TimerHandle | undefined;
  let stepDownTimer: TimerHandle | undefined;
  let watch: DisposableHandle | undefined;
  let stopped = false;
  let writing = false;
  /** The attempt a free entry started, for `start` to wait on. */
  let acquiring: Promise<void> | undefined;

  const clear = (timer: TimerHandle | undefined): undefined => {
    if (timer !== undefined) clock.clearTimeout(timer);
    return undefined;
  };
  const later = (ms: number, fn: () => void): TimerHandle => unrefTimer(clock.setTimeout(fn, ms));
  const setHolding = (value: boolean): void => {
    if (holding === value) return;
    holding = value;
    if (!value) {
      renewTimer = clear(renewTimer);
      stepDownTimer = clear(stepDownTimer);
      myRevision = undefined;
    }
    options.onHolding(value);
  };
  /** A write of ours was stored at `revision`: the lease runs `leaseMs` from when it was sent. */
  const held = (revision: number, sentAt: number): void => {
    myRevision = revision;
    validUntil = sentAt + leaseMs;
    stepDownTimer = clear(stepDownTimer);
    stepDownTimer = later(Math.max(0, validUntil - clock.now()), () => {
      // No renewal got through in time (the store is slow or unreachable): stop acting as holder,
      // then wait a whole lease like any contender before taking the entry back.
      setHolding(false);
      if (seen !== undefined) expireAfterLease(seen.revision, 'own lease ran out');
    });
    setHolding(clock.now() < validUntil);
    renewTimer = clear(renewTimer);
    if (holding) renewTimer = later(renewMs, renew);
  };
  const encode = (value: FailoverLockValue): string => JSON.stringify(value);

  // The holder's writes (renewals, changes) go one at a time: each compares-and-sets on the
  // revision the one before left, so a renewal never loses to a change of its own process.
  let writes: Promise<unknown> = Promise.resolve();
  const serial = <T>(write: () => Promise<T>): Promise<T> => {
    const next = writes.then(write, write);
    writes = next.catch(() => undefined);
    return next;
  };

  const renew = (): void => {
    renewTimer = undefined;
    void serial(() => renewNow());
  };
  const renewNow = (): Promise<void> => {
    const value = seen?.value;
    const revision = myRevision;
    if (stopped || revision === undefined || value === undefined || value.holder !== me) return Promise.resolve();
    const sentAt = clock.now();
    return store.update(key, encode(value), revision).then(
      (stored) => {
        // The watch may have shown a later write already (another process's, after ours).
        if (seen !== undefined && seen.revision > stored) return;
        seen = { revision: stored, value };
        if (!stopped && myRevision !== undefined) held(stored, sentAt);
      },
      (error: unknown) => {
        if (stopped) return;
        // A conflict: someone else wrote the entry (it took over): the watch tells who.
        if (isConflict(error)) setHolding(false);
        else {
          options.onError(error, 'failover.renew');
          // Try again; the step-down timer ends the lease if no renewal gets through in time.
          if (myRevision !== undefined) renewTimer = later(renewMs, renew);
        }
      },
    );
  };

  /**
   * Takes the group with this process's candidate member (compare-and-set on the revision seen,
   * or a create when there is no entry); resolves once the attempt is over (taken, lost, failed).
   */
  const acquire = (reason: string): Promise<void> => {
    if (stopped || writing || holding) return Promise.resolve();
    const prefer = seen?.value?.prefer;
    const member = options.candidate(prefer);
    if (member === undefined) return Promise.resolve();
    const value: FailoverLockValue = { member, holder: me, by: 'group', reason };
    const sentAt = clock.now();
    writing = true;
    const write = seen === undefined || seen.deleted ? store.create(key, encode(value)) : store.update(key, encode(value), seen.revision);
    return write.then(
      (revision) => {
        writing = false;
        if (stopped) return;
        seen = { revision, value };
        held(revision, sentAt);
        if (holding) options.onActive(member, value, true);
      },
      (error: unknown) => {
        writing = false;
        // Lost the race: the watch shows the winner. A store that failed: try again after a renewal interval.
        if (stopped || isConflict(error)) return;
        options.onError(error, 'failover.acquire');
        expiryTimer = clear(expiryTimer);
        expiryTimer = later(renewMs, () => void acquire(reason));
      },
    );
  };

  const onEntry = (entry: KeyValueEntry): void => {
    if (stopped || entry.key !== key) return;
    if (seen !== undefined && entry.revision <= seen.revision) return;
    const value = entry.deleted ? undefined : parseLockValue(entry.value);
    seen = { revision: entry.revision, value, deleted: entry.deleted };
    expiryTimer = clear(expiryTimer);
    if (value?.holder === me) {
      // Our own write, seen again; or one we no longer stand behind (we stepped down): take it back only after a lease.
      if (!holding) expireAfterLease(entry.revision, 'own lease ran out');
      return;
    }
    // Another process wrote it: whatever we held is gone.
    if (holding || myRevision !== undefined) setHolding(false);
    options.onActive(value?.member ?? undefined, { by: value?.by ?? 'group', reason: value?.reason ?? 'lock entry removed' }, false);
    if (value === undefined || value.holder === null) {
      // Free: the process hosting the preferred member goes first; the others wait one renewal
      // interval (time enough for it to take the entry when it is alive), not a whole lease.
      const prefer = value?.prefer;
      if (prefer === undefined || options.candidate(prefer) === prefer) acquiring = acquire(value === undefined ? 'lock free' : `handed over${prefer === undefined ? '' : ` to ${prefer}`}`);
      else expiryTimer = later(renewMs, () => void acquire(`handed over to ${prefer}, not taken by its process`));
      return;
    }
    expireAfterLease(entry.revision, `lease of ${value.holder} expired`);
  };
  /** Contends once `leaseMs` passed with the entry still at `revision` (no renewal seen meanwhile). */
  const expireAfterLease = (revision: number, reason: string): void => {
    expiryTimer = clear(expiryTimer);
    expiryTimer = later(leaseMs, () => {
      if (seen?.revision === revision) void acquire(reason);
    });
  };

  return {
    get holding() {
      return holding;
    },
    get member() {
      return seen?.value?.member ?? undefined;
    },
    get holderSeen() {
      return seen?.value?.holder ?? undefined;
    },
    async start() {
      if (watch !== undefined || stopped) return;
      const running = store.watch(key, onEntry);
      watch = running;
      try {
        await running.ready;
      } catch (error) {
        options.onError(error, 'failover.watch');
        return;
      }
      // No entry at all: the watch had nothing to show; contend for a new one. Else wait for an
      // attempt the entry started (a free group), so that the caller knows who holds it.
      if (seen === undefined) await acquire('lock created');
      else await acquiring;
    },
    change(member, local, cause) {
      return serial(async () => {
        if (!holding || myRevision === undefined) throw new Error(`this process does not hold failover lock ${key}`);
        const value: FailoverLockValue =
          local && member !== undefined ? { member, holder: me, ...cause } : { member: null, holder: null, ...cause, ...(member === undefined ? {} : { prefer: member }) };
        const current = myRevision;
        // Handing over: stop acting as holder before the write can let anyone else in.
        if (!local || member === undefined) setHolding(false);
        const sentAt = clock.now();
        const revision = await store.update(key, encode(value), current);
        seen = { revision, value };
        if (value.holder === me) held(revision, sentAt);
      });
    },
    poke() {
      if (watch !== undefined && !holding && (seen === undefined || seen.value === undefined || seen.value.holder === null)) void acquire('a member turned healthy');
    },
    async stop() {
      if (stopped) return;
      const wasHolding = holding;
      setHolding(false);
      stopped = true;
      expiryTimer = clear(expiryTimer);
      watch?.dispose();
      if (!wasHolding) return;
      // After any renewal in flight (it may move the revision): hand over on the latest one, naming
      // the member that was active, so that a process hosting it (this one restarted) takes it first.
      await serial(async () => {
        const last = seen?.value;
        if (last?.holder !== me || seen === undefined) return;
        const free: FailoverLockValue = { member: null, holder: null, by: 'group', reason: `${me} stopped`, ...(last.member === null ? {} : { prefer: last.member }) };
        await store.update(key, encode(free), seen.revision);
      }).catch(() => undefined);
    },
  };
}

/** The lock value in `text`; undefined when it is not one (a foreign or damaged entry counts as free). */
export function parseLockValue(text: string): FailoverLockValue | undefined {
  try {
    const raw = JSON.parse(text) as Partial<FailoverLockValue> | null;
    if (raw === null || typeof raw !== 'object') return undefined;
    if ((raw.member !== null && typeof raw.member !== 'string') || (raw.holder !== null && typeof raw.holder !== 'string')) return undefined;
    return {
      member: raw.member,
      holder: raw.holder,
      by: typeof raw.by === 'string' ? raw.by : 'group',
      reason: typeof raw.reason === 'string' ? raw.reason : '',
      ...(typeof raw.prefer === 'string' ? { prefer: raw.prefer } : {}),
    };
  } catch {
    return undefined;
  }
}

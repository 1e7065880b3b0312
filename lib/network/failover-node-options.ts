/**
 * Options and defaults of a failover group of nodes (`network.failover(name, options)`). Leaf
 * file (imports only the option checks and types).
 */
import type { KeyValueStore } from '../control/key-value-store.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';
import { DEFAULT_FAILOVER_AUDIT_LIMIT } from '../control/failover-options.ts';

/**
 * How long the holder of a group's shared lock holds it without renewing (milliseconds): a
 * process that sees no renewal for this long takes the group over.
 * @defaultValue 10000
 */
export const DEFAULT_FAILOVER_LEASE_MS = 10_000;

/**
 * How often the holder renews its lease (milliseconds).
 * @defaultValue 3000
 */
export const DEFAULT_FAILOVER_RENEW_MS = 3_000;

/** Where the lock of a group shared by several processes lives, and its lease. */
export interface FailoverLockOptions {
  /**
   * The shared store; with a transport that has one (NATS: a JetStream key-value bucket) it is
   * the transport's `failover` bucket when left out.
   */
  store?: KeyValueStore;
  /** Milliseconds a holder's write holds the group without renewal. @defaultValue 10000 */
  leaseMs?: number;
  /** Milliseconds between two renewals; less than `leaseMs`. @defaultValue 3000 */
  renewMs?: number;
}

/** Options of `network.failover(name, options)`. */
export interface NodeFailoverOptions {
  /**
   * The members, in failover order: nodes of this network, or remote nodes (`network.remote`)
   * hosted by other processes. The first is active at first (unless a journal or the shared
   * lock says otherwise).
   */
  members: readonly string[];
  /** Audit entries kept (the oldest go first). @defaultValue 100 */
  auditLimit?: number;
  /**
   * The lock shared with the other processes of the network that define the same group: on by
   * default when the network's transport has a key-value store; `false` for a group of this
   * process alone; options (or a store of your own) otherwise.
   */
  lock?: FailoverLockOptions | false;
}

/** The keys of {@link NodeFailoverOptions} (a compile error until a new option is listed). */
export const NODE_FAILOVER_OPTION_KEYS = optionKeys<NodeFailoverOptions>()(['members', 'auditLimit', 'lock']);
/** The keys of {@link FailoverLockOptions}. */
export const FAILOVER_LOCK_OPTION_KEYS = optionKeys<FailoverLockOptions>()(['store', 'leaseMs', 'renewMs']);

/** {@link NodeFailoverOptions} checked, with the defaults filled in. */
export interface ResolvedNodeFailoverOptions {
  readonly members: readonly string[];
  readonly auditLimit: number;
  /** `false`: this process alone; else the lease (the store may still come from the transport). */
  readonly lock: false | { readonly store: KeyValueStore | undefined; readonly leaseMs: number; readonly renewMs: number };
}

/** Checks the options (throws InvalidOptionsError naming the option) and fills in the defaults. `known(name)`: a node or remote node of the network. */
export function resolveNodeFailoverOptions(options: NodeFailoverOptions, known: (name: string) => boolean): ResolvedNodeFailoverOptions {
  checkObject('options', options);
  checkKnownKeys('', options, NODE_FAILOVER_OPTION_KEYS);
  const members = options.members;
  if (!Array.isArray(members) || members.length === 0) throw new InvalidOptionsError('members', 'must be a non-empty array of node names', members);
  members.forEach((member: unknown, index) => {
    if (typeof member !== 'string' || !known(member)) throw new InvalidOptionsError(`members[${index}]`, 'must name a node or a remote node of the network', member);
    if (members.indexOf(member) !== index) throw new InvalidOptionsError(`members[${index}]`, 'is listed twice', member);
  });
  const auditLimit = checkNumber('auditLimit', options.auditLimit ?? DEFAULT_FAILOVER_AUDIT_LIMIT, { integer: true, min: 1 });
  const lock = options.lock;
  if (lock === false) return { members: [...members], auditLimit, lock: false };
  if (lock !== undefined) {
    checkObject('lock', lock);
    checkKnownKeys('lock', lock, FAILOVER_LOCK_OPTION_KEYS);
    if (lock.store !== undefined) checkObject('lock.store', lock.store);
  }
  const leaseMs = checkNumber('lock.leaseMs', lock?.leaseMs ?? DEFAULT_FAILOVER_LEASE_MS, { integer: true, min: 1 });
  const renewMs = checkNumber('lock.renewMs', lock?.renewMs ?? DEFAULT_FAILOVER_RENEW_MS, { integer: true, min: 1 });
  if (renewMs >= leaseMs) throw new InvalidOptionsError('lock.renewMs', `must be less than lock.leaseMs (${leaseMs})`, renewMs);
  return { members: [...members], auditLimit, lock: { store: lock?.store, leaseMs, renewMs } };
}

/**
 * Options and defaults of a failover group. Leaf file (imports only the option checks).
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkFunction, checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * Failures in a row after which a member is marked unhealthy and the group switches.
 * @defaultValue 3
 */
export const DEFAULT_FAILOVER_FAILURE_THRESHOLD = 3;

/**
 * Milliseconds between two rounds of the members' `healthy()` probes.
 * @defaultValue 5000
 */
export const DEFAULT_FAILOVER_PROBE_INTERVAL_MS = 5_000;

/**
 * Audit entries a failover group keeps (the oldest go first): bounded, since the trail is kept
 * across restarts with the group's state.
 * @defaultValue 100
 */
export const DEFAULT_FAILOVER_AUDIT_LIMIT = 100;

/** One member of a failover group: a provider given as a function. */
export interface FailoverMember<A extends unknown[], R> {
  /** The member's name, unique in the group (used by `switchTo`, the audit trail and snapshots). */
  name: string;
  /** The provider: the group calls it with the arguments of `group.call`. */
  call: (...args: A) => R | Promise<R>;
  /** Probe of the member's health, run every `probeIntervalMs`; false or a throw marks it unhealthy, true healthy again. */
  healthy?: () => boolean | Promise<boolean>;
}

/** Options of {@link createFailoverGroup}. */
export interface FailoverGroupOptions<A extends unknown[], R> {
  /** The group's name (in errors and the audit). */
  name: string;
  /** The members, in failover order; the first is active at first. */
  members: readonly FailoverMember<A, R>[];
  /** Failures in a row that mark a member unhealthy. @defaultValue 3 */
  failureThreshold?: number;
  /** Milliseconds between health probes. @defaultValue 5000 */
  probeIntervalMs?: number;
  /** Audit entries kept (the oldest go first). @defaultValue 100 */
  auditLimit?: number;
  /** The clock for probes and audit times; the system clock when left out. */
  clock?: Clock;
}

/** The keys of {@link FailoverGroupOptions} (a compile error until a new option is listed). */
export const FAILOVER_GROUP_OPTION_KEYS = optionKeys<FailoverGroupOptions<unknown[], unknown>>()(['name', 'members', 'failureThreshold', 'probeIntervalMs', 'auditLimit', 'clock']);
/** The keys of {@link FailoverMember}. */
export const FAILOVER_MEMBER_KEYS = optionKeys<FailoverMember<unknown[], unknown>>()(['name', 'call', 'healthy']);

/** Checks the options (throws InvalidOptionsError naming the option) and fills in the defaults. */
export function resolveFailoverOptions<A extends unknown[], R>(
  options: FailoverGroupOptions<A, R>,
): FailoverGroupOptions<A, R> & { failureThreshold: number; probeIntervalMs: number; auditLimit: number } {
  checkObject('options', options);
  checkKnownKeys('', options, FAILOVER_GROUP_OPTION_KEYS);
  if (typeof options.name !== 'string' || options.name === '') throw new InvalidOptionsError('name', 'must be a non-empty string', options.name);
  if (!Array.isArray(options.members) || options.members.length === 0) throw new InvalidOptionsError('members', 'must be a non-empty array', options.members);
  const names = new Set<string>();
  options.members.forEach((member, index) => {
    checkObject(`members[${index}]`, member);
    checkKnownKeys(`members[${index}]`, member, FAILOVER_MEMBER_KEYS);
    if (typeof member.name !== 'string' || member.name === '' || names.has(member.name)) throw new InvalidOptionsError(`members[${index}].name`, 'must be a unique non-empty string', member.name);
    names.add(member.name);
    checkFunction(`members[${index}].call`, member.call);
    if (member.healthy !== undefined) checkFunction(`members[${index}].healthy`, member.healthy);
  });
  return {
    ...options,
    failureThreshold: checkNumber('failureThreshold', options.failureThreshold ?? DEFAULT_FAILOVER_FAILURE_THRESHOLD, { integer: true, min: 1 }),
    probeIntervalMs: checkNumber('probeIntervalMs', options.probeIntervalMs ?? DEFAULT_FAILOVER_PROBE_INTERVAL_MS, { integer: true, min: 1 }),
    auditLimit: checkNumber('auditLimit', options.auditLimit ?? DEFAULT_FAILOVER_AUDIT_LIMIT, { integer: true, min: 1 }),
  };
}

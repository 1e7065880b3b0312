/*
 * The failover groups of a network: defining them, routing a group's name to its active member
 * (the router asks `memberFor`), telling each group its local members' health (breaker and
 * health check), their metrics and health-report section, the journal's kept states, and the
 * shared lock's start and stop with the network. Built by wire-network.ts; the Network class
 * only forwards to it.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FailoverSnapshot } from '../control/failover-core.ts';
import type { FailoverGroupHealth } from '../control/health-types.ts';
import type { KeyValueStore } from '../control/key-value-store.ts';
import type { Journal } from '../delivery/journal.ts';
import type { KeptState } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Sample } from '../observe/scraped-metric.ts';
import type { TransportSession } from '../transport/transport.ts';
import type { Clock } from '../util/clock.ts';
import { LifecycleError } from './errors.ts';
import { refuseTakenName } from './taken-names.ts';
import { resolveNodeFailoverOptions, type NodeFailoverOptions } from './failover-node-options.ts';
import type { NetworkHealth } from './network-health.ts';
import { checkNodeName } from './node-config.ts';
import { NodeFailover, type NodeFailoverGroup } from './node-failover.ts';

/** The key under which a durable journal keeps a group's state. */
const stateKey = (group: string): string => `failover:${group}`;

/** The transport's key-value bucket of the failover locks. */
export const FAILOVER_BUCKET = 'failover';

/** What the groups reach of their network. */
export interface NetworkFailoverParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  readonly remotes: ReadonlySet<string>;
  readonly journal: Journal | undefined;
  readonly transport: TransportSession | undefined;
  readonly health: NetworkHealth;
  /** Whether `name` is an operation of the network (a group cannot take its name). */
  isOperation(name: string): boolean;
  /** Whether the network is stopping or terminated (no group is added then). */
  isShuttingDown(): boolean;
  /** A failure of the shared store: audit log and `transport-error` event. */
  failure(error: Error, operation: string): void;
}

/** The failover groups of one network (see the file comment). */
export class NetworkFailover {
  readonly #parts: NetworkFailoverParts;
  readonly #groups = new Map<string, NodeFailover>();
  /** States a durable journal gave back at start, for groups defined later. */
  readonly #recovered = new Map<string, FailoverSnapshot>();
  /** This process's id in the shared locks. */
  readonly #holderId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #running = false;
  #store: Promise<KeyValueStore | undefined> | undefined;

  constructor(parts: NetworkFailoverParts) {
    this.#parts = parts;
    parts.health.onComponentChange((component) => {
      if (component.startsWith('node:')) this.#memberChanged(component.slice('node:'.length));
    });
  }

  /** The groups, in the order they were defined. */
  groups(): NodeFailoverGroup[] {
    return [...this.#groups.values()];
  }

  /** The group named `name`, if there is one. */
  get(name: string): NodeFailoverGroup | undefined {
    return this.#groups.get(name);
  }

  /** Whether `name` is taken by a group (a node or operation cannot take it). */
  has(name: string): boolean {
    return this.#groups.has(name);
  }

  /**
   * Where a signal to `target` goes: undefined when `target` is not a group; null when it is one
   * with no active member; else the active member.
   */
  memberFor(target: string): string | null | undefined {
    const group = this.#groups.get(target);
    if (group === undefined) return undefined;
    return group.active ?? null;
  }

  /** See `network.failover`. */
  define(name: string, options: NodeFailoverOptions): NodeFailoverGroup {
    checkNodeName(name);
    const p = this.#parts;
    if (p.isShuttingDown()) throw new LifecycleError(`cannot add failover group ${name}: the network is shutting down`);
    refuseTakenName({ nodes: p.nodes, remotes: p.remotes, isOperation: p.isOperation, isFailoverGroup: (group) => this.#groups.has(group) }, name, 'failover group');
    const resolved = resolveNodeFailoverOptions(options, (member) => p.nodes.has(member) || p.remotes.has(member));
    const locked = resolved.lock !== false && (resolved.lock.store !== undefined || p.transport?.keyValue !== undefined);
    const group = new NodeFailover(
      name,
      resolved,
      {
        clock: p.clock,
        hub: p.hub,
        holderId: this.#holderId,
        isLocal: (member) => p.nodes.has(member),
        keep: (snapshot) => p.journal?.keepState?.(stateKey(name), snapshot),
        failure: (error, operation) => p.failure(error instanceof Error ? error : new Error(String(error)), operation),
      },
      locked,
    );
    this.#groups.set(name, group);
    for (const member of resolved.members) {
      p.nodes.get(member)?.config.breaker?.onStateChange(() => this.#memberChanged(member));
      this.#memberChanged(member);
    }
    const recovered = this.#recovered.get(name);
    if (recovered !== undefined) group.restore(recovered);
    p.health.register(`failover:${name}`, () => (group.active === undefined ? { status: 'unhealthy', details: { runbook: group.status().runbook } } : 'healthy'));
    if (this.#running) this.#startLock(group);
    return group;
  }

  /** The states a durable journal kept (at start, before any signal is taken). */
  restore(states: readonly KeptState[]): void {
    for (const { key, value } of states) {
      if (!key.startsWith('failover:') || !isSnapshot(value)) continue;
      const name = key.slice('failover:'.length);
      this.#recovered.set(name, value);
      const group = this.#groups.get(name);
      group?.restore(value);
      // What was unhealthy then is checked again now (a breaker starts closed in a new run).
      for (const member of group?.members ?? []) this.#memberChanged(member);
    }
  }

  /** Starts the shared locks (the network has opened). */
  start(): void {
    this.#running = true;
    for (const group of this.#groups.values()) this.#startLock(group);
  }

  /**
   * Opens the transport's key-value bucket of the locks when a group needs it (at start, before
   * anything is consumed): a bucket that cannot be opened fails the start.
   */
  async connect(transport: TransportSession): Promise<void> {
    const needed = [...this.#groups.values()].some((group) => group.locked && group.lockStore === undefined);
    if (!needed || transport.keyValue === undefined) return;
    const store = await transport.keyValue(FAILOVER_BUCKET);
    this.#store = Promise.resolve(store);
    // Before the network opens: its first signals to a group find the member the lock names.
    await Promise.all([...this.#groups.values()].filter((group) => group.locked && group.lockStore === undefined).map((group) => group.startLock(store)));
  }

  /** Hands over the groups this process holds, while the transport's store is still there (before it closes, or after a failed start). */
  async disconnect(): Promise<void> {
    await Promise.all([...this.#groups.values()].map((group) => group.stopLock()));
  }

  /** Stops the groups (the network has terminated); a lock in a store of its own is handed over now (best effort). */
  stop(): void {
    this.#running = false;
    for (const group of this.#groups.values()) void group.stopLock().finally(() => group.dispose());
  }

  /** The health report's section. */
  section(): Record<string, FailoverGroupHealth> {
    const out: Record<string, FailoverGroupHealth> = {};
    for (const [name, group] of this.#groups) out[name] = group.status();
    return out;
  }

  /** Samples of `plexus_failover_active{group,member}`: 1 for the active member, 0 for the others. */
  activeSamples(): Sample[] {
    return this.groups().flatMap((group) => group.members.map((member) => ({ value: member === group.active ? 1 : 0, labels: { group: group.name, member } })));
  }

  /** Samples of `plexus_failover_switches_total{group}`. */
  switchSamples(): Sample[] {
    return [...this.#groups.values()].map((group) => ({ value: group.switches, labels: { group: group.name } }));
  }

  #startLock(group: NodeFailover): void {
    if (!group.locked) return;
    const own = group.lockStore;
    const store = own !== undefined ? Promise.resolve(own) : (this.#store ??= this.#transportStore());
    store.then(
      (s) => {
        if (s !== undefined && this.#running) void group.startLock(s);
      },
      (error: unknown) => this.#parts.failure(error as Error, 'failover.store'),
    );
  }

  #transportStore(): Promise<KeyValueStore | undefined> {
    const transport = this.#parts.transport;
    return transport?.keyValue === undefined ? Promise.resolve(undefined) : transport.keyValue(FAILOVER_BUCKET);
  }

  /** A local member's breaker or health check changed: tell every group it is in. */
  #memberChanged(member: string): void {
    const node = this.#parts.nodes.get(member);
    if (node === undefined) return;
    const breakerOpen = node.config.breaker?.state === 'open';
    const unhealthy = this.#parts.health.componentStatus(`node:${member}`) === 'unhealthy';
    const reason = breakerOpen ? 'breaker open' : unhealthy ? 'health check unhealthy' : 'healthy again';
    for (const group of this.#groups.values()) if (group.members.includes(member)) group.memberHealth(member, !breakerOpen && !unhealthy, reason);
  }
}

function isSnapshot(value: unknown): value is FailoverSnapshot {
  const v = value as Partial<FailoverSnapshot> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.unhealthy) && Array.isArray(v.audit) && (v.active === undefined || typeof v.active === 'string');
}

/*
 * `network.context`: the context mirror of a network, and the network's own publisher into it.
 * The network publishes each node's pressure level (`node.<name>.pressureLevel`), each breaker's
 * state (`node.<name>.breakerState`) and its overall health (`network.health`), with its
 * publisher id: on an interval from start to shutdown, at once when one of them changes, and on
 * `publishNow()`. Each change of the mirror is a `context` event. Built by wire-network.ts.
 * With a transport that has a key-value store, the mirror is shared at start (before the network
 * opens) through the bucket `context` of the network: every process of the network sees one view.
 */
import { ContextMirror, type ContextChange, type ContextStore } from '../control/context-mirror.ts';
import type { HealthStatus } from '../control/health-types.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { TransportSession } from '../transport/transport.ts';
import { repeatOnClock, type Clock, type Repeating } from '../util/clock.ts';
import type { ResolvedNetworkOptions } from './network-options.ts';

/** The key-value bucket (short name) a network's context is shared through. */
export const CONTEXT_BUCKET = 'context';

/** Key of the network's overall health status. */
export const NETWORK_HEALTH_KEY = 'network.health';

/** What the network's context reads from the network. */
export interface NetworkContextParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly limits: PayloadLimits;
  readonly options: ResolvedNetworkOptions['context'];
  nodes(): Iterable<NodeRuntime>;
  healthStatus(): HealthStatus;
  /** A write to or a read from the shared store failed (a `transport-error` event). */
  failure(error: Error, operation: string): void;
}

/** `network.context`: the context mirror, with the network's own state published in it. */
export interface NetworkContext extends ContextStore {
  /** Publishes the network's own context now (breaker states, pressure levels, health). */
  publishNow(): void;
}

/** A network's context mirror, with the network's own values in it (started and stopped by the network). */
export class NetworkContextMirror extends ContextMirror implements NetworkContext {
  readonly #self: NetworkContextParts;
  #repeat: Repeating | undefined;
  /** Between start and shutdown: changes are published at once. */
  #running = false;
  #stopped = false;

  constructor(parts: NetworkContextParts) {
    const { clock, hub } = parts;
    super({ clock, limits: parts.limits, onChange: (change) => emitChange(hub, clock, change) });
    this.#self = parts;
  }

  /**
   * Publishes the network's own context now (a value that did not change is only refreshed).
   * Does nothing with the network option `context: false`; throws ContextError `closed` after shutdown.
   */
  publishNow(): void {
    const options = this.#self.options;
    if (options === false) return;
    const publish = { publisher: options.publisher };
    for (const node of this.#self.nodes()) {
      this.publish(`node.${node.name}.pressureLevel`, node.pressure, publish);
      const breaker = node.config.breaker;
      if (breaker !== undefined) this.publish(`node.${node.name}.breakerState`, breaker.state, publish);
    }
    this.publish(NETWORK_HEALTH_KEY, this.#self.healthStatus(), publish);
  }

  /** A breaker, a pressure level or the health changed: published at once while the network runs. */
  changed(): void {
    if (this.#running) this.publishNow();
  }

  /**
   * Shares the mirror through the transport's key-value bucket `context`, when it has one (at
   * start, once connected); resolves when the bucket's current values are here. Rejects when the
   * bucket cannot be opened or watched (the start fails).
   */
  async connect(transport: TransportSession): Promise<void> {
    const store = await transport.keyValue?.(CONTEXT_BUCKET);
    if (store !== undefined) await this.share(store, (error, operation) => this.#self.failure(error, operation));
  }

  /** Stops sharing, before the transport closes (values published later stay in this process). */
  disconnect(): Promise<void> {
    return this.unshare();
  }

  /** Publishes, and starts the interval (at the network's start). */
  start(): void {
    const options = this.#self.options;
    if (this.#stopped || options === false) return;
    this.#running = true;
    this.publishNow();
    this.#repeat = repeatOnClock(this.#self.clock, options.intervalMs, () => this.publishNow());
  }

  /** Stops the interval, clears the TTL timers and completes the watches (at the end of shutdown). */
  stop(): void {
    this.#stopped = true;
    this.#running = false;
    this.#repeat?.stop();
    this.close();
  }
}

function emitChange(hub: EventHub, clock: Clock, { change, entry }: ContextChange): void {
  if (hub.observed) hub.emit({ kind: 'context', at: clock.now(), change, key: entry.key, publisher: entry.publisher, value: change === 'set' ? entry.value : undefined });
}

/*
 * The network's side of a start: read the journal, start the transport, then open in one
 * synchronous step. Kept out of the Network class, as shutdown-network.ts is, so that the class
 * keeps only its state and the once-only bookkeeping (concurrent starts share one).
 */
import type { Journal } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { TransportSession } from '../transport/transport.ts';
import type { Recovery } from './recover-journal.ts';
import type { Router } from './router.ts';
import type { NetworkTracing } from './network-tracing.ts';
import type { ControlPlane } from './wire-network.ts';

/** The parts of a network a start reaches. */
export interface NetworkStartParts {
  readonly journal: Journal | undefined;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  readonly router: Router;
  readonly transport: TransportSession | undefined;
  /** Decides whether the network traces with OpenTelemetry (before any signal is handled). */
  readonly tracing: NetworkTracing;
  /** The control plane: its parts that share state connect through the transport before the network opens. */
  readonly control: Pick<ControlPlane, 'connect' | 'disconnect'>;
  /** Restores what a durable journal's last run left open. */
  recover(journal: Journal): Promise<Recovery>;
}

/** What a start calls back on the network itself. */
export interface NetworkStartHooks {
  /** Throws when a shutdown began while the start awaited (the shutdown wins). */
  checkNotStopping(): void;
  /** The network is open from here: set its state, claim its name, start the control plane. */
  opened(): void;
}

/**
 * Starts a network: recovers what a durable journal holds, starts the transport, then accepts
 * signals. All or nothing: a failure leaves nothing started, so a later start tries again.
 */
export async function startNetwork(p: NetworkStartParts, hooks: NetworkStartHooks): Promise<void> {
  // Waits only when OpenTelemetry's import is still under way: a start that has nothing to
  // read or connect opens within the call, as it always did.
  const tracing = p.tracing.start();
  if (tracing !== undefined) await tracing;
  // Read first: a journal that cannot be read must leave nothing started.
  const recovery = p.journal?.durable ? await p.recover(p.journal) : undefined;
  hooks.checkNotStopping();
  if (p.transport !== undefined) {
    const names = [...p.nodes.keys()];
    const transport = p.transport;
    p.router.starting();
    try {
      // The shared parts (the context mirror's bucket) connect before anything is consumed: a
      // bucket that cannot be opened fails the start like a stream that cannot.
      await transport.start(names, () => p.control.connect(transport));
      hooks.checkNotStopping();
    } catch (e) {
      await p.control.disconnect();
      p.router.unopen();
      throw e;
    }
    // Nodes added while the transport was starting.
    for (const name of p.nodes.keys()) if (!names.includes(name)) p.transport.addNode(name);
  }
  // One synchronous step from here: every recovered signal is in its mailbox before any post
  // is accepted (and before any drain runs: drains are microtasks).
  hooks.opened();
  recovery?.restore();
  p.router.open();
  for (const s of recovery?.pending ?? []) p.router.redeliver(s.target, s, false);
}

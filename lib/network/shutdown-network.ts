/*
 * The network's side of a shutdown: what `runShutdown` (the phases) gets plugged in (closing
 * the transport among them, before the journal), and what happens after the phases: disposing
 * the operations, completing the event stream. Kept next to run-shutdown.ts so the whole shutdown reads in two files, and out
 * of the Network class, which keeps only the once-only bookkeeping (same report, late force).
 */
import type { Journal } from '../delivery/journal.ts';
import type { ShutdownHandlers } from '../control/shutdown-handlers.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { TransportReport, TransportSession } from '../transport/transport.ts';
import { checkKnownKeys } from '../resilience/validate.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import type { Operations } from './operations.ts';
import type { Router } from './router.ts';
import { runShutdown, type ShutdownHost } from './run-shutdown.ts';
import type { ShutdownReport } from './shutdown-report.ts';
import type { ControlPlane } from './wire-network.ts';

/** The shutdown report of a network; `transport` says what closing the transport did (when there is one). */
export type NetworkShutdownReport = ShutdownReport & {
  /** What closing the transport did, when there is one. */
  readonly transport: TransportReport | undefined;
};

/** Options of `network.shutdown()`. */
export interface ShutdownOptions {
  /** Longest graceful drain. @defaultValue the network's `shutdownTimeoutMs` */
  timeoutMs?: number;
  /** Skip draining: hand queued signals back in the report. @defaultValue false */
  force?: boolean;
}

/** The keys of {@link ShutdownOptions} (a compile error until a new option is listed). */
export const SHUTDOWN_OPTION_KEYS = optionKeys<ShutdownOptions>()(['timeoutMs', 'force']);

/** A rejection naming an unknown shutdown option (a misspelt `force` must not drain for 30 s), else undefined. */
export function refuseUnknownShutdownOptions(options: unknown): Promise<never> | undefined {
  try {
    checkKnownKeys('shutdown', options, SHUTDOWN_OPTION_KEYS);
    return undefined;
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/** The parts of a network a shutdown reaches. */
export interface NetworkShutdownParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  readonly journal: Journal | undefined;
  readonly router: Router;
  readonly transport: TransportSession | undefined;
  /** Its parts that share state through the transport disconnect before the transport closes. */
  readonly control: Pick<ControlPlane, 'disconnect'>;
  readonly operations: Operations;
}

/** What a shutdown calls back on the network itself. */
export interface NetworkShutdownHooks {
  /** Resolves when nothing is queued, in flight or waiting for a retry (`network.idle`). */
  idle(): Promise<void>;
  /** Receives the function that forces this shutdown (for a later `shutdown({ force: true })`). */
  onForce(force: () => void): void;
  /** Everything is closed; called just before the event stream completes. */
  terminated(): void;
  /** The handlers registered with `network.onShutdown`, run in SaveState and CleanupResources. */
  readonly handlers: ShutdownHandlers;
}

/**
 * Shuts a network down: closes the router at once, runs the shutdown phases, then closes the
 * transport and disposes the operations. Resolves with the report once the network is terminated.
 */
export function shutdownNetwork(p: NetworkShutdownParts, hooks: NetworkShutdownHooks, options: { timeoutMs: number; force: boolean }): Promise<NetworkShutdownReport> {
  const { router, transport } = p;
  // Senders hear `shutting-down` from this moment; the StopAcceptingRequests phase confirms it.
  // Handlers of accepted signals may still emit until the drain ends (`closeGate`).
  router.drainOnly();
  let closed: TransportReport | undefined;
  const host: ShutdownHost = {
    clock: p.clock,
    hub: p.hub,
    nodes: () => p.nodes.values(),
    journal: p.journal,
    // With a transport, no new messages are taken from here on (the phase awaits it).
    stopAccepting: () => {
      router.drainOnly();
      return transport?.stopConsuming();
    },
    closeGate: () => router.close(),
    admitted: () => {
      const c = router.counts();
      return c.accepted + c.redelivered + c.received;
    },
    idle: () => hooks.idle(),
    ended: () => {
      const c = router.counts();
      return c.completed + c.deadLettered + c.forwarded;
    },
    active: () => router.active,
    handBack: (n) => router.handBack(n),
    onForce: (force) => hooks.onForce(force),
    runHandlers: (phase, forced) =>
      hooks.handlers.run(phase, forced, (r) => {
        if (p.hub.observed) p.hub.emit({ kind: 'shutdown-handler', at: p.clock.now(), phase: r.phase, name: r.name, outcome: r.outcome, durationMs: r.durationMs, error: r.error });
      }),
    // Signals the shutdown handed back go back to the stream (nak) for the next process;
    // publishes still awaiting their PubAck end (forwarded or dead-lettered) before the close,
    // and before the journal closes, so a durable one keeps their dead letters.
    // The shared context stops writing first: its writes in flight end on an open connection.
    ...(transport === undefined
      ? {}
      : {
          closeTransport: async () => {
            await p.control.disconnect();
            closed = await transport.close();
          },
        }),
  };
  return runShutdown(host, options).then((report) => {
    p.operations.dispose();
    hooks.terminated();
    p.hub.complete();
    return { ...report, transport: closed };
  });
}

import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import type { Journal } from '../delivery/journal.ts';
import type { ShutdownHandlerPhase, ShutdownHandlerRecord } from '../control/shutdown-handlers.ts';
import { shutdownMachine, type ShutdownPhase } from '../control/shutdown-machine.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { BreakerSnapshot } from '../resilience/breaker/types.ts';
import type { Signal } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';
import type { PhaseRecord, ShutdownReport } from './shutdown-report.ts';

/** What a shutdown needs from its network. */
export interface ShutdownHost {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly journal: Journal | undefined;
  nodes(): Iterable<NodeRuntime>;
  /** Refuses senders from outside; handlers' emits are still accepted, to drain with their parents. */
  stopAccepting(): void;
  /** The drain is over: refuses everything, handlers' emits included. */
  closeGate(): void;
  idle(): Promise<void>;
  /** Signals accepted so far (accepted + redelivered + received). */
  admitted(): number;
  /** Signals ended so far (completed + dead-lettered + forwarded to another process). */
  ended(): number;
  /** Signals accepted and not ended. */
  active(): number;
  /** `n` signals were handed back unprocessed. */
  handBack(n: number): void;
  /** Receives the function that forces this shutdown. */
  onForce(force: () => void): void;
  /**
   * Closes the transport, in the last phase before the journal closes: its waiting publishes may
   * still end as dead letters (`transport-failed`), which a durable journal must get to keep.
   */
  closeTransport?(): Promise<void>;
  /** Runs the registered shutdown handlers of a phase (never rejects; each bounded by its time limit). */
  runHandlers?(phase: ShutdownHandlerPhase, forced: boolean): Promise<ShutdownHandlerRecord[]>;
}

/**
 * Runs the shutdown machine with the network's own phase work plugged in, records every phase
 * (as events and in the report) and resolves with the report when Terminated is reached.
 */
export function runShutdown(host: ShutdownHost, options: { timeoutMs: number; force: boolean }): Promise<ShutdownReport> {
  const clock = host.clock;
  const startedAt = clock.now();
  const endedBefore = host.ended();
  const activeAtStart = host.active();
  const admittedBefore = host.admitted();
  const phases: { phase: ShutdownPhase; startedAt: number }[] = [];
  const leftover: Signal[] = [];
  const remainingByNode: Record<string, number> = {};
  const breakers: Record<string, BreakerSnapshot> = {};
  let checkpoints = 0;
  const handlerRecords = new Map<ShutdownPhase, ShutdownHandlerRecord[]>();
  const runHandlers = async (phase: ShutdownHandlerPhase, forced: boolean): Promise<ShutdownHandlerRecord[]> => {
    const records = (await host.runHandlers?.(phase, forced)) ?? [];
    handlerRecords.set(phase, records);
    return records;
  };
  // eslint-disable-next-line prefer-const
  let actor: ReturnType<typeof createActor<typeof shutdownMachine>>;

  const machine = shutdownMachine.provide({
    actions: {
      enterPhase: (_, { phase }) => {
        const at = clock.now();
        phases.push({ phase, startedAt: at });
        if (host.hub.observed) host.hub.emit({ kind: 'shutdown-phase', at, phase });
      },
    },
    actors: {
      stopAccepting: fromPromise(async () => host.stopAccepting()),
      drain: fromPromise(() => host.idle()),
      saveState: fromPromise(async () => {
        // Before the nodes stop: a handler cut off now must not put a child into a stopped node.
        host.closeGate();
        const ctx = actor.getSnapshot().context;
        const forced = ctx.forced || ctx.timedOut;
        for (const node of host.nodes()) {
          const left = node.mailbox.queued + node.stats.inFlight;
          if (left > 0) remainingByNode[node.name] = left;
          if (forced) leftover.push(...node.stop());
          const b = node.config.breaker;
          if (b !== undefined) {
            breakers[node.name] = b.snapshot();
            checkpoints++;
          }
        }
        if (leftover.length > 0) host.handBack(leftover.length);
        // Checkpoints of components and users, once the nodes are still: their state is final.
        for (const r of await runHandlers('save-state', forced)) if (r.outcome === 'ok') checkpoints++;
      }),
      cleanup: fromPromise(async () => {
        for (const node of host.nodes()) node.config.breaker?.dispose();
        // Before the transport and the journal close: a handler may still read the network.
        const ctx = actor.getSnapshot().context;
        await runHandlers('cleanup-resources', ctx.forced || ctx.timedOut);
        try {
          await host.closeTransport?.();
        } finally {
          await host.journal?.close();
        }
      }),
    },
  });
  actor = createActor(machine, { clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (id) => clock.clearTimeout(id) } });
  return new Promise<ShutdownReport>((resolve) => {
    actor.subscribe((snapshot: SnapshotFrom<typeof shutdownMachine>) => {
      if (snapshot.status !== 'done') return;
      const endedAt = clock.now();
      const records: PhaseRecord[] = phases.map((p, i) => ({
        phase: p.phase,
        startedAt: p.startedAt,
        durationMs: (phases[i + 1]?.startedAt ?? endedAt) - p.startedAt,
        handlers: handlerRecords.get(p.phase) ?? [],
      }));
      resolve({
        phases: records,
        activeAtStart,
        emitted: host.admitted() - admittedBefore,
        drained: host.ended() - endedBefore,
        remaining: host.active() + leftover.length,
        remainingByNode,
        leftover,
        checkpoints,
        breakers,
        forced: snapshot.context.forced,
        timedOut: snapshot.context.timedOut,
        durationMs: endedAt - startedAt,
        errors: snapshot.context.errors,
      });
    });
    actor.start();
    host.onForce(() => actor.send({ type: 'FORCE' }));
    actor.send(options.force ? { type: 'FORCE' } : { type: 'SHUTDOWN', timeoutMs: options.timeoutMs });
  });
}

import { createActor, fromPromise, type SnapshotFrom } from 'xstate';
import type { Journal } from '../delivery/journal.ts';
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
      }),
      cleanup: fromPromise(async () => {
        for (const node of host.nodes()) node.config.breaker?.dispose();
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
      const records: PhaseRecord[] = phases.map((p, i) => ({ phase: p.phase, startedAt: p.startedAt, durationMs: (phases[i + 1]?.startedAt ?? endedAt) - p.startedAt }));
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

import type { ShutdownPhase } from '../control/shutdown-machine.ts';
import type { ShutdownHandlerRecord } from '../control/shutdown-handlers.ts';
import type { BreakerSnapshot } from '../resilience/breaker/types.ts';
import type { Signal } from '../signal/signal.ts';

/** One phase of a finished shutdown. */
export interface PhaseRecord {
  /** The phase. */
  readonly phase: ShutdownPhase;
  /** Clock time it began (ms). */
  readonly startedAt: number;
  /** How long it took (ms). */
  readonly durationMs: number;
  /** The shutdown handlers that ran in it (`network.onShutdown`), in order; empty for the other phases. */
  readonly handlers: readonly ShutdownHandlerRecord[];
}

/** What a shutdown did and what it left. */
export interface ShutdownReport {
  /** Phases in the order they ran, with their start times and durations. */
  readonly phases: readonly PhaseRecord[];
  /** Signals accepted and not yet ended when the shutdown began. */
  readonly activeAtStart: number;
  /**
   * Signals that handlers emitted (and the network accepted) during the shutdown: a pipeline
   * drains to its end. `activeAtStart + emitted = drained + remaining`.
   */
  readonly emitted: number;
  /** Signals that reached their end (completed or dead-lettered) during the shutdown. */
  readonly drained: number;
  /** Signals still queued, waiting for a retry or in flight when the shutdown ended. */
  readonly remaining: number;
  /** Per node: signals left. */
  readonly remainingByNode: Readonly<Record<string, number>>;
  /**
   * The signals handed back unprocessed (queued or waiting for a retry when the shutdown ended),
   * so that nothing is lost: persist or re-send them. Signals still inside a running handler are
   * counted in `remaining` but not listed.
   */
  readonly leftover: readonly Signal[];
  /** Checkpoints written while saving state: breaker snapshots, and `save-state` handlers that ended `ok`. */
  readonly checkpoints: number;
  /** Breaker states saved at SaveState, by node; `breaker.restore()` takes them back. */
  readonly breakers: Readonly<Record<string, BreakerSnapshot>>;
  /** True when `network.shutdown({ force: true })` skipped the drain. */
  readonly forced: boolean;
  /** True when the drain hit the shutdown timeout. */
  readonly timedOut: boolean;
  /** How long the whole shutdown took (ms). */
  readonly durationMs: number;
  /** Errors of phases that failed (the shutdown went on). */
  readonly errors: readonly {
    /** The phase that failed. */
    phase: ShutdownPhase;
    /** Its error message. */
    message: string;
  }[];
}

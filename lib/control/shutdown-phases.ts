/**
 * The phases of a graceful shutdown, in order (leaf file). The enum-like object keeps the
 * names operators know from the runbook; the values follow the API's one casing for strings.
 */
export const ShutdownPhase = Object.freeze({
  /** Not shutting down. */
  Running: 'running',
  /** The shutdown has begun. */
  InitiateShutdown: 'initiate-shutdown',
  /** Sends from outside are refused (handlers may still emit while draining). */
  StopAcceptingRequests: 'stop-accepting-requests',
  /** Queued and running signals drain (until the timeout, or skipped when forced). */
  FinishActiveRequests: 'finish-active-requests',
  /** Journals are flushed and breaker states saved. */
  SaveState: 'save-state',
  /** Resources are released (transport, journal, timers). */
  CleanupResources: 'cleanup-resources',
  /** Done. */
  Terminated: 'terminated',
} as const);

/** One phase of a graceful shutdown. */
export type ShutdownPhase = (typeof ShutdownPhase)[keyof typeof ShutdownPhase];

/** Every phase, in the order a shutdown goes through them. */
export const SHUTDOWN_PHASES: readonly ShutdownPhase[] = Object.freeze(Object.values(ShutdownPhase));

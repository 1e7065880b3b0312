/**
 * The phases of a graceful shutdown, in order (leaf file). The enum-like object keeps the
 * names operators know from the runbook; the values follow the API's one casing for strings.
 */
export const ShutdownPhase = Object.freeze({
  Running: 'running',
  InitiateShutdown: 'initiate-shutdown',
  StopAcceptingRequests: 'stop-accepting-requests',
  FinishActiveRequests: 'finish-active-requests',
  SaveState: 'save-state',
  CleanupResources: 'cleanup-resources',
  Terminated: 'terminated',
} as const);

/** One phase of a graceful shutdown. */
export type ShutdownPhase = (typeof ShutdownPhase)[keyof typeof ShutdownPhase];

/** Every phase, in the order a shutdown goes through them. */
export const SHUTDOWN_PHASES: readonly ShutdownPhase[] = Object.freeze(Object.values(ShutdownPhase));

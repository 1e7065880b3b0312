/**
 * Plexus: networks of actor nodes that exchange versioned signals through partitioned
 * mailboxes. This is the door for building a network; the resilience toolkit, usable without a
 * network, is `plexus/resilience`, and the test helpers are `plexus/testing`.
 * @packageDocumentation
 * @module plexus
 */

// Building and running a network.
export { createNetwork } from './network/create-network.ts';
export type { Network, NetworkState, ReplayResult, NetworkShutdownReport } from './network/network.ts';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_MAX_CAUSATION_DEPTH, type NetworkOptions } from './network/network-options.ts';
export { DUPLICATE_NETWORK_NAME_WARNING } from './network/network-names.ts';
export type { ReplayQuery } from './network/replay.ts';
export type { ShutdownOptions } from './network/shutdown-network.ts';
export type { ShutdownOnSignalsOptions } from './network/shutdown-hooks.ts';
export type {
  ShutdownHandler,
  ShutdownHandlerContext,
  ShutdownHandlerOptions,
  ShutdownHandlerPhase,
  ShutdownHandlerRecord,
  ShutdownHandlerOutcome,
} from './control/shutdown-handlers.ts';
export type { Logger, LogMethod, LogLevel } from './observe/logger.ts';
export type { Receipt, AcceptedReceipt, DuplicateReceipt, RejectedReceipt } from './node/receipt.ts';
export type { NodeStatsSnapshot, NetworkCounts, HandleTimeSnapshot } from './network/network-stats.ts';
export type { ShutdownReport, PhaseRecord } from './network/shutdown-report.ts';
export type { DeadLetters } from './network/dead-letters.ts';
export type { OperationOptions } from './network/operations.ts';
export type { NodeSettings } from './network/configure-node.ts';
export { DEFAULT_PARTITIONS, DEFAULT_CAPACITY, type NodeOptions, type SignalHandler } from './node/node-options.ts';
export type { HandlerContext } from './node/handler-context.ts';

// Signals and schemas.
export type { Signal, SignalDraft, Hop, HopOutcome } from './signal/signal.ts';
export { DEFAULT_SIGNAL_VERSION } from './signal/create-signal.ts';
export type { SchemaRegistry, SchemaDefinition, SchemaOutcome, PayloadValidator, Upcaster } from './signal/schema-registry.ts';
export type { StandardSchemaV1, StandardResult } from './signal/standard-schema.ts';
export type { ValidationIssue } from './signal/errors.ts';

// Delivery: dedup, dead letters, journals.
export { DEFAULT_DEDUP_WINDOW_MS } from './delivery/dedup-window.ts';
export type { DeadLetter, DeadLetterFilter, DeadLetterStore } from './delivery/dead-letter-queue.ts';
export { MemoryJournal } from './delivery/memory-journal.ts';
export { FileJournal } from './delivery/file-journal.ts';
export type { FileJournalOptions, FileJournalStats } from './delivery/file-journal-options.ts';
export type { Journal, JournalHealth, JournalQuery, JournalRecovery, RecentKey, SettleOutcome } from './delivery/journal.ts';
export type { JournalFailure } from './delivery/journal-error.ts';

// Many processes: the NATS JetStream transport.
export { createNatsTransport, type NatsTransport } from './transport/nats/nats-transport.ts';
export type {
  NatsTransportOptions,
  ResolvedNatsOptions,
} from './transport/nats/options.ts';
export type { NatsAuthOptions, NatsAuthMethod, NatsTlsOptions, ResolvedNatsAuth, ResolvedNatsTls } from './transport/nats/connection.ts';
export type { TransportFailure } from './transport/nats/errors.ts';
export type { Transport, TransportSession, TransportHost, TransportCounts, TransportReport, PublishAck, ReceiveOutcome } from './transport/transport.ts';
export type { KeyValueStore, KeyValueEntry, KeyValueWatch } from './control/key-value-store.ts';

// HTTP endpoints: /metrics, /health, /events.
export { createNetworkServer, HttpErrorCode, type NetworkServer } from './serve/network-server.ts';
export type { NetworkServerOptions } from './serve/serve-options.ts';
export type { ServerAction, ActionParam, ActionValues, NumberActionParam, StringActionParam, BooleanActionParam, NodeActionParam } from './serve/server-actions.ts';

// Health, feature flags, context and alerts (the control plane).
export { HealthStatus, type HealthReport, type ComponentHealth, type HealthCheck, type HealthCheckResult, type ProcessingHealth, type SafeguardsHealth } from './control/health-types.ts';
export { DEFAULT_HEALTH_INTERVAL_MS, type HealthCheckOptions, type HealthOptions } from './control/health-options.ts';
export type { FeatureFlags, FeatureFlagOptions } from './control/feature-flags.ts';
export {
  parseReflexPolicy,
  loadReflexPolicy,
  REFLEX_KINDS,
  type ReflexPolicy,
  type ReflexRule,
  type ReflexThresholds,
  type ResolvedReflexRule,
  type ReflexKind,
  type ReflexLevel,
  type ResolvedReflexPolicy,
} from './control/reflex-policy.ts';
export type { ReflexSignalPayload } from './network/network-reflexes.ts';
export type { ContextStore, ContextEntry, ContextChange, ContextPublishOptions } from './control/context-mirror.ts';
export type { NetworkContextOptions } from './control/context-options.ts';
export type { NetworkContext } from './network/network-context.ts';
export type { ActiveAlert, AlertNodeSnapshot, AlertRule, AlertSeverity, AlertSnapshot, AlertState, AlertTransition } from './control/alert-rules.ts';
export type { AlertOptions } from './control/alert-options.ts';
export type { StarterAlertName } from './control/starter-alerts.ts';
export type { NetworkAlerts } from './network/network-alerts.ts';
export type { ForecastData, NodeForecast, ForecastRisk } from './control/forecast-types.ts';
export type { ForecastOptions } from './control/forecast-options.ts';
export type { ForecastSource } from './control/forecast-normalize.ts';
export type { NetworkForecast } from './network/network-forecast.ts';
export { createFailoverGroup, type FailoverGroup, type FailoverAuditEntry, type FailoverSnapshot } from './control/failover-group.ts';
export type { FailoverGroupOptions, FailoverMember } from './control/failover-options.ts';
export type { FailoverCause } from './control/failover-machine.ts';

// Shutdown, events, metrics, time.
export { SHUTDOWN_PHASES, ShutdownPhase } from './control/shutdown-phases.ts';
export type * from './observe/events.ts';
export { METRIC_PREFIX } from './network/network-metrics.ts';
export type { MetricsEndpoint } from './observe/metrics-endpoint.ts';
export { systemClock, type Clock, type TimerHandle } from './util/clock.ts';
export { ErrorCategory, ErrorSeverity, type ErrorContext } from './resilience/classify/categories.ts';
export { RecoveryStrategy } from './resilience/classify/recovery.ts';

// The resilience types that network signatures use (`network.protect`, `network.operation`,
// node `retry`/`breaker` options, resilience events); the toolkit itself is `plexus/resilience`.
export type {
  Protector,
  ProtectorOptions,
  ProtectorSettings,
  ProtectorRateLimits,
  ProtectorMetrics,
  ProtectedCallOptions,
  Fallback,
  DisposableHandle,
  CircuitBreaker,
  BreakerCall,
  BreakerSnapshot,
  BreakerState,
  BreakerStateCode,
  BreakerTransition,
  BreakerHealth,
  BreakerWindowBucket,
  BreakerOptions,
  ResolvedBreakerOptions,
  ResolvedErrorRate,
  ErrorRateOptions,
  RetryPolicy,
  RetryOptions,
  ResolvedRetryOptions,
  RetryAttempt,
  RetryExecuteOptions,
  RetryNotice,
  RetryFilter,
  JitterMode,
  RateLimiterSpec,
  RateLimiter,
  RateDecision,
  AcquireOptions,
  RateLimiterCommonOptions,
  CombinedRateLimiter,
  CombinedAcquireOptions,
  CombinedRateLimiterOptions,
  TokenBucketOptions,
  WindowOptions,
  LeakyBucketOptions,
  Bulkhead,
  BulkheadOptions,
  BulkheadAcquireOptions,
  ResolvedBulkheadOptions,
  Permit,
  ResourceGuard,
  ResourceGuardOptions,
  ResolvedResourceGuardOptions,
  ErrorClassifier,
  ErrorClassifierOptions,
  ClassifierRule,
  Classification,
  ClassifiedError,
  AuditLog,
  AuditLogOptions,
  AuditEntry,
  RecoveryRecord,
  KeyedRateLimiter,
  KeyedRateLimiterOptions,
  BREAKER_STATE_CODE,
  JITTER_MODES,
} from './resilience/index.ts';
export type * from './resilience/events.ts';

// Errors: each a class with a stable `code` (see ErrorCode).
export { ErrorCode } from './error-codes.ts';
export { PlexusError, isPlexusError, type ErrorInfo } from './util/errors.ts';
export { ValidationError, UnknownTargetError } from './signal/errors.ts';
export { LifecycleError, EmitRefusedError, CausationDepthError, DeadLetterNotFoundError } from './network/errors.ts';
export { BackpressureError } from './mailbox/backpressure-error.ts';
export { JournalError } from './delivery/journal-error.ts';
export { ContextError, type ContextErrorReason } from './control/context-errors.ts';
export { NoHealthyMemberError } from './control/failover-errors.ts';
export { ForecastError, type ForecastErrorReason, type ForecastIssue } from './control/forecast-errors.ts';
export { KeyValueConflictError, type KeyValueConflictOperation } from './control/key-value-errors.ts';
export { TransportError, PublishBackpressureError } from './transport/nats/errors.ts';
export { InvalidOptionsError, ShuttingDownError, BreakerOpenError, BreakerDisposedError, RateLimitedError, BulkheadFullError, ResourceExhaustedError, TimeoutError } from './resilience/errors.ts';

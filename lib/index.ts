/**
 * Plexus: networks of actor nodes that exchange versioned signals through partitioned
 * mailboxes. This file is the public API, and nothing else.
 * @packageDocumentation
 */
export { createNetwork } from './network/create-network.ts';
export { Network, type NetworkState, type ReplayResult, type NetworkShutdownReport } from './network/network.ts';
export type { ReplayQuery } from './network/replay.ts';
export type { ShutdownOptions } from './network/shutdown-network.ts';
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, type NetworkOptions } from './network/network-options.ts';
export type { Receipt, AcceptedReceipt, DuplicateReceipt, RejectedReceipt } from './network/receipt.ts';
export type { NodeStatsSnapshot, NetworkCounts } from './network/network-stats.ts';
export type { ShutdownReport, PhaseRecord } from './network/shutdown-report.ts';
export { BackpressureError, isBackpressureError, LifecycleError, isLifecycleError, EmitRefusedError, isEmitRefusedError } from './network/errors.ts';
export type { DeadLetters } from './network/dead-letters.ts';
export type { OperationOptions } from './network/operations.ts';
export type { NodeSettings } from './network/configure-node.ts';

export { DEFAULT_PARTITIONS, DEFAULT_CAPACITY, DEFAULT_WARN_AT, DEFAULT_REJECT_AT, type NodeOptions, type SignalHandler } from './node/node-options.ts';
export type { HandlerContext } from './node/handler-context.ts';

export type { Signal, SignalDraft, Hop, HopOutcome } from './signal/signal.ts';
export { DEFAULT_SIGNAL_VERSION, DEFAULT_URGENCY } from './signal/create-signal.ts';
export { SchemaRegistry, compareVersions, type SchemaDefinition, type PayloadValidator, type Upcaster } from './signal/schema-registry.ts';
export type { StandardSchemaV1 } from './signal/standard-schema.ts';
export { ValidationError, isValidationError, UnknownTargetError, isUnknownTargetError, type ValidationIssue } from './signal/errors.ts';
export { DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_PAYLOAD_DEPTH } from './signal/validate-payload.ts';

export { DEFAULT_DEDUP_WINDOW_MS, DEFAULT_DEDUP_MAX_KEYS } from './delivery/dedup-window.ts';
export { DEFAULT_DLQ_CAPACITY, type DeadLetter, type DeadLetterFilter } from './delivery/dead-letter-queue.ts';
export { MemoryJournal, DEFAULT_JOURNAL_CAPACITY } from './delivery/memory-journal.ts';
export type { Journal, JournalQuery, SettleOutcome } from './delivery/journal.ts';
export { FileJournal, DEFAULT_JOURNAL_FSYNC, DEFAULT_JOURNAL_MAX_BYTES, DEFAULT_COMPLETED_IN_MEMORY, type FileJournalOptions, type FileJournalStats } from './delivery/file-journal.ts';
export { JournalError, isJournalError, JOURNAL_CODE, type JournalFailure } from './delivery/journal-error.ts';

// Many processes: the NATS JetStream transport.
export { natsTransport, type NatsTransport } from './transport/nats/nats-transport.ts';
export {
  DEFAULT_NATS_SERVERS, DEFAULT_SUBJECT_PREFIX, DEFAULT_MAX_PENDING, DEFAULT_MAX_IN_FLIGHT, DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVER,
  DEFAULT_DUPLICATE_WINDOW_MS, DEFAULT_NAK_DELAY_MS, DEFAULT_PUBLISH_TIMEOUT_MS, type NatsTransportOptions, type ResolvedNatsOptions,
} from './transport/nats/options.ts';
export { TransportError, isTransportError, TRANSPORT_CODE, PublishBackpressureError, type TransportFailure } from './transport/nats/errors.ts';
export type { Transport, TransportSession, TransportHost, TransportCounts, TransportReport, PublishAck, ReceiveOutcome } from './transport/transport.ts';

export { SHUTDOWN_PHASES, shutdownMachine, type ShutdownPhase } from './control/shutdown-machine.ts';

export type * from './observe/events.ts';
export { METRIC_PREFIX } from './observe/network-metrics.ts';
export { LATENCY_BUCKETS_MS } from './observe/latency-buckets.ts';

export { PlexusError, isPlexusError, toErrorInfo, type ErrorInfo } from './util/errors.ts';
export { systemClock, sleep, type Clock, type TimerHandle } from './util/clock.ts';

// Breakers, retry, rate limits, bulkheads, timeouts, classification, recovery, the protector.
export * from './resilience/index.ts';

/**
 * From network events to log lines: which event is written at which level, with which fields.
 * The network writes its log from its event stream (a subscriber of `events$`), never from the
 * hot path: without a logger nothing here runs and no event is built for it.
 *
 * Every line has `event` (the event kind) and `at` (the network clock, ms). Every line about a
 * signal also has `node`, `signalId`, `signalType`, `correlationId` and `ageMs` (since the
 * signal was created), plus `durationMs` where the event measured one. Errors are under `err`
 * (name, message, code, stack), where pino's serializers look for them.
 */
import type { Observable, Subscription } from 'rxjs';
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { ErrorInfo } from '../util/errors.ts';
import type { NetworkEvent, SignalEventBase } from './events.ts';
import { checkLogger, type Logger } from './logger.ts';

/** The levels the network writes at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

type Fields = Record<string, unknown>;

/** The fields of every line about a signal. */
function signalFields(e: SignalEventBase & { kind: string }): Fields {
  return { event: e.kind, node: e.node, signalId: e.signalId, signalType: e.signalType, correlationId: e.correlationId, at: e.at, ageMs: e.at - e.signal.createdAt };
}

const err = (error: ErrorInfo): Fields => ({ name: error.name, message: error.message, code: error.code, stack: error.stack, category: error.category });

const HEALTH_LEVEL = { healthy: 'info', unknown: 'info', degraded: 'warn', unhealthy: 'error' } as const;
const PRESSURE_LEVEL = { normal: 'info', warning: 'warn', critical: 'error' } as const;

/** The level, message and fields of the line `e` makes, or undefined when it makes none. */
export function logLine(e: NetworkEvent): { level: LogLevel; message: string; fields: Fields } | undefined {
  const line = (level: LogLevel, message: string, fields: Fields) => ({ level, message, fields });
  switch (e.kind) {
    case 'accepted':
      return line('debug', 'signal accepted', { ...signalFields(e), partition: e.partition });
    // One line per attempt start would double the debug lines of every signal; `completed` and
    // `failed` carry the attempt and its partition.
    case 'started':
      return undefined;
    case 'completed':
      return line('debug', 'signal completed', { ...signalFields(e), partition: e.partition, attempt: e.attempt, durationMs: e.durationMs });
    case 'duplicate':
      return line('debug', 'signal dropped as a duplicate', { ...signalFields(e), idempotencyKey: e.idempotencyKey });
    case 'rejected':
      return line('warn', `send refused (${e.reason})`, {
        event: e.kind,
        node: e.node,
        signalId: undefined,
        signalType: e.signalType,
        correlationId: e.correlationId,
        at: e.at,
        reason: e.reason,
        err: err(e.error),
      });
    case 'failed':
      return line('warn', 'signal attempt failed', { ...signalFields(e), partition: e.partition, attempt: e.attempt, err: err(e.error) });
    case 'retried':
      return line('debug', 'signal retry scheduled', { ...signalFields(e), partition: e.partition, attempt: e.attempt, delayMs: e.delayMs });
    case 'dead-lettered':
      return line('error', `signal dead-lettered (${e.reason})`, { ...signalFields(e), reason: e.reason, attempts: e.attempts, err: err(e.error) });
    case 'dlq-overflow':
      return line('error', 'dead letter dropped: the dead letter queue is full', signalFields(e));
    case 'throttled':
      return line('debug', 'signal waits for its rate limit', { ...signalFields(e), partition: e.partition, retryAfterMs: e.retryAfterMs });
    case 'held':
      return line('debug', 'signal held by an open breaker', { ...signalFields(e), partition: e.partition, retryAfterMs: e.retryAfterMs });
    case 'pressure':
      return line(PRESSURE_LEVEL[e.level], `mailbox pressure ${e.level}`, { event: e.kind, at: e.at, node: e.node, level: e.level, fill: e.fill });
    case 'breaker':
      return line(e.to === 'open' ? 'warn' : 'info', `breaker ${e.from} → ${e.to}`, { event: e.kind, at: e.at, breaker: e.name, from: e.from, to: e.to, pressureLevel: e.pressureLevel });
    case 'shutdown-phase':
      return line('info', `shutdown phase ${e.phase}`, { event: e.kind, at: e.at, phase: e.phase });
    case 'shutdown-handler':
      return line(e.outcome === 'ok' ? 'info' : 'warn', `shutdown handler ${e.name}: ${e.outcome}`, {
        event: e.kind,
        at: e.at,
        phase: e.phase,
        handler: e.name,
        outcome: e.outcome,
        durationMs: e.durationMs,
        error: e.error,
      });
    case 'process-signal':
      return line(e.action === 'force' ? 'warn' : 'info', e.action === 'force' ? `${e.signal} again: forcing the shutdown` : `${e.signal}: shutting down`, {
        event: e.kind,
        at: e.at,
        signal: e.signal,
        action: e.action,
        count: e.count,
      });
    case 'health':
      return line(HEALTH_LEVEL[e.status], `health ${e.previous} → ${e.status}`, {
        event: e.kind,
        at: e.at,
        status: e.status,
        previous: e.previous,
        component: e.component,
        componentStatus: e.componentStatus,
      });
    case 'context':
      return line('debug', `context ${e.change}`, { event: e.kind, at: e.at, key: e.key, change: e.change, publisher: e.publisher });
    case 'alert':
      return line(e.state === 'resolved' ? 'info' : e.severity === 'critical' ? 'error' : 'warn', `alert ${e.alert} ${e.state}`, {
        event: e.kind,
        at: e.at,
        alert: e.alert,
        state: e.state,
        severity: e.severity,
        since: e.since,
        runbook: e.runbook,
      });
    case 'reflex':
      return line('info', `reflex ${e.rule} ${e.level}: ${e.acted ? 'acted' : e.shadowed ? 'shadowed' : 'held back'}`, {
        event: e.kind,
        at: e.at,
        rule: e.rule,
        level: e.level,
        cause: e.cause,
        value: e.value,
        source: e.source,
        acted: e.acted,
        shadowed: e.shadowed,
        targets: e.targets,
      });
    case 'subscriber-error':
      return line('error', 'an events$ subscriber threw', { event: e.kind, at: e.at, eventKind: e.eventKind, err: err(e.error) });
    case 'transport-error':
      return line('error', `transport ${e.operation} failed`, { event: e.kind, at: e.at, transport: e.transport, operation: e.operation, node: e.node, err: err(e.error) });
    case 'rate-limited':
      return line('debug', `operation ${e.name} rate-limited`, { event: e.kind, at: e.at, operation: e.name, key: e.key, retryAfterMs: e.retryAfterMs });
    case 'retry':
      return line('debug', `operation ${e.name} retry scheduled`, { event: e.kind, at: e.at, operation: e.name, attempt: e.attempt, delayMs: e.delayMs, err: err(e.error) });
    case 'recovery':
      return line('info', `recovery ${e.strategy} for ${e.name}`, { event: e.kind, at: e.at, name: e.name, strategy: e.strategy, succeeded: e.succeeded, errorId: e.errorId, attempts: e.attempts });
    case 'refused':
      return line('warn', `operation ${e.name} refused (${e.reason})`, { event: e.kind, at: e.at, operation: e.name, reason: e.reason, err: err(e.error) });
    case 'operation-failed':
      return line('warn', `operation ${e.name} failed`, {
        event: e.kind,
        at: e.at,
        operation: e.name,
        attempts: e.attempts,
        errorId: e.error.id,
        severity: e.error.severity,
        err: err({ ...e.error.error, category: e.error.category }),
      });
    default:
      // A kind added later is still logged, plainly, until it gets a line of its own.
      return line('info', (e as { kind: string }).kind, { ...(e as object), event: (e as { kind: string }).kind });
  }
}

/** Writes the line of `e` (if it makes one) to `log`. */
export function logEvent(log: Logger, e: NetworkEvent): void {
  const l = logLine(e);
  if (l !== undefined) log[l.level](l.fields, l.message);
}

/**
 * Writes every event of `events$` to `logger.child({ network })` until the stream completes (at
 * the network's termination). Throws InvalidOptionsError when `child` does not return a logger.
 */
export function logNetworkEvents(events$: Observable<NetworkEvent>, logger: Logger, network: string): Subscription {
  const log = checkLogger('logger.child()', logger.child({ network }));
  if (log === undefined) throw new InvalidOptionsError('logger', 'child() must return a logger', log);
  return events$.subscribe((e) => logEvent(log, e));
}

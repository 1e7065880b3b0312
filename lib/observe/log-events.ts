/**
 * From network events to log lines: which event is written at which level, with which fields.
 * The network writes its log from its event stream (a subscriber of `events$`), never from the
 * hot path: without a logger nothing here runs and no event is built for it.
 *
 * Every line has `event` (the event kind) and `at` (the network clock, ms). Every line about a
 * signal also has `node`, `signalId`, `signalType`, `correlationId` and `ageMs` (since the
 * signal was created), plus `durationMs` where the event measured one. Errors are under `err`
 * (name, message, code, stack), where pino's serializers look for them.
 *
 * Fields are built by assignment, not object spread: this runs per signal event, and spread is
 * the slow path of object creation in some compilations of this source (tsx's among them).
 */
import type { Observable, Subscription } from 'rxjs';
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { ErrorInfo } from '../util/errors.ts';
import type { NetworkEvent, NetworkEventKind, SignalEventBase } from './events.ts';
import { checkLogger, type Logger, type LogLevel } from './logger.ts';

type Fields = Record<string, unknown>;

/** One line to write: its level, message and fields. */
export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Fields;
}

/** How the events of one kind are written: their level, message and fields (each fixed, or read from the event). */
interface LineRule<E> {
  readonly level: LogLevel | ((e: E) => LogLevel);
  readonly message: string | ((e: E) => string);
  readonly fields: (e: E) => Fields;
}

type Rules = { readonly [K in NetworkEventKind]: LineRule<Extract<NetworkEvent, { kind: K }>> | null };

/** The fields of every line about a signal. */
function signalFields(e: SignalEventBase & { kind: string }): Fields {
  return { event: e.kind, node: e.node, signalId: e.signalId, signalType: e.signalType, correlationId: e.correlationId, at: e.at, ageMs: e.at - e.signal.createdAt };
}

/** The fields of a signal line with one more, and its value. */
function signalWith(e: SignalEventBase & { kind: string }, key: string, value: unknown): Fields {
  const f = signalFields(e);
  f[key] = value;
  return f;
}

function err(error: ErrorInfo): Fields {
  return { name: error.name, message: error.message, code: error.code, stack: error.stack, category: error.category };
}

const HEALTH_LEVEL = { healthy: 'info', unknown: 'info', degraded: 'warn', unhealthy: 'error' } as const;
const PRESSURE_LEVEL = { normal: 'info', warning: 'warn', critical: 'error' } as const;

/** Each event kind's line; `null`: no line. docs/operations.md ("Logging") has the same table in words. */
const RULES: Rules = {
  accepted: { level: 'debug', message: 'signal accepted', fields: (e) => signalWith(e, 'partition', e.partition) },
  // One line per attempt start would double the debug lines of every signal; `completed` and
  // `failed` carry the attempt and its partition.
  started: null,
  completed: {
    level: 'debug',
    message: 'signal completed',
    fields: (e) => {
      const f = signalWith(e, 'partition', e.partition);
      f.attempt = e.attempt;
      f.durationMs = e.durationMs;
      return f;
    },
  },
  duplicate: { level: 'debug', message: 'signal dropped as a duplicate', fields: (e) => signalWith(e, 'idempotencyKey', e.idempotencyKey) },
  rejected: {
    level: 'warn',
    message: (e) => `send refused (${e.reason})`,
    fields: (e) => ({ event: e.kind, node: e.node, signalId: undefined, signalType: e.signalType, correlationId: e.correlationId, at: e.at, reason: e.reason, err: err(e.error) }),
  },
  failed: {
    level: 'warn',
    message: 'signal attempt failed',
    fields: (e) => {
      const f = signalWith(e, 'partition', e.partition);
      f.attempt = e.attempt;
      f.err = err(e.error);
      return f;
    },
  },
  retried: {
    level: 'debug',
    message: 'signal retry scheduled',
    fields: (e) => {
      const f = signalWith(e, 'attempt', e.attempt);
      f.delayMs = e.delayMs;
      return f;
    },
  },
  'dead-lettered': {
    level: 'error',
    message: (e) => `signal dead-lettered (${e.reason})`,
    fields: (e) => {
      const f = signalWith(e, 'reason', e.reason);
      f.attempts = e.attempts;
      f.err = err(e.error);
      return f;
    },
  },
  'dlq-overflow': { level: 'error', message: 'dead letter dropped: the dead letter queue is full', fields: signalFields },
  throttled: { level: 'debug', message: 'signal waits for its rate limit', fields: (e) => signalWith(e, 'retryAfterMs', e.retryAfterMs) },
  held: { level: 'debug', message: 'signal held by an open breaker', fields: (e) => signalWith(e, 'retryAfterMs', e.retryAfterMs) },
  pressure: { level: (e) => PRESSURE_LEVEL[e.level], message: (e) => `mailbox pressure ${e.level}`, fields: (e) => ({ event: e.kind, at: e.at, node: e.node, level: e.level, fill: e.fill }) },
  breaker: {
    level: (e) => (e.to === 'open' ? 'warn' : 'info'),
    message: (e) => `breaker ${e.from} → ${e.to}`,
    fields: (e) => ({ event: e.kind, at: e.at, breaker: e.name, from: e.from, to: e.to, pressureLevel: e.pressureLevel }),
  },
  'shutdown-phase': { level: 'info', message: (e) => `shutdown phase ${e.phase}`, fields: (e) => ({ event: e.kind, at: e.at, phase: e.phase }) },
  'shutdown-handler': {
    level: (e) => (e.outcome === 'ok' ? 'info' : 'warn'),
    message: (e) => `shutdown handler ${e.name}: ${e.outcome}`,
    fields: (e) => ({ event: e.kind, at: e.at, phase: e.phase, handler: e.name, outcome: e.outcome, durationMs: e.durationMs, error: e.error }),
  },
  'process-signal': {
    level: (e) => (e.action === 'force' ? 'warn' : 'info'),
    message: (e) => (e.action === 'force' ? `${e.signal} again: forcing the shutdown` : `${e.signal}: shutting down`),
    fields: (e) => ({ event: e.kind, at: e.at, signal: e.signal, action: e.action, count: e.count }),
  },
  health: {
    level: (e) => HEALTH_LEVEL[e.status],
    message: (e) => `health ${e.previous} → ${e.status}`,
    fields: (e) => ({ event: e.kind, at: e.at, status: e.status, previous: e.previous, component: e.component, componentStatus: e.componentStatus }),
  },
  context: { level: 'debug', message: (e) => `context ${e.change}`, fields: (e) => ({ event: e.kind, at: e.at, key: e.key, change: e.change, publisher: e.publisher }) },
  alert: {
    level: (e) => (e.state === 'resolved' ? 'info' : e.severity === 'critical' ? 'error' : 'warn'),
    message: (e) => `alert ${e.alert} ${e.state}`,
    fields: (e) => ({ event: e.kind, at: e.at, alert: e.alert, state: e.state, severity: e.severity, since: e.since, runbook: e.runbook }),
  },
  forecast: {
    level: (e) => (!e.rising ? 'info' : e.risk === 'critical' ? 'error' : e.risk === 'high' ? 'warn' : 'info'),
    message: (e) => `forecast risk of ${e.node} ${e.previous} → ${e.risk}`,
    fields: (e) => ({
      event: e.kind,
      at: e.at,
      node: e.node,
      risk: e.risk,
      previous: e.previous,
      rising: e.rising,
      utilisation: e.utilisation,
      timeToFullSeconds: e.timeToFullSeconds,
      confidence: e.confidence,
      bottleneck: e.bottleneck,
    }),
  },
  reflex: {
    level: 'info',
    message: (e) => `reflex ${e.rule} ${e.level}: ${e.acted ? 'acted' : e.shadowed ? 'shadowed' : 'held back'}`,
    fields: (e) => ({ event: e.kind, at: e.at, rule: e.rule, level: e.level, cause: e.cause, value: e.value, source: e.source, acted: e.acted, shadowed: e.shadowed, targets: e.targets }),
  },
  'subscriber-error': { level: 'error', message: 'an events$ subscriber threw', fields: (e) => ({ event: e.kind, at: e.at, eventKind: e.eventKind, err: err(e.error) }) },
  'transport-error': {
    level: 'error',
    message: (e) => `transport ${e.operation} failed`,
    fields: (e) => ({ event: e.kind, at: e.at, transport: e.transport, operation: e.operation, node: e.node, err: err(e.error) }),
  },
  'rate-limited': {
    level: 'debug',
    message: (e) => `operation ${e.name} rate-limited`,
    fields: (e) => ({ event: e.kind, at: e.at, operation: e.name, key: e.key, retryAfterMs: e.retryAfterMs }),
  },
  retry: {
    level: 'debug',
    message: (e) => `operation ${e.name} retry scheduled`,
    fields: (e) => ({ event: e.kind, at: e.at, operation: e.name, attempt: e.attempt, delayMs: e.delayMs, err: err(e.error) }),
  },
  recovery: {
    level: 'info',
    message: (e) => `recovery ${e.strategy} for ${e.name}`,
    fields: (e) => ({ event: e.kind, at: e.at, name: e.name, strategy: e.strategy, succeeded: e.succeeded, errorId: e.errorId, attempts: e.attempts }),
  },
  refused: { level: 'warn', message: (e) => `operation ${e.name} refused (${e.reason})`, fields: (e) => ({ event: e.kind, at: e.at, operation: e.name, reason: e.reason, err: err(e.error) }) },
  'operation-failed': {
    level: 'warn',
    message: (e) => `operation ${e.name} failed`,
    fields: (e) => {
      const f = err(e.error.error);
      f.category = e.error.category;
      return { event: e.kind, at: e.at, operation: e.name, attempts: e.attempts, errorId: e.error.id, severity: e.error.severity, err: f };
    },
  },
};

/** The rule of `e`'s kind; a kind added later without a rule is written plainly at `info`. */
function ruleOf(e: NetworkEvent): LineRule<NetworkEvent> | null {
  const rule = (RULES as Partial<Record<string, LineRule<NetworkEvent> | null>>)[e.kind];
  return rule !== undefined ? rule : { level: 'info', message: e.kind, fields: (x) => Object.assign<Fields, object>({ event: x.kind }, x) };
}

/** The level, message and fields of the line `e` makes, or undefined when it makes none. */
export function logLine(e: NetworkEvent): LogLine | undefined {
  const rule = ruleOf(e);
  if (rule === null) return undefined;
  return { level: typeof rule.level === 'string' ? rule.level : rule.level(e), message: typeof rule.message === 'string' ? rule.message : rule.message(e), fields: rule.fields(e) };
}

/**
 * Writes the line of `e` (if it makes one) to `log`. With a logger that says which levels it
 * writes (pino's `isLevelEnabled`), a line below its level is not even built.
 */
export function logEvent(log: Logger, e: NetworkEvent): void {
  const rule = ruleOf(e);
  if (rule === null) return;
  const level = typeof rule.level === 'string' ? rule.level : rule.level(e);
  if (log.isLevelEnabled !== undefined && !log.isLevelEnabled(level)) return;
  log[level](rule.fields(e), typeof rule.message === 'string' ? rule.message : rule.message(e));
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

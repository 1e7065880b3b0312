/**
 * The logger a network writes to (the `logger` option): any object with pino's shape, and its
 * check. Leaf file of observe/ (imports only the error it throws).
 */
import { InvalidOptionsError } from '../resilience/errors.ts';

/** The levels a network writes at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One logging method, called as pino's are: an object of fields, then a message. */
export type LogMethod = (fields: object, message?: string) => void;

/**
 * A pino-compatible logger: a pino logger fits as it is, and so does any object with these five
 * methods (bunyan's, or a fake in a test). The network calls `child({ network })` once and
 * writes every line through the child.
 */
export interface Logger {
  /** Per-signal successes (accepted, completed), duplicates, waits, context changes. */
  debug: LogMethod;
  /** Shutdown phases and handlers, health back to healthy, breakers closing, reflexes, alerts resolving. */
  info: LogMethod;
  /** Failed attempts, refused sends, health degraded, breakers opening, alerts (warning), forced shutdowns. */
  warn: LogMethod;
  /** Dead letters, transport and subscriber errors, health unhealthy, alerts (critical). */
  error: LogMethod;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
  /**
   * Optional (pino has it): whether lines of `level` are written. When present, the network
   * does not build the lines of a level the logger leaves out (e.g. per-signal `debug` lines at `info`).
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

/** The methods a {@link Logger} must have. */
export const LOGGER_METHODS = Object.freeze(['debug', 'info', 'warn', 'error', 'child'] as const);

/** Returns `logger` when it has every method of {@link Logger}; throws InvalidOptionsError naming the first missing one. */
export function checkLogger(option: string, logger: unknown): Logger | undefined {
  if (logger === undefined) return undefined;
  if (typeof logger !== 'object' || logger === null) throw new InvalidOptionsError(option, 'must be a logger with debug, info, warn, error and child methods (a pino logger, for one)', logger);
  const missing = LOGGER_METHODS.find((m) => typeof (logger as Record<string, unknown>)[m] !== 'function');
  const enabled = (logger as Record<string, unknown>).isLevelEnabled;
  if (enabled !== undefined && typeof enabled !== 'function') throw new InvalidOptionsError(option, 'isLevelEnabled, when present, must be a function', logger);
  if (missing !== undefined) throw new InvalidOptionsError(option, `must be a logger with debug, info, warn, error and child methods (a pino logger, for one); ${missing} is not a function`, logger);
  return logger as Logger;
}

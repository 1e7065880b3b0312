/*
 * What a network hooks to its shutdown from outside: handlers that run in its phases
 * (`network.onShutdown`) and the process signals that start it (`network.shutdownOnSignals`).
 * The Network class keeps one of these and delegates to it.
 */
import { constants } from 'node:os';
import type { ShutdownHandler, ShutdownHandlerOptions, ShutdownHandlerPhase, ShutdownHandlers } from '../control/shutdown-handlers.ts';
import type { EventHub } from '../observe/event-hub.ts';
import { disposable, type DisposableHandle } from '../resilience/emitter.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import { LifecycleError } from './errors.ts';
import type { NetworkShutdownReport, ShutdownOptions } from './shutdown-network.ts';

export type { ShutdownHandler, ShutdownHandlerOptions, ShutdownHandlerPhase };

/** Options of `network.shutdownOnSignals()`. */
export interface ShutdownOnSignalsOptions {
  /**
   * The signals that start the shutdown (a second one of them forces it): names a process can
   * catch, as Node spells them (`os.constants.signals`). @defaultValue `['SIGINT', 'SIGTERM']`
   */
  signals?: readonly string[];
  /** Longest graceful drain (ms). @defaultValue the network's `shutdownTimeoutMs` */
  timeoutMs?: number;
  /**
   * Exit the process once the network has terminated (and `onReport` has returned): code 0 when
   * the shutdown drained everything, 1 when it was forced, timed out, left signals, had errors or
   * a shutdown handler failed or timed out.
   * @defaultValue true
   */
  exit?: boolean;
  /** Called with the report and the first signal once the network has terminated, before the exit (awaited). What it throws is a process warning. */
  onReport?: (report: NetworkShutdownReport, signal: string) => void | Promise<void>;
}

/** The keys of {@link ShutdownOnSignalsOptions}. */
export const SHUTDOWN_ON_SIGNALS_OPTION_KEYS = optionKeys<ShutdownOnSignalsOptions>()(['signals', 'timeoutMs', 'exit', 'onReport']);

/** The signals `shutdownOnSignals` hooks unless told otherwise. */
export const DEFAULT_SHUTDOWN_SIGNALS: readonly string[] = Object.freeze(['SIGINT', 'SIGTERM']);

/** What the hooks need of their network. */
export interface ShutdownHookParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly handlers: ShutdownHandlers;
  /** The network's state (`'terminated'` refuses new hooks). */
  state(): string;
  shutdown(options: ShutdownOptions): Promise<NetworkShutdownReport>;
}

/**
 * The exit code of a shutdown that `report` describes: 0 when it drained everything and every
 * phase and handler ended well, else 1 (an orchestrator should hear of a checkpoint that failed).
 */
export function exitCodeOf(report: NetworkShutdownReport): number {
  const handlerFailed = report.phases.some((p) => p.handlers.some((h) => h.outcome !== 'ok'));
  return report.forced || report.timedOut || report.remaining > 0 || report.errors.length > 0 || handlerFailed ? 1 : 0;
}

/** A network's shutdown handlers and process signal hooks. */
export class ShutdownHooks {
  readonly #p: ShutdownHookParts;
  /** The handlers run in the shutdown's SaveState and CleanupResources phases. */
  readonly handlers: ShutdownHandlers;
  #signals: DisposableHandle | undefined;

  constructor(parts: ShutdownHookParts) {
    this.#p = parts;
    this.handlers = parts.handlers;
  }

  /** See `network.onShutdown`. */
  onShutdown(phase: ShutdownHandlerPhase, name: string, handler: ShutdownHandler, options?: ShutdownHandlerOptions): DisposableHandle {
    if (this.#p.state() === 'terminated') throw new LifecycleError(`cannot register shutdown handler ${JSON.stringify(name)}: the network is terminated`);
    return this.#p.handlers.register(phase, name, handler, options);
  }

  /** See `network.shutdownOnSignals`. */
  hookSignals(options: ShutdownOnSignalsOptions = {}): DisposableHandle {
    const o = resolveSignalOptions(options);
    if (this.#p.state() === 'terminated') throw new LifecycleError('cannot hook process signals: the network is terminated');
    if (this.#signals !== undefined) throw new LifecycleError('process signals are already hooked to this network (dispose the first hook to hook them again)');
    const { clock, hub } = this.#p;
    let count = 0;
    const listener = (signal: string): void => {
      count++;
      const action = count === 1 ? 'shutdown' : 'force';
      if (hub.observed) hub.emit({ kind: 'process-signal', at: clock.now(), signal, action, count });
      if (count > 1) {
        void this.#p.shutdown({ force: true });
        return;
      }
      const finished = this.#p.shutdown(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }).then(async (report) => {
        try {
          await o.onReport?.(report, signal);
          return exitCodeOf(report);
        } catch (e) {
          process.emitWarning(`shutdownOnSignals: onReport threw: ${e instanceof Error ? e.message : String(e)}`, { code: 'PLEXUS_ON_REPORT_FAILED' });
          return 1;
        }
      });
      if (o.exit) void exitWhenAllDone(finished);
    };
    for (const s of o.signals) process.on(s, listener);
    const hook = disposable(() => {
      for (const s of o.signals) process.off(s, listener);
      if (this.#signals === hook) this.#signals = undefined;
    });
    this.#signals = hook;
    return hook;
  }

  /** The network terminated: its signal hooks go (a later signal does what it does without them). */
  terminated(): void {
    this.#signals?.dispose();
  }
}

/**
 * The shutdowns that will exit the process, of every network of this process. A signal reaches
 * every hooked network at once (each one's listener runs in the same `emit`): the process exits
 * once all of them have terminated, with the highest code, not when the quickest is done.
 */
const exiting = new Set<Promise<number>>();

async function exitWhenAllDone(finished: Promise<number>): Promise<void> {
  exiting.add(finished);
  await finished;
  const codes = await Promise.all(exiting);
  process.exit(Math.max(...codes));
}

/** Signals a process cannot catch. */
const UNCATCHABLE = new Set(['SIGKILL', 'SIGSTOP']);

interface ResolvedSignalOptions {
  readonly signals: readonly string[];
  readonly timeoutMs: number | undefined;
  readonly exit: boolean;
  readonly onReport: ShutdownOnSignalsOptions['onReport'] | undefined;
}

function resolveSignalOptions(options: ShutdownOnSignalsOptions): ResolvedSignalOptions {
  checkObject('shutdownOnSignals', options);
  checkKnownKeys('shutdownOnSignals', options, SHUTDOWN_ON_SIGNALS_OPTION_KEYS);
  const signals = options.signals ?? DEFAULT_SHUTDOWN_SIGNALS;
  if (!Array.isArray(signals) || signals.length === 0) throw new InvalidOptionsError('shutdownOnSignals.signals', 'must be a non-empty array of signal names', signals);
  for (const s of signals) {
    if (typeof s !== 'string' || !(s in constants.signals) || UNCATCHABLE.has(s)) throw new InvalidOptionsError('shutdownOnSignals.signals', 'must name signals a process can catch, e.g. SIGTERM', s);
  }
  const timeoutMs = options.timeoutMs === undefined ? undefined : checkNumber('shutdownOnSignals.timeoutMs', options.timeoutMs, { min: 0 });
  if (options.exit !== undefined && typeof options.exit !== 'boolean') throw new InvalidOptionsError('shutdownOnSignals.exit', 'must be a boolean', options.exit);
  if (options.onReport !== undefined && typeof options.onReport !== 'function') throw new InvalidOptionsError('shutdownOnSignals.onReport', 'must be a function', options.onReport);
  return { signals: [...new Set(signals)], exit: options.exit ?? true, timeoutMs, onReport: options.onReport };
}

/**
 * Shutdown handlers: work that components and users register to run in the SaveState phase
 * (checkpoints: write what must survive the process) or the CleanupResources phase (close
 * what they opened). Each runs with a time limit on the network's clock; one that throws,
 * rejects or outlasts its limit is recorded and the shutdown goes on: a handler can delay a
 * shutdown by its limit at most, never stop it.
 */
import { disposable, type DisposableHandle } from '../resilience/emitter.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';

/** The phases shutdown handlers run in: `save-state` (checkpoints) and `cleanup-resources`. */
export type ShutdownHandlerPhase = 'save-state' | 'cleanup-resources';

/** The phases a handler may be registered for. */
export const SHUTDOWN_HANDLER_PHASES: readonly ShutdownHandlerPhase[] = Object.freeze(['save-state', 'cleanup-resources']);

/**
 * How long a shutdown handler may run before the shutdown stops waiting for it (it is then
 * recorded as `timeout` and its `abortSignal` aborts).
 * @defaultValue 5000 ms
 */
export const DEFAULT_SHUTDOWN_HANDLER_TIMEOUT_MS = 5_000;

/** What a shutdown handler is told when it runs. */
export interface ShutdownHandlerContext {
  /** The phase it runs in. */
  readonly phase: ShutdownHandlerPhase;
  /** True when the shutdown was forced, or its drain timed out (signals were handed back). */
  readonly forced: boolean;
  /** Aborts when the handler's time limit passes: stop then, the shutdown no longer waits. */
  readonly abortSignal: AbortSignal;
}

/**
 * A shutdown handler (`network.onShutdown(phase, name, handler, { timeoutMs })`), sync or async.
 * `save-state` handlers (checkpoints) run once the drain has ended and the nodes are stopped;
 * `cleanup-resources` handlers run before the transport and the journal close. Within a phase
 * they run in registration order, each bounded by its `timeoutMs`. What one throws or rejects
 * with, or its outlasting the limit, is recorded in `report.phases[i].handlers` (and a
 * `shutdown-handler` event), never thrown: the shutdown goes on.
 */
export type ShutdownHandler = (context: ShutdownHandlerContext) => void | Promise<void>;

/** Options of a shutdown handler. */
export interface ShutdownHandlerOptions {
  /** Longest run (ms) before the shutdown goes on without it (its `abortSignal` then aborts). @defaultValue 5000 ms */
  timeoutMs?: number;
}

/** The keys of {@link ShutdownHandlerOptions}. */
export const SHUTDOWN_HANDLER_OPTION_KEYS = optionKeys<ShutdownHandlerOptions>()(['timeoutMs']);

/** How one shutdown handler ended: `ok`, `error` (threw or rejected) or `timeout` (outlasted its limit). */
export type ShutdownHandlerOutcome = 'ok' | 'error' | 'timeout';

/** One shutdown handler's run, as the shutdown report lists it under its phase. */
export interface ShutdownHandlerRecord {
  /** The name it was registered under. */
  readonly name: string;
  /** The phase it ran in. */
  readonly phase: ShutdownHandlerPhase;
  /** How it ended. */
  readonly outcome: ShutdownHandlerOutcome;
  /** Clock time it started (ms). */
  readonly startedAt: number;
  /** How long the shutdown waited for it (ms): its limit when it timed out. */
  readonly durationMs: number;
  /** What it threw, or which limit it outlasted; undefined when `ok`. */
  readonly error: string | undefined;
}

interface Registered {
  readonly name: string;
  readonly handler: ShutdownHandler;
  readonly timeoutMs: number;
}

/**
 * The shutdown handlers of one network, by phase, in registration order. `run(phase)` runs a
 * phase's handlers one after another (a checkpoint often needs the one before it done, e.g. state
 * written before the file is flushed), each bounded by its time limit.
 */
export class ShutdownHandlers {
  readonly #clock: Clock;
  readonly #byPhase = new Map<ShutdownHandlerPhase, Registered[]>(SHUTDOWN_HANDLER_PHASES.map((p) => [p, []]));

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Registers `handler` under `name` for `phase`; `dispose()` removes it. Throws InvalidOptionsError on bad arguments or a name taken in that phase. */
  register(phase: ShutdownHandlerPhase, name: string, handler: ShutdownHandler, options: ShutdownHandlerOptions = {}): DisposableHandle {
    const list = this.#byPhase.get(phase);
    if (list === undefined) throw new InvalidOptionsError('phase', `must be one of ${SHUTDOWN_HANDLER_PHASES.join(', ')}`, phase);
    if (typeof name !== 'string' || name === '') throw new InvalidOptionsError('name', 'must be a non-empty string', name);
    if (typeof handler !== 'function') throw new InvalidOptionsError('handler', 'must be a function', handler);
    checkObject('onShutdown', options);
    checkKnownKeys('onShutdown', options, SHUTDOWN_HANDLER_OPTION_KEYS);
    const timeoutMs = checkNumber('onShutdown.timeoutMs', options.timeoutMs ?? DEFAULT_SHUTDOWN_HANDLER_TIMEOUT_MS, { above: 0 });
    if (list.some((r) => r.name === name)) throw new InvalidOptionsError('name', `a ${phase} handler named ${JSON.stringify(name)} is already registered`, name);
    const entry: Registered = { name, handler, timeoutMs };
    list.push(entry);
    return disposable(() => {
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
    });
  }

  /** The names registered for `phase`, in the order they run. */
  names(phase: ShutdownHandlerPhase): string[] {
    return (this.#byPhase.get(phase) ?? []).map((r) => r.name);
  }

  /** Runs the handlers of `phase` in order; `done` hears each record as it is made. Never rejects. */
  async run(phase: ShutdownHandlerPhase, forced: boolean, done?: (record: ShutdownHandlerRecord) => void): Promise<ShutdownHandlerRecord[]> {
    const records: ShutdownHandlerRecord[] = [];
    // A copy: a handler that registers or disposes another must not change this run.
    for (const entry of [...(this.#byPhase.get(phase) ?? [])]) {
      const record = await this.#runOne(phase, entry, forced);
      records.push(record);
      done?.(record);
    }
    return records;
  }

  #runOne(phase: ShutdownHandlerPhase, entry: Registered, forced: boolean): Promise<ShutdownHandlerRecord> {
    const clock = this.#clock;
    const startedAt = clock.now();
    const controller = new AbortController();
    const record = (outcome: ShutdownHandlerOutcome, error: string | undefined): ShutdownHandlerRecord => ({ name: entry.name, phase, outcome, startedAt, durationMs: clock.now() - startedAt, error });
    return new Promise<ShutdownHandlerRecord>((resolve) => {
      let settled = false;
      const finish = (r: () => ShutdownHandlerRecord): void => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        resolve(r());
      };
      const timer = clock.setTimeout(() => {
        finish(() => record('timeout', `did not finish within ${entry.timeoutMs} ms`));
        controller.abort(new Error(`shutdown handler ${entry.name} timed out after ${entry.timeoutMs} ms`));
      }, entry.timeoutMs);
      try {
        Promise.resolve(entry.handler({ phase, forced, abortSignal: controller.signal })).then(
          () => finish(() => record('ok', undefined)),
          (e: unknown) => finish(() => record('error', messageOf(e))),
        );
      } catch (e) {
        finish(() => record('error', messageOf(e)));
      }
    });
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

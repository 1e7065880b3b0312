/**
 * One source of events offered two ways: `on(listener) → DisposableHandle` and an RxJS Observable.
 * Leaf file (imports only util). Producers check {@link Emitter.observed} before building an
 * event so that nobody pays for an event object nobody listens to.
 */
import { Subject, type Observable } from 'rxjs';
import { GuardedObservable } from '../util/guarded-observable.ts';

/** The code of the warning raised the first time a listener or subscriber of an Emitter throws. */
export const LISTENER_ERROR_WARNING = 'PLEXUS_LISTENER_ERROR';

/**
 * A registration that can be released (a listener, a rule): `dispose()` is safe to call twice,
 * and it is a standard `Disposable`, so `using` releases it at the end of a block.
 */
export interface DisposableHandle extends Disposable {
  /** Releases the registration; later calls do nothing. */
  dispose(): void;
}

/** Builds a {@link DisposableHandle} around a release function that runs at most once. */
export function disposable(release: () => void): DisposableHandle {
  let done = false;
  const dispose = (): void => {
    if (done) return;
    done = true;
    release();
  };
  return { dispose, [Symbol.dispose]: dispose };
}

/**
 * A typed event channel: listeners plus an Observable, completed by `complete()`. A listener
 * or subscriber that throws must neither break the component that emits (a breaker
 * mid-transition) nor end the process (RxJS, and a rethrow on a microtask, would make it an
 * uncaught exception): its error is caught and counted (`listenerErrors`), and the first one
 * of each emitter is reported with `process.emitWarning` (code {@link LISTENER_ERROR_WARNING}).
 */
export class Emitter<T> {
  // Copy-on-write so that a listener disposing itself during emit cannot skip a neighbour.
  #listeners: ReadonlyArray<(value: T) => void> = [];
  readonly #subject = new Subject<T>();
  #closed = false;
  #listenerErrors = 0;
  /** The events as an Observable (completes when the owner is disposed); subscribers' errors are caught. */
  readonly observable: Observable<T>;

  constructor() {
    const subject = this.#subject;
    this.observable = new GuardedObservable<T>(
      (e) => this.#caught(e),
      (subscriber) => subject.subscribe(subscriber),
    );
  }

  /** Errors thrown by listeners and subscribers so far (caught). */
  get listenerErrors(): number {
    return this.#listenerErrors;
  }

  /** True when someone listens: build the event only then. */
  get observed(): boolean {
    return this.#listeners.length > 0 || this.#subject.observed;
  }

  /** Adds a listener; returns a handle that removes it. */
  on(listener: (value: T) => void): DisposableHandle {
    if (this.#closed) return disposable(() => undefined);
    this.#listeners = [...this.#listeners, listener];
    return disposable(() => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    });
  }

  /** Delivers `value` to every listener and subscriber; their errors are caught (see the class). */
  emit(value: T): void {
    if (this.#closed) return;
    for (const l of this.#listeners) {
      try {
        l(value);
      } catch (e) {
        this.#caught(e);
      }
    }
    this.#subject.next(value);
  }

  /** Completes the Observable and drops the listeners; safe to call twice. */
  complete(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners = [];
    this.#subject.complete();
  }

  #caught(error: unknown): void {
    if (this.#listenerErrors++ > 0) return;
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(`a listener or subscriber of a Plexus event source threw (caught; later errors of this source are only counted): ${message}`, {
      type: 'PlexusWarning',
      code: LISTENER_ERROR_WARNING,
    });
  }
}

/**
 * One source of events offered two ways: `on(listener) → Disposable` and an RxJS Observable.
 * Leaf file. Producers check {@link Emitter.observed} before building an event so that nobody
 * pays for an event object nobody listens to.
 */
import { Subject, type Observable } from 'rxjs';

/** Something that can be released; `dispose()` is safe to call twice. Works with `using`. */
export interface Disposable {
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Builds a {@link Disposable} around a release function that runs at most once. */
export function disposable(release: () => void): Disposable {
  let done = false;
  const dispose = (): void => {
    if (done) return;
    done = true;
    release();
  };
  return { dispose, [Symbol.dispose]: dispose };
}

/** A typed event channel: listeners plus an Observable, completed by `complete()`. */
export class Emitter<T> {
  // Copy-on-write so that a listener disposing itself during emit cannot skip a neighbour.
  #listeners: ReadonlyArray<(value: T) => void> = [];
  readonly #subject = new Subject<T>();
  #closed = false;
  /** The events as an Observable (completes when the owner is disposed). */
  readonly observable: Observable<T> = this.#subject.asObservable();

  /** True when someone listens: build the event only then. */
  get observed(): boolean {
    return this.#listeners.length > 0 || this.#subject.observed;
  }

  /** Adds a listener; returns a handle that removes it. */
  on(listener: (value: T) => void): Disposable {
    if (this.#closed) return disposable(() => undefined);
    this.#listeners = [...this.#listeners, listener];
    return disposable(() => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    });
  }

  /**
   * Delivers `value` to every listener and subscriber. A throwing listener must not break the
   * component that emits (a breaker mid-transition), so its error is re-thrown on a later
   * microtask, where Node reports it like any uncaught error.
   */
  emit(value: T): void {
    if (this.#closed) return;
    for (const l of this.#listeners) {
      try {
        l(value);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
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
}

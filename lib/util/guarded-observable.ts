import { Observable, Subscriber, type Observer, type Operator, type Subscription, type TeardownLogic } from 'rxjs';

/** Told of every error a subscriber's callback throws (`event`: the value it was handling, if any). */
export type SubscriberErrorSink = (error: unknown, event: unknown) => void;

/**
 * An Observable whose subscribers' callbacks cannot throw into RxJS. RxJS reports a throwing
 * `next` through `config.onUnhandledError`, or rethrows it from a `setTimeout`: an uncaught
 * exception that ends the process, and every queued signal with it. `config` is global, so it
 * is not ours to take; instead each observer handed to `subscribe` is wrapped in try/catch and
 * its errors go to `sink`. `lift` keeps the class through `pipe`, so a subscriber of
 * `events$.pipe(filter(...))` is guarded too, and an operator that throws (its error arrives
 * as an `error` notification) is reported when the subscriber has no `error` callback of its
 * own. Not guarded: observables built around this one by creation functions (`merge`,
 * `combineLatest`, ...), whose subscribers RxJS wraps itself.
 */
export class GuardedObservable<T> extends Observable<T> {
  readonly #sink: SubscriberErrorSink;

  constructor(sink: SubscriberErrorSink, subscribe?: (this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic) {
    super(subscribe);
    this.#sink = sink;
  }

  /** Keeps the guard on every observable piped from this one (RxJS operators call `lift`). */
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new GuardedObservable<R>(this.#sink);
    lifted.source = this;
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null, error?: ((error: unknown) => void) | null, complete?: (() => void) | null): Subscription {
    // A Subscriber is RxJS's own plumbing (an operator subscribing to its source): pass it on.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    return super.subscribe(guard(this.#sink, observerOrNext, error, complete));
  }
}

/** A subscriber's own callbacks, any of them missing. */
interface Callbacks<T> {
  next?: ((value: T) => void) | undefined;
  error?: ((error: unknown) => void) | undefined;
  complete?: (() => void) | undefined;
}

function guard<T>(
  sink: SubscriberErrorSink,
  observerOrNext: Partial<Observer<T>> | ((value: T) => void) | null | undefined,
  error: ((error: unknown) => void) | null | undefined,
  complete: (() => void) | null | undefined,
): Observer<T> {
  const observer: Callbacks<T> =
    typeof observerOrNext === 'function'
      ? { next: observerOrNext, error: error ?? undefined, complete: complete ?? undefined }
      : (observerOrNext ?? { error: error ?? undefined, complete: complete ?? undefined });
  return {
    next(value) {
      try {
        observer.next?.(value);
      } catch (e) {
        sink(e, value);
      }
    },
    error(err) {
      try {
        if (observer.error === undefined) sink(err, undefined);
        else observer.error(err);
      } catch (e) {
        sink(e, undefined);
      }
    },
    complete() {
      try {
        observer.complete?.();
      } catch (e) {
        sink(e, undefined);
      }
    },
  };
}

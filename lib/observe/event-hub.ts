import { Subject, type Observable } from 'rxjs';
import type { Clock } from '../util/clock.ts';
import { toErrorInfo } from '../util/errors.ts';
import type { NetworkEvent } from './events.ts';
import { GuardedObservable } from '../util/guarded-observable.ts';

/**
 * The network's event stream. Emitters check `observed` before building an event, so a network
 * that nobody watches allocates nothing for events.
 *
 * A subscriber that throws cannot hurt the network or the other subscribers (see
 * GuardedObservable): its error is counted (`subscriberErrors`) and told to the subscribers as
 * a `subscriber-error` event once the event being delivered has reached all of them. A
 * subscriber that throws on a `subscriber-error` event is counted only, so that two of them
 * cannot feed each other forever.
 */
export class EventHub {
  readonly #subject = new Subject<NetworkEvent>();
  readonly #clock: Clock;
  /** Every event, as an Observable whose subscribers' errors are caught. */
  readonly events$: Observable<NetworkEvent>;
  #subscriberErrors = 0;
  /** Errors caught during the delivery under way, told once it is over. */
  #pending: { error: unknown; event: unknown }[] | undefined;
  #reporting = false;

  constructor(clock: Clock) {
    this.#clock = clock;
    const subject = this.#subject;
    this.events$ = new GuardedObservable<NetworkEvent>(
      (error, event) => this.#caught(error, event),
      (subscriber) => subject.subscribe(subscriber),
    );
  }

  /** True when someone subscribes (cheap: read it before building an event). */
  get observed(): boolean {
    return this.#subject.observed;
  }

  /** Errors thrown by subscribers so far (each also a `subscriber-error` event). */
  get subscriberErrors(): number {
    return this.#subscriberErrors;
  }

  emit(event: NetworkEvent): void {
    this.#subject.next(event);
    if (this.#pending !== undefined) this.#report();
  }

  /** Ends the stream (subscribers get `complete`). Safe to call twice. */
  complete(): void {
    this.#subject.complete();
    this.#pending = undefined; // nobody is left to tell: the errors stay counted
  }

  #caught(error: unknown, event: unknown): void {
    this.#subscriberErrors++;
    if (this.#reporting) return;
    (this.#pending ??= []).push({ error, event });
  }

  #report(): void {
    const caught = this.#pending!;
    this.#pending = undefined;
    this.#reporting = true;
    try {
      for (const { error, event } of caught) {
        const eventKind = (event as NetworkEvent | undefined)?.kind;
        this.#subject.next({ kind: 'subscriber-error', at: this.#clock.now(), eventKind, error: toErrorInfo(error) });
      }
    } finally {
      this.#reporting = false;
    }
  }
}

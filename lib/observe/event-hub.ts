import { Subject, type Observable } from 'rxjs';
import type { NetworkEvent } from './events.ts';

/**
 * The network's event stream. Emitters check `observed` before building an event, so a network
 * that nobody watches allocates nothing for events.
 */
export class EventHub {
  readonly #subject = new Subject<NetworkEvent>();
  /** Every event, as an Observable. */
  readonly events$: Observable<NetworkEvent> = this.#subject.asObservable();

  /** True when someone subscribes (cheap: read it before building an event). */
  get observed(): boolean {
    return this.#subject.observed;
  }

  emit(event: NetworkEvent): void {
    this.#subject.next(event);
  }

  /** Ends the stream (subscribers get `complete`). Safe to call twice. */
  complete(): void {
    this.#subject.complete();
  }
}

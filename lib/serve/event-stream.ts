/**
 * `/events`: the network's event stream as Server-Sent Events, one `data:` line of JSON per
 * event, filtered by the query (`kind`, `node`, `correlationId`; each may repeat or list values
 * separated by commas). Each client has a bounded buffer: once it leaves more than
 * `eventBufferBytes` unsent, its connection is cut (the network never waits for a reader).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import type { NetworkEvent } from '../observe/events.ts';

/** Which events a client asked for; an absent key lets every value through. */
export interface EventFilter {
  readonly kinds: ReadonlySet<string> | undefined;
  readonly nodes: ReadonlySet<string> | undefined;
  readonly correlationIds: ReadonlySet<string> | undefined;
}

/** The filter a request's query names. */
export function parseEventFilter(query: URLSearchParams): EventFilter {
  return { kinds: valuesOf(query, 'kind'), nodes: valuesOf(query, 'node'), correlationIds: valuesOf(query, 'correlationId') };
}

function valuesOf(query: URLSearchParams, key: string): ReadonlySet<string> | undefined {
  const values = query
    .getAll(key)
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  return values.length === 0 ? undefined : new Set(values);
}

/** True when `event` passes `filter`. Events without a node or correlation id pass only filters that do not name one. */
export function matchesFilter(event: NetworkEvent, filter: EventFilter): boolean {
  if (filter.kinds !== undefined && !filter.kinds.has(event.kind)) return false;
  if (filter.nodes !== undefined) {
    const node = 'node' in event ? event.node : undefined;
    if (node === undefined || !filter.nodes.has(node)) return false;
  }
  if (filter.correlationIds !== undefined) {
    const correlationId = 'correlationId' in event ? event.correlationId : undefined;
    if (correlationId === undefined || !filter.correlationIds.has(correlationId)) return false;
  }
  return true;
}

/** Errors in events (a failure's cause) as their name, message and code: JSON.stringify would write `{}`. */
function eventReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}

/** What the server tells a stream about its clients. */
export interface EventStreamHooks {
  /** A client was cut off because its buffer overflowed. */
  readonly onDropped: () => void;
  /** The client's stream ended (any reason). */
  readonly onEnded: () => void;
}

/**
 * Streams `events$` to one client until it disconnects, overflows its buffer, or the stream
 * completes (the network shut down). Returns a function that ends the stream.
 */
export function streamEvents(events$: Observable<NetworkEvent>, request: IncomingMessage, response: ServerResponse, bufferBytes: number, hooks: EventStreamHooks): () => void {
  const filter = parseEventFilter(new URL(request.url ?? '/', 'http://localhost').searchParams);
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let ended = false;
  let subscription: { unsubscribe(): void } | undefined;
  const end = (dropped: boolean): void => {
    if (ended) return;
    ended = true;
    subscription?.unsubscribe();
    if (dropped) {
      // Cut at once: end() would wait for the unread bytes to drain, which is what a slow client does not do.
      response.destroy();
      hooks.onDropped();
    } else {
      response.end();
    }
    hooks.onEnded();
  };
  subscription = events$.subscribe({
    next: (event) => {
      if (ended || !matchesFilter(event, filter)) return;
      response.write(`data: ${JSON.stringify(event, eventReplacer)}\n\n`);
      if (response.writableLength > bufferBytes) end(true);
    },
    complete: () => end(false),
  });
  // The stream had already completed (the network shut down): the subscription came back closed.
  if (ended) subscription.unsubscribe();
  response.on('close', () => end(false));
  // A comment line at once: the client knows it is subscribed (and proxies see the stream start).
  if (!ended) response.write(': connected\n\n');
  return () => end(false);
}

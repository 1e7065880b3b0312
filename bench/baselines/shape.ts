/**
 * Builds the pipeline shapes (single, pipeline, fan-out/fan-in, N nodes) from any node
 * implementation, with the same async handlers: the sink does `sink += payload.n`; forwarders
 * pass the signal on.
 */
import type { Tracker } from '../tracker.ts';
import type { Draft, System, SystemOptions } from '../types.ts';

export type Handler = (s: Draft) => Promise<void>;

export interface BaseNode {
  post(s: Draft): boolean;
  close?(): void;
}

export type NodeMaker = (handler: Handler, partitions: number, capacity: number) => BaseNode;

export function buildShape(o: SystemOptions, tr: Tracker, make: NodeMaker): System {
  const all: BaseNode[] = [];
  const node = (h: Handler): BaseNode => {
    const n = make(h, o.partitions, o.capacity);
    all.push(n);
    return n;
  };
  const sinkHandler: Handler = async (s) => {
    tr.done(s.payload);
  };
  let entries: BaseNode[];
  if (o.shape === 'single') {
    entries = [node(sinkHandler)];
  } else if (o.shape === 'pipeline') {
    const sink = node(sinkHandler);
    const worker = node(async (s) => {
      sink.post(s);
    });
    entries = [
      node(async (s) => {
        worker.post(s);
      }),
    ];
  } else if (o.shape === 'fanout') {
    const sink = node(sinkHandler);
    const workers = Array.from({ length: o.width }, () =>
      node(async (s) => {
        sink.post(s);
      }),
    );
    entries = [
      node(async (s) => {
        for (const w of workers) w.post(s);
      }),
    ];
  } else {
    entries = Array.from({ length: o.width }, () => node(sinkHandler));
  }
  const count = entries.length;
  const first = entries[0] as BaseNode;
  return {
    post: count === 1 ? (d) => first.post(d) : (d, i) => (entries[i % count] as BaseNode).post(d),
    async close() {
      for (const n of all) n.close?.();
    },
  };
}

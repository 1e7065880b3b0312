/**
 * Moleculer 0.14, in process (no transporter): one local service per node of the shape, whose
 * action and whose event handler both run the same async handler as every other system. The sink
 * does `sink += payload.n`; a forwarder passes the signal on, not awaited, as `ctx.emit` does in
 * Plexus. `moleculer-call` reaches each node with a call (`broker.call('sink.handle', draft)`, a
 * forwarder `ctx.call(next + '.handle', params)`), `moleculer-emit` with an event
 * (`broker.emit('sink.in', draft)`, a forwarder `ctx.emit(next + '.in', params)`). Metrics and
 * tracing are off; the logger is off too so that its start-up lines do not interleave with the
 * table; everything else is Moleculer's defaults. Shapes: single, pipeline, fan-out.
 */
import type { Sys } from '../measure.ts';
import { loadPeer } from '../peers.ts';
import type { Draft, Factory, SystemOptions } from '../types.ts';

/** The little of Moleculer's API the bench uses (typed here so the root typecheck needs no install). */
export interface Broker {
  createService(schema: object): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  call(action: string, params: unknown): Promise<unknown>;
  emit(event: string, payload: unknown): Promise<unknown> | unknown;
  waitForServices(names: string | string[], timeoutMs?: number): Promise<unknown>;
}
/** What an action or event handler receives. */
interface MolCtx {
  params: Draft;
  call(action: string, params: Draft): Promise<unknown>;
  emit(event: string, params: Draft): Promise<unknown> | unknown;
}
export interface MoleculerModule {
  ServiceBroker: new (options: object) => Broker;
}

export type Via = 'call' | 'emit';

const ignore = (): void => {};

/** Passes a signal to node `to` the way `via` reaches nodes, without waiting for it. */
function pass(via: Via, ctx: MolCtx, to: string): void {
  if (via === 'call') ctx.call(to + '.handle', ctx.params).catch(ignore);
  else void ctx.emit(to + '.in', ctx.params);
}

/** One service per node: `handle` both as its action and as its event `<name>.in`. */
function service(broker: Broker, name: string, handle: (ctx: MolCtx) => Promise<void>): void {
  broker.createService({ name, actions: { handle }, events: { [name + '.in']: handle } });
}

/** The services of a shape; returns the entry node's name. */
function buildShape(broker: Broker, o: SystemOptions, via: Via, sink: (ctx: MolCtx) => Promise<void>): string {
  const forward =
    (to: string) =>
    async (ctx: MolCtx): Promise<void> => {
      pass(via, ctx, to);
    };
  service(broker, 'sink', sink);
  if (o.shape === 'single') return 'sink';
  if (o.shape === 'pipeline') {
    service(broker, 'worker', forward('sink'));
    service(broker, 'producer', forward('worker'));
    return 'producer';
  }
  if (o.shape === 'fanout') {
    const ws = Array.from({ length: o.width }, (_, i) => 'w' + i);
    for (const w of ws) service(broker, w, forward('sink'));
    service(broker, 'source', async (ctx) => {
      for (const w of ws) pass(via, ctx, w);
    });
    return 'source';
  }
  throw new Error(`the Moleculer peer is not measured on the ${o.shape} shape`);
}

/** The broker options the bench uses: Moleculer's defaults less metrics, tracing and logging. */
export const brokerOptions = (nodeID: string, extra: object = {}): object => ({ nodeID, logger: false, metrics: false, tracing: false, ...extra });

function factory(mod: MoleculerModule, via: Via): Factory {
  return async (o, tr) => {
    const broker = new mod.ServiceBroker(brokerOptions('bench-' + via));
    const entry = buildShape(broker, o, via, async (ctx) => {
      tr.done(ctx.params.payload);
    });
    await broker.start();
    const action = entry + '.handle';
    const event = entry + '.in';
    return {
      post:
        via === 'call'
          ? (d) => {
              broker.call(action, d).catch(ignore);
              return true;
            }
          : (d) => {
              void broker.emit(event, d);
              return true;
            },
      close: () => broker.stop(),
    };
  };
}

/** Moleculer's module from bench/node_modules, or why not. */
export async function moleculerModule(): Promise<MoleculerModule | { skipped: string }> {
  const loaded = await loadPeer('moleculer');
  if ('skipped' in loaded) return loaded;
  return ((loaded.module as { default?: MoleculerModule }).default ?? loaded.module) as MoleculerModule;
}

/** The two Moleculer systems, or both skipped with the reason. */
export async function loadMoleculer(): Promise<Sys[]> {
  const mod = await moleculerModule();
  if ('skipped' in mod)
    return [
      { name: 'moleculer-call', factory: undefined, na: mod.skipped },
      { name: 'moleculer-emit', factory: undefined, na: mod.skipped },
    ];
  return [
    { name: 'moleculer-call', factory: factory(mod, 'call') },
    { name: 'moleculer-emit', factory: factory(mod, 'emit') },
  ];
}

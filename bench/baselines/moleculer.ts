/**
 * Moleculer 0.14, in process (no transporter): one local service whose action and whose event
 * handler both await the same async sink handler as every other system. `moleculer-call` sends
 * each signal with `broker.call('sink.handle', draft)`, `moleculer-emit` with
 * `broker.emit('signal', draft)`. Metrics and tracing are off; the logger is off too so that its
 * start-up lines do not interleave with the table; everything else is Moleculer's defaults.
 */
import type { Sys } from '../measure.ts';
import { loadPeer } from '../peers.ts';
import type { Draft, Factory } from '../types.ts';

/** The little of Moleculer's API the bench uses (typed here so the root typecheck needs no install). */
interface Broker {
  createService(schema: object): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  call(action: string, params: Draft): Promise<unknown>;
  emit(event: string, payload: Draft): Promise<unknown> | unknown;
}
interface MoleculerModule {
  ServiceBroker: new (options: object) => Broker;
}

const ignore = (): void => {};

function factory(mod: MoleculerModule, via: 'call' | 'emit'): Factory {
  return async (o, tr) => {
    if (o.shape !== 'single') throw new Error('the Moleculer peer is measured on the single-node shape only');
    const broker = new mod.ServiceBroker({ nodeID: 'bench-' + via, logger: false, metrics: false, tracing: false });
    const sink = async (s: Draft): Promise<void> => {
      tr.done(s.payload);
    };
    broker.createService({
      name: 'sink',
      actions: { handle: (ctx: { params: Draft }) => sink(ctx.params) },
      events: { signal: (ctx: { params: Draft }) => sink(ctx.params) },
    });
    await broker.start();
    return {
      post:
        via === 'call'
          ? (d) => {
              broker.call('sink.handle', d).catch(ignore);
              return true;
            }
          : (d) => {
              void broker.emit('signal', d);
              return true;
            },
      close: () => broker.stop(),
    };
  };
}

/** The two Moleculer systems, or both skipped with the reason. */
export async function loadMoleculer(): Promise<Sys[]> {
  const loaded = await loadPeer('moleculer');
  if ('skipped' in loaded)
    return [
      { name: 'moleculer-call', factory: undefined, na: loaded.skipped },
      { name: 'moleculer-emit', factory: undefined, na: loaded.skipped },
    ];
  const mod = ((loaded.module as { default?: MoleculerModule }).default ?? loaded.module) as MoleculerModule;
  return [
    { name: 'moleculer-call', factory: factory(mod, 'call') },
    { name: 'moleculer-emit', factory: factory(mod, 'emit') },
  ];
}

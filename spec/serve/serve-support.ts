/** Helpers for the HTTP endpoint specs: a served network on a virtual clock, an SSE reader. */
import { createNetworkServer, type NetworkEvent, type NetworkOptions, type NetworkServerOptions } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

/** A network on a virtual clock with fixed event-loop and memory readings (so its health depends on the spec only), and its server on a free port. */
export async function servedNetwork(serverOptions: NetworkServerOptions = {}, options: NetworkOptions = {}) {
  const { net, clock } = testNetwork({
    journal: false,
    health: { intervalMs: 1_000, timeoutMs: 100, readEventLoopLagMs: () => 0, readHeapUsed: () => 100, heapLimitBytes: 1_000 },
    ...options,
  });
  const server = await createNetworkServer(net, { port: 0, ...serverOptions });
  return { net, clock, server };
}

/**
 * An `/events` stream read through fetch. `readUntil` reads until `done()` holds or the stream
 * ends: a bounded wait on data, never on time (mocha's timeout bounds a stream that stays silent).
 */
export async function openEvents(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: NetworkEvent[] = [];
  let pending = '';
  let connected = false;
  let ended = false;
  async function readUntil(done: () => boolean): Promise<boolean> {
    while (!done()) {
      if (ended) return false;
      const chunk = await reader.read();
      if (chunk.done) {
        ended = true;
        return done();
      }
      pending += decoder.decode(chunk.value, { stream: true });
      for (let cut = pending.indexOf('\n\n'); cut >= 0; cut = pending.indexOf('\n\n')) {
        const block = pending.slice(0, cut);
        pending = pending.slice(cut + 2);
        if (block.startsWith(': connected')) connected = true;
        for (const line of block.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice('data: '.length)) as NetworkEvent);
      }
    }
    return true;
  }
  await readUntil(() => connected);
  return {
    response,
    events,
    readUntil,
    get ended() {
      return ended;
    },
    cancel: () => reader.cancel(),
  };
}

import { Network } from './network.ts';
import type { NetworkOptions } from './network-options.ts';

/**
 * Creates a network in this process, on the embedded defaults unless told otherwise.
 *
 * @example
 * ```ts
 * await using net = createNetwork({ name: 'telemetry' });
 * net.node('store', { async handle(signal) { await db.write(signal.payload); } });
 * await net.start();
 * await net.send('store', { type: 'reading', payload: { t: 21.5 }, partitionKey: 'sensor-7' });
 * ```
 */
export function createNetwork(options: NetworkOptions = {}): Network {
  return new Network(options);
}

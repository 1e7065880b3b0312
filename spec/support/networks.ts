import { createNetwork, type NetworkOptions } from '../../lib/index.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

/** A network on a virtual clock, for specs. */
export function testNetwork(options: NetworkOptions = {}) {
  const clock = new VirtualClock();
  const net = createNetwork({ name: 'spec', clock, ...options });
  return { net, clock };
}

/**
 * Shared set-up of the reliability specs: a network on virtual time and a way to run it until
 * nothing is left to do, failing loudly (with the counts) if it gets stuck.
 */
import { createNetwork, type Network, type NetworkOptions } from '../../lib/index.ts';
import { VirtualClock, flushMicrotasks } from '../../lib/testing/index.ts';

/** A network on a fresh virtual clock. */
export function virtualNetwork(options: Omit<NetworkOptions, 'clock'> = {}): { net: Network; clock: VirtualClock } {
  const clock = new VirtualClock();
  const net = createNetwork({ name: 'rel', ...options, clock });
  return { net, clock };
}

/**
 * Advances the clock timer by timer until the network has nothing active (queued, in flight,
 * waiting for a retry or a breaker). Throws when work remains but no timer could move it:
 * that is a stuck network, which is exactly what these specs want to catch.
 */
export async function settle(net: Network, clock: VirtualClock, maxSteps = 1_000_000): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await flushMicrotasks();
    if (net.counts().active === 0) return;
    const next = clock.nextDue();
    if (next === undefined) {
      await flushMicrotasks();
      if (net.counts().active === 0) return;
      throw new Error(`network stuck: ${net.counts().active} signals active and no timer pending; counts ${JSON.stringify(net.counts())}`);
    }
    await clock.advance(Math.max(0, next - clock.now()));
  }
  throw new Error(`network did not settle in ${maxSteps} timer steps; counts ${JSON.stringify(net.counts())}`);
}

/** Reads an environment seed, or the fixed default, and says which one is in use. */
export function seedFromEnv(fallback: number): number {
  const raw = process.env['PLEXUS_SEED'];
  const seed = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`PLEXUS_SEED must be an integer, got ${raw}`);
  return seed;
}

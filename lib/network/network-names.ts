/**
 * The names of the networks running in this process. Two networks of one name in one process
 * are most likely a mistake: with a transport they consume each other's streams (the name is
 * the stream's), and their metrics carry the same `network` label. Refusing the second would
 * break the common test pattern of many short-lived networks with the default name, so the
 * second one to start gets a warning (`process.emitWarning`, code
 * {@link DUPLICATE_NETWORK_NAME_WARNING}), once per name per process. A network frees its name
 * when its shutdown ends.
 */
const running = new Map<string, number>();
const warned = new Set<string>();

/** The code of the warning a second running network of one name raises. */
export const DUPLICATE_NETWORK_NAME_WARNING = 'PLEXUS_DUPLICATE_NETWORK_NAME';

/** A network named `name` starts running. */
export function claimNetworkName(name: string): void {
  const before = running.get(name) ?? 0;
  running.set(name, before + 1);
  if (before === 0 || warned.has(name)) return;
  warned.add(name);
  process.emitWarning(
    `${before + 1} networks named ${JSON.stringify(name)} are running in this process: with a transport they consume each other's streams, and their metrics share one network label. Give each its own name (createNetwork({ name })).`,
    { type: 'PlexusWarning', code: DUPLICATE_NETWORK_NAME_WARNING },
  );
}

/** A network named `name` stopped running (its shutdown ended, or its start failed). */
export function releaseNetworkName(name: string): void {
  const before = running.get(name) ?? 0;
  if (before <= 1) running.delete(name);
  else running.set(name, before - 1);
}

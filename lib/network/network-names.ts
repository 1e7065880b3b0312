/**
 * The names of the networks running in this process. Two networks of one name in one process
 * are more often a mistake than a plan: their metrics, events and audit entries carry the same
 * `network` label, and with a transport they share its stream and, for nodes of the same name,
 * its consumers (the way processes of one network do, which in-process tests of a transport
 * simulate on purpose). Refusing the second would break those tests and the common pattern of
 * many short-lived networks with the default name, so the second one to start gets a warning
 * (`process.emitWarning`, code {@link DUPLICATE_NETWORK_NAME_WARNING}), once per name per
 * process. A network frees its name when its shutdown ends.
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
    `${before + 1} networks named ${JSON.stringify(name)} are running in this process: their metrics and events share one network label, and with a transport they share its stream (and the consumers of nodes of one name). Unless that is meant, give each its own name: createNetwork({ name }).`,
    { type: 'PlexusWarning', code: DUPLICATE_NETWORK_NAME_WARNING },
  );
}

/** A network named `name` stopped running (its shutdown ended, or its start failed). */
export function releaseNetworkName(name: string): void {
  const before = running.get(name) ?? 0;
  if (before <= 1) running.delete(name);
  else running.set(name, before - 1);
}

/**
 * The names of the networks without a transport running in this process. Two such networks of
 * one name are more often a mistake than a plan: their metrics, events and audit entries carry
 * the same `network` label and cannot be told apart. Refusing the second would break the common
 * test pattern of many short-lived networks with the default name, so the second one to start
 * gets a warning (`process.emitWarning`, code {@link DUPLICATE_NETWORK_NAME_WARNING}), once per
 * name per process. A network frees its name when its shutdown ends. Networks with a transport
 * are left out: for them the shared name is the point (it names the stream that the processes
 * of one network share, and in-process tests of a transport run two such networks on purpose).
 */
const running = new Map<string, number>();
const warned = new Set<string>();

/** The code of the warning a second running network of one name raises. */
export const DUPLICATE_NETWORK_NAME_WARNING = 'PLEXUS_DUPLICATE_NETWORK_NAME';

/** A network named `name` starts running; the function returned frees the name (at most once). */
export function claimNetworkName(name: string): () => void {
  const before = running.get(name) ?? 0;
  running.set(name, before + 1);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    releaseNetworkName(name);
  };
  if (before === 0 || warned.has(name)) return release;
  warned.add(name);
  process.emitWarning(
    `${before + 1} networks named ${JSON.stringify(name)} are running in this process: their metrics, events and audit entries share one network label and cannot be told apart. Give each its own name: createNetwork({ name }).`,
    { type: 'PlexusWarning', code: DUPLICATE_NETWORK_NAME_WARNING },
  );
  return release;
}

/** A network named `name` stopped running (its shutdown ended, or its start failed). */
function releaseNetworkName(name: string): void {
  const before = running.get(name) ?? 0;
  if (before <= 1) running.delete(name);
  else running.set(name, before - 1);
}

/*
 * One name, one thing: a network's nodes, remote nodes, protected operations and failover groups
 * share one space of names, since `post(name, …)` and `protect(name, …)` must find exactly one of
 * them. Every method that adds a name asks here first.
 */
import { LifecycleError } from './errors.ts';

/** What a name of a network can stand for. */
export type NameKind = 'node' | 'remote node' | 'operation' | 'failover group';

/** Where a network keeps each kind of name. */
export interface NetworkNames {
  readonly nodes: ReadonlyMap<string, unknown>;
  readonly remotes: ReadonlySet<string>;
  isOperation(name: string): boolean;
  isFailoverGroup(name: string): boolean;
}

/** The kind `name` stands for in the network already, or `undefined` when it is free. */
function kindOfName(names: NetworkNames, name: string): NameKind | undefined {
  if (names.nodes.has(name)) return 'node';
  if (names.remotes.has(name)) return 'remote node';
  if (names.isOperation(name)) return 'operation';
  if (names.isFailoverGroup(name)) return 'failover group';
  return undefined;
}

/** Throws LifecycleError when `name` already stands for something in the network (`adding`: what the caller adds). */
export function refuseTakenName(names: NetworkNames, name: string, adding: NameKind): void {
  const taken = kindOfName(names, name);
  if (taken === undefined) return;
  const which = taken === adding ? `${article(adding)} ${adding} named ${JSON.stringify(name)} already exists` : `${JSON.stringify(name)} is already ${article(taken)} ${taken} name`;
  throw new LifecycleError(`cannot add ${adding} ${JSON.stringify(name)}: ${which} (nodes, remote nodes, operations and failover groups share one space of names)`);
}

function article(kind: NameKind): 'a' | 'an' {
  return kind === 'operation' ? 'an' : 'a';
}

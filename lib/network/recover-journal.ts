/* A durable journal's recovery at network start: dead letters, idempotency keys, pending signals. */
import type { DeadLetterStore } from '../delivery/dead-letter-queue.ts';
import type { Journal } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Signal } from '../signal/signal.ts';
import type { KeptState } from '../delivery/journal.ts';

/** What a durable journal's last run left open, read but not yet applied. */
export interface Recovery {
  /** The signals accepted and never settled, to deliver again once the router is open. */
  readonly pending: readonly Signal[];
  /** Restores the dead letters and idempotency keys; synchronous, run once the start cannot fail. */
  restore(): void;
}

/**
 * Reads what the journal's last run left open. `restore()` then brings back, before the network
 * takes any signal: the dead letter queue (entries as they were: error, reason, attempts), and
 * the idempotency keys each node saw within its dedup window, so that a producer sending again
 * after a crash hears `duplicate` (a key seen at time `at` is admitted as at `at`: the window
 * forgets it when it would have). The keys of the pending signals are admitted as of `now`:
 * they are being delivered again now. Reading and restoring are apart so that a start that
 * fails after the read (a transport that cannot connect) changes nothing, and a later start
 * reads again without restoring anything twice. The pending signals skip deduplication when
 * delivered: their keys are the ones just admitted. `restoreStates` takes the states parts
 * kept (see `Journal.keepState`). A journal without `recover` gives its pending signals only.
 */
export async function recoverJournal(
  journal: Journal,
  dlq: DeadLetterStore,
  nodes: ReadonlyMap<string, NodeRuntime>,
  now: () => number,
  restoreStates: (states: readonly KeptState[]) => void = () => undefined,
): Promise<Recovery> {
  if (journal.recover === undefined) return { pending: await journal.pending(), restore: () => undefined };
  const { pending, deadLetters, keys, states } = await journal.recover();
  return {
    pending,
    restore() {
      for (const k of keys) nodes.get(k.node)?.config.dedup?.admit(k.key, k.at);
      const at = now();
      for (const s of pending) if (s.idempotencyKey !== s.id) nodes.get(s.target)?.config.dedup?.admit(s.idempotencyKey, at);
      // Not counted as dead-lettered: the counts are this run's, and these were not accepted in it.
      for (const entry of deadLetters) dlq.add(entry);
      // The kept states of control-plane parts (a failover group's active member and trail).
      restoreStates(states ?? []);
    },
  };
}

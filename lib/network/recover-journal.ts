/* A durable journal's recovery at network start: dead letters, idempotency keys, pending signals. */
import type { DeadLetterStore } from '../delivery/dead-letter-queue.ts';
import type { Journal } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Signal } from '../signal/signal.ts';

/**
 * Reads what the journal's last run left open and restores, before the network takes any
 * signal: the dead letter queue (entries as they were: error, reason, attempts), and the
 * idempotency keys each node saw within its dedup window, so that a producer sending again
 * after a crash hears `duplicate` (a key seen at time `at` is admitted as at `at`: the window
 * forgets it when it would have). The keys of the pending signals are admitted as of `now`:
 * they are being delivered again now. Returns the pending signals, for the caller to deliver
 * once the router is open (they skip deduplication: their keys are the ones just admitted).
 * A journal without `recover` gives its pending signals only.
 */
export async function recoverJournal(journal: Journal, dlq: DeadLetterStore, nodes: ReadonlyMap<string, NodeRuntime>, now: () => number): Promise<Signal[]> {
  if (journal.recover === undefined) return journal.pending();
  const { pending, deadLetters, keys } = await journal.recover();
  for (const k of keys) nodes.get(k.node)?.config.dedup?.admit(k.key, k.at);
  const at = now();
  for (const s of pending) if (s.idempotencyKey !== s.id) nodes.get(s.target)?.config.dedup?.admit(s.idempotencyKey, at);
  // Not counted as dead-lettered: the counts are this run's, and these were not accepted in it.
  for (const entry of deadLetters) dlq.add(entry);
  return pending;
}

/*
 * `network.replay`: reading completed signals back from the journal and, on request, sending
 * them again. Its own file because it is the one network method that works from the journal's
 * history rather than from live signals.
 */
import type { Journal, JournalQuery } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Signal } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import type { Clock } from '../util/clock.ts';
import { LifecycleError } from './errors.ts';
import { resend } from './journal-hooks.ts';
import type { Receipt } from './receipt.ts';
import type { Router } from './router.ts';

/** What `network.replay` finds, and the receipts when it re-sent them. */
export interface ReplayResult {
  readonly signals: readonly Signal[];
  readonly receipts: readonly Receipt[];
}

/** What a replay reads from and re-sends through. */
export interface ReplaySource {
  /** The network's journal; `undefined` (journal: false) makes every replay reject. */
  readonly journal: Journal | undefined;
  readonly router: Router;
  readonly nodes: ReadonlyMap<string, NodeRuntime>;
  readonly clock: Clock;
  readonly limits: PayloadLimits;
}

/**
 * The journaled signals matching `query`; with `resend: true` each is sent again as a new signal
 * caused by the original (see `resend`). Rejects with LifecycleError when there is no journal.
 */
export async function replayJournal(source: ReplaySource, query: JournalQuery & { resend?: boolean }): Promise<ReplayResult> {
  const { journal, router, nodes, clock, limits } = source;
  if (journal === undefined) throw new LifecycleError('replay needs a journal, and this network has none (journal: false)');
  const signals = await journal.query(query);
  const receipts = query.resend === true ? signals.map((s) => resend(s, router, nodes, clock.now(), limits)) : [];
  return { signals, receipts };
}

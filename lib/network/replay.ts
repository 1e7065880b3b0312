/*
 * `network.replay`: reading completed signals back from the journal and, on request, sending
 * them again. Its own file because it is the one network method that works from the journal's
 * history rather than from live signals.
 */
import type { Journal, JournalQuery } from '../delivery/journal.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Signal } from '../signal/signal.ts';
import type { PayloadLimits } from '../signal/validate-payload.ts';
import { checkKnownKeys } from '../resilience/validate.ts';
import type { Clock } from '../util/clock.ts';
import { optionKeys } from '../util/known-keys.ts';
import { LifecycleError } from './errors.ts';
import { resend } from './journal-hooks.ts';
import type { Receipt } from '../node/receipt.ts';
import type { Router } from './router.ts';

/** What `network.replay` finds, and the receipts when it re-sent them. */
export interface ReplayResult {
  /** The journaled signals that matched, oldest first. */
  readonly signals: readonly Signal[];
  /** With `resend`, the receipt of each new send, in the same order. */
  readonly receipts: readonly Receipt[];
}

/** What `network.replay` looks for: a journal query, and whether to send the signals again. */
export type ReplayQuery = JournalQuery & {
  /** Send each found signal again, as a new signal. @defaultValue false */
  resend?: boolean;
};

/** The keys of {@link ReplayQuery} (a compile error until a new option is listed). */
export const REPLAY_QUERY_KEYS = optionKeys<ReplayQuery>()(['from', 'to', 'node', 'type', 'resend']);

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
export async function replayJournal(source: ReplaySource, query: ReplayQuery): Promise<ReplayResult> {
  checkKnownKeys('replay', query, REPLAY_QUERY_KEYS);
  const { journal, router, nodes, clock, limits } = source;
  if (journal === undefined) throw new LifecycleError('replay needs a journal, and this network has none (journal: false)');
  const signals = await journal.query(query);
  const receipts = query.resend === true ? signals.map((s) => resend(s, router, nodes, clock.now(), limits)) : [];
  return { signals, receipts };
}

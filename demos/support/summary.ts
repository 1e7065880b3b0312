/**
 * The summary every demo ends with: the network's own accounting (`network.counts()`), checked.
 * Two identities hold at every moment (docs/operations.md, Counts):
 *
 *   sent = accepted + duplicate + rejected
 *   accepted + redelivered + received = completed + dead-lettered + handed back + active + forwarded
 *
 * and once a network has drained, nothing is active: every signal it took ended completed, in
 * the dead letter queue, handed back (journaled, with a durable journal) or forwarded to another process.
 */
import type { NetworkCounts } from '../../lib/index.ts';
import type { Demo } from './demo.ts';

/** The accounting lines of a network's counts (`label` names the process when there are several). */
export function accountingLines(c: NetworkCounts, label = ''): { sends: string; ends: string; closed: boolean } {
  const taken = c.accepted + c.redelivered + c.received;
  const ended = c.completed + c.deadLettered + c.handedBack + c.active + c.forwarded;
  const sendsClose = c.sent === c.accepted + c.duplicate + c.rejected;
  const prefix = label === '' ? '' : `${label}: `;
  return {
    sends: `${prefix}sent ${c.sent} = accepted ${c.accepted} + duplicate ${c.duplicate} + rejected ${c.rejected}`,
    ends: `${prefix}accepted ${c.accepted} + redelivered ${c.redelivered} + received ${c.received} = completed ${c.completed} + dead-lettered ${c.deadLettered} + handed back ${c.handedBack} + active ${c.active} + forwarded ${c.forwarded}`,
    closed: sendsClose && taken === ended,
  };
}

/**
 * Prints the accounting of a drained network and checks it: both identities close and nothing
 * is still active (so every accepted signal is completed, dead-lettered, handed back or forwarded).
 */
export function printAccounting(demo: Demo, c: NetworkCounts, label = ''): boolean {
  const { sends, ends, closed } = accountingLines(c, label);
  console.log(`\naccounting ${closed ? 'closed' : 'DOES NOT CLOSE'}:\n  ${sends}\n  ${ends}`);
  const ok = demo.check(`${label === '' ? '' : `${label}: `}accounting closes (nothing accepted is unaccounted for)`, closed);
  return demo.check(`${label === '' ? '' : `${label}: `}nothing left active after the drain`, c.active === 0) && ok;
}

/** A count with thousands separators, for the live lines (summaries print plain numbers). */
export function n(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

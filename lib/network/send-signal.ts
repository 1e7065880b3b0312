/*
 * `network.send`: a post that waits for what makes its receipt true: the journal's write of an
 * accepted signal (durable journal), or the stream's PubAck of a signal to a remote node.
 */
import type { Receipt } from '../node/receipt.ts';
import type { SignalDraft } from '../signal/signal.ts';
import { REMOTE_PARTITION, type Router } from './router.ts';

/** Posts `draft` to `target` through `router`, then waits for its write or its PubAck (see `network.send`). */
export async function sendSignal<P>(router: Router, target: string, draft: SignalDraft<P>): Promise<Receipt> {
  const receipt = router.post(target, draft);
  if (receipt.status === 'accepted' && receipt.partition === REMOTE_PARTITION) {
    // A remote node: resolve once the stream has it (its PubAck); a failed publish rejects
    // (and the signal is in the DLQ with reason `transport-failed`).
    const ack = await router.takeLastPublish();
    return ack?.duplicate === true ? { status: 'duplicate', id: receipt.id, target, idempotencyKey: draft.idempotencyKey ?? receipt.id } : receipt;
  }
  const appended = router.takeLastAppend();
  if (appended !== undefined && receipt.status === 'accepted') await appended;
  return receipt;
}

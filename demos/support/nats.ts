/**
 * What the NATS demos share: whether a server answers (a demo without one says it skipped and
 * exits 0), the stream a network's signals live in, and deleting it at the end.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The server the NATS demos use unless told otherwise (`--url`). */
export const DEFAULT_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** True when a NATS server with JetStream answers at `url` within about a second. */
export async function natsAnswers(url: string): Promise<boolean> {
  try {
    const nc = await connect({ servers: url, timeout: 1_000, maxReconnectAttempts: 0, noAsyncTraces: true });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
}

/** The stream the transport makes by default for a network whose name has only `A-Za-z0-9_-` (as the demos' names do). */
export function streamOf(network: string): string {
  return `PLEXUS_${network}`.slice(0, 64);
}

/** Deletes a network's stream (each demo run uses a fresh network name, so nothing piles up). */
export async function deleteStream(url: string, network: string): Promise<void> {
  const nc = await connect({ servers: url, noAsyncTraces: true });
  try {
    await (await jetstreamManager(nc)).streams.delete(streamOf(network)).catch(() => false);
  } finally {
    await nc.close();
  }
}

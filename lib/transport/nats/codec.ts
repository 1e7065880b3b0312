import { EnvelopeProblem, readEnvelope } from '../../signal/read-envelope.ts';
import type { Signal } from '../../signal/signal.ts';
import { TransportError } from './errors.ts';

/** A signal as it travels: its JSON envelope, history included (`SignalEnvelope.toJSON`). */
export function encodeSignal(signal: Signal): string {
  return JSON.stringify(signal);
}

/**
 * Rebuilds a signal from its JSON envelope, checking every field (see `readEnvelope`): the bytes
 * come from another process (or anyone who can publish on the subject), so a malformed message
 * is refused with a {@link TransportError} (`decode`) rather than handed to a node.
 */
export function decodeSignal(text: string): Signal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TransportError('decode', `message is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const signal = readEnvelope(raw);
  if (signal instanceof EnvelopeProblem) throw new TransportError('decode', `malformed signal envelope: ${signal.reason}`);
  return signal;
}

/**
 * Options of a network's context publishing (the network option `context`). Leaf file: the
 * network's options and its context publisher read it.
 */
import { optionKeys } from '../util/known-keys.ts';

/**
 * Default time between two publishes of a network's own context.
 * @defaultValue 10 000 ms
 */
export const DEFAULT_CONTEXT_INTERVAL_MS = 10_000;

/** What a network publishes of itself into its context mirror (`network.context`). */
export interface NetworkContextOptions {
  /**
   * Time between two publishes of the network's own context (each breaker's state, each node's
   * pressure level, the overall health); a change is published at once besides.
   * @defaultValue 10 000 ms
   */
  intervalMs?: number;
  /**
   * The publisher id of the network's own values.
   * @defaultValue the network's name
   */
  publisher?: string;
}

/** The keys of {@link NetworkContextOptions} (a compile error until a new option is listed). */
export const NETWORK_CONTEXT_OPTION_KEYS = optionKeys<NetworkContextOptions>()(['intervalMs', 'publisher']);

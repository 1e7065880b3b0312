import type { NodeRuntime } from '../node/node-runtime.ts';
import { resolveBreakerOptions, type BreakerOptions } from '../resilience/breaker/options.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { resolveRetryOptions, type RetryOptions } from '../resilience/retry/options.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/** What `network.configure(node, settings)` may change while the network runs. */
export interface NodeSettings {
  /** Breaker options to change. */
  breaker?: BreakerOptions;
  /** Retry options to change. */
  retry?: RetryOptions;
  /** Partial options of the node's rate limit layers, e.g. `{ node: { ratePerSec: 50 } }`. */
  rateLimits?: Partial<Record<'network' | 'node' | 'key', object>>;
  /** Partitions handled at once (the node's permits). */
  concurrency?: number;
  /** Per-attempt time limit. */
  timeoutMs?: number;
}

/** The keys of {@link NodeSettings} (a compile error until a new setting is listed). */
export const NODE_SETTING_KEYS = optionKeys<NodeSettings>()(['breaker', 'retry', 'rateLimits', 'concurrency', 'timeoutMs']);

/**
 * Validates every part of `settings` first, then applies them all (or none): a bad setting
 * changes nothing. Signals in flight keep running; the next attempt sees the new settings.
 */
export function configureNode(node: NodeRuntime, settings: NodeSettings): void {
  checkObject('settings', settings);
  checkKnownKeys(node.name, settings, NODE_SETTING_KEYS);
  const c = node.config;
  const need = (part: string, present: unknown): void => {
    if (present === undefined) throw new InvalidOptionsError(`${node.name}.${part}`, 'this safeguard was not enabled when the node was built', (settings as Record<string, unknown>)[part]);
  };
  if (settings.breaker !== undefined) {
    need('breaker', c.breaker);
    resolveBreakerOptions(settings.breaker, c.breaker!.options, `${node.name}.breaker`);
  }
  if (settings.retry !== undefined) {
    need('retry', c.retry);
    resolveRetryOptions(settings.retry, c.retry!.options, `${node.name}.retry`);
  }
  if (settings.rateLimits !== undefined) {
    need('rateLimits', c.limiter);
    c.limiter!.checkOptions(settings.rateLimits);
  }
  if (settings.concurrency !== undefined) checkNumber(`${node.name}.concurrency`, settings.concurrency, { integer: true, min: 1 });
  if (settings.timeoutMs !== undefined) checkNumber(`${node.name}.timeoutMs`, settings.timeoutMs, { above: 0 });
  if (settings.breaker !== undefined) c.breaker!.configure(settings.breaker);
  if (settings.retry !== undefined) c.retry!.configure(settings.retry);
  if (settings.rateLimits !== undefined) c.limiter!.configure(settings.rateLimits);
  if (settings.timeoutMs !== undefined) c.timeoutMs = settings.timeoutMs;
  if (settings.concurrency !== undefined) node.setConcurrency(settings.concurrency);
}

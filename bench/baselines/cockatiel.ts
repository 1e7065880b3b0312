/**
 * cockatiel 3, the policies `network.protect` is compared with: circuit breaker (5 consecutive
 * failures, half-open after 60 s) around retry (3 attempts in all, exponential backoff from
 * 100 ms) around a cooperative timeout of 2 s per attempt — the same order and settings as the
 * Plexus operation in scenario 8.
 */
import { loadPeer } from '../peers.ts';

/** Runs `fn` through the policies. */
export type Protected = (fn: (signal: AbortSignal) => Promise<number>) => Promise<number>;

/** The little of cockatiel's API the bench uses (typed here so the root typecheck needs no install). */
interface Policy {
  execute<T>(fn: (context: { signal: AbortSignal }) => Promise<T>): Promise<T>;
}
interface CockatielModule {
  handleAll: object;
  retry(policy: object, options: { maxAttempts: number; backoff: object }): Policy;
  circuitBreaker(policy: object, options: { halfOpenAfter: number; breaker: object }): Policy;
  timeout(ms: number, strategy: string): Policy;
  wrap(...policies: Policy[]): Policy;
  ConsecutiveBreaker: new (threshold: number) => object;
  ExponentialBackoff: new (options: { initialDelay: number }) => object;
  TimeoutStrategy: { Cooperative: string };
}

/** The cockatiel policy chain, or why it is skipped. */
export async function loadCockatiel(): Promise<{ run: Protected } | { skipped: string }> {
  const loaded = await loadPeer('cockatiel');
  if ('skipped' in loaded) return loaded;
  const c = loaded.module as CockatielModule;
  const policy = c.wrap(
    c.circuitBreaker(c.handleAll, { halfOpenAfter: 60_000, breaker: new c.ConsecutiveBreaker(5) }),
    c.retry(c.handleAll, { maxAttempts: 2, backoff: new c.ExponentialBackoff({ initialDelay: 100 }) }),
    c.timeout(2_000, c.TimeoutStrategy.Cooperative),
  );
  return { run: (fn) => policy.execute(({ signal }) => fn(signal)) };
}

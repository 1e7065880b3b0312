/**
 * The sections of a health report that read the network's nodes and operations at report
 * time: breakers, processing, safeguards. Pure reads, nothing kept.
 */
import type { ProcessingHealth, SafeguardsHealth } from '../control/health-types.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { BreakerHealth } from '../resilience/breaker/types.ts';
import type { Protector } from '../resilience/protector/protector.ts';

/** What the sections read. */
export interface HealthSectionsSource {
  nodes(): Iterable<NodeRuntime>;
  operations(): Iterable<Protector>;
  /** A network-wide rate limit, a resource guard and dedup are set up. */
  readonly networkRateLimit: boolean;
  readonly resourceGuard: boolean;
  readonly dedup: boolean;
}

/** The breakers of nodes and operations, by name. */
export function breakerSection(source: HealthSectionsSource): Record<string, BreakerHealth> {
  const out: Record<string, BreakerHealth> = {};
  for (const n of source.nodes()) if (n.config.breaker !== undefined) out[n.name] = n.config.breaker.health();
  for (const p of source.operations()) if (p.breaker !== undefined) out[p.name] = p.breaker.health();
  return out;
}

/** Signals of all nodes together. */
export function processingSection(nodes: Iterable<NodeRuntime>): ProcessingHealth {
  let accepted = 0;
  let completed = 0;
  let deadLettered = 0;
  let handleSum = 0;
  let handleCount = 0;
  let inFlight = 0;
  for (const n of nodes) {
    const s = n.stats;
    accepted += s.accepted;
    completed += s.completed;
    deadLettered += s.deadLettered;
    handleSum += s.handleMs.sum;
    handleCount += s.handleMs.count;
    inFlight += s.inFlight;
  }
  const ended = completed + deadLettered;
  return { totalSignals: accepted, successRate: ended === 0 ? 1 : completed / ended, avgHandleMs: handleCount === 0 ? 0 : handleSum / handleCount, inFlight };
}

/** The safeguards set up anywhere in the network, and their counts. */
export function safeguardsSection(source: HealthSectionsSource): SafeguardsHealth {
  const active = new Set<string>();
  let breakerTrips = 0;
  let rateLimitViolations = 0;
  if (source.networkRateLimit) active.add('rate-limiter');
  if (source.resourceGuard) active.add('resource-guard');
  if (source.dedup) active.add('dedup');
  for (const n of source.nodes()) {
    if (n.config.breaker !== undefined) {
      active.add('breaker');
      breakerTrips += n.config.breaker.trips;
    }
    if (n.config.limiter !== undefined) {
      active.add('rate-limiter');
      rateLimitViolations += n.stats.throttled;
    }
  }
  for (const p of source.operations()) {
    if (p.breaker !== undefined) {
      active.add('breaker');
      breakerTrips += p.breaker.trips;
    }
    if (p.limiter !== undefined) active.add('rate-limiter');
    if (p.bulkhead !== undefined) active.add('bulkhead');
    rateLimitViolations += p.metrics().rateLimited;
  }
  return { active: [...active].sort(), breakerTrips, rateLimitViolations };
}

/**
 * Turns protector options into safeguard instances (given instances are used as they are and
 * stay owned by the caller; built ones are owned, and disposed, by the protector).
 */
import type { Clock } from '../../util/clock.ts';
import { CircuitBreaker } from '../breaker/breaker.ts';
import { DEFAULT_OPERATION_RESET_TIMEOUT_MS } from '../breaker/options.ts';
import { Bulkhead } from '../isolation/bulkhead.ts';
import { ResourceGuard } from '../isolation/resource-guard.ts';
import { CombinedRateLimiter } from '../rate/combined.ts';
import { createRateLimiter, type RateLimiterSpec } from '../rate/create.ts';
import { KeyedRateLimiter } from '../rate/keyed.ts';
import type { RateLimiter } from '../rate/types.ts';
import { RetryPolicy } from '../retry/policy.ts';
import { checkKnownKeys, checkObject } from '../validate.ts';
import { PROTECTOR_KEY_LAYER_KEYS, PROTECTOR_RATE_LIMIT_KEYS, type ProtectorOptions, type ProtectorRateLimits } from './options.ts';

/** The safeguards of one protector. */
export interface Safeguards {
  readonly limiter: CombinedRateLimiter | undefined;
  readonly guard: ResourceGuard | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly ownsBreaker: boolean;
  readonly retry: RetryPolicy | undefined;
}

function layer(l: RateLimiter<object> | RateLimiterSpec | undefined, layerName: string, name: string, clock: Clock): RateLimiter<object> | undefined {
  if (l === undefined) return undefined;
  if (typeof (l as RateLimiter<object>).tryAcquire === 'function') return l as RateLimiter<object>;
  return createRateLimiter({ name, ...(l as RateLimiterSpec) }, clock, `rateLimits.${layerName}`);
}

function limiter(r: ProtectorRateLimits | undefined, name: string, clock: Clock): CombinedRateLimiter | undefined {
  checkObject('rateLimits', r);
  checkKnownKeys('rateLimits', r, PROTECTOR_RATE_LIMIT_KEYS);
  if (r?.key !== undefined && !(r.key instanceof KeyedRateLimiter)) checkKnownKeys('rateLimits.key', r.key, PROTECTOR_KEY_LAYER_KEYS);
  if (r === undefined || Object.values(r).every((v) => v === undefined)) return undefined;
  const key = r.key === undefined ? undefined : r.key instanceof KeyedRateLimiter ? r.key : new KeyedRateLimiter({ name: `${name}:key`, ...r.key, clock });
  return new CombinedRateLimiter({
    name: `${name}:rate`,
    clock,
    network: layer(r.network, 'network', 'network', clock),
    node: layer(r.node, 'node', 'node', clock),
    operation: layer(r.operation, 'operation', name, clock),
    key,
  });
}

/** Builds (and validates) every safeguard named in `o`. */
export function buildSafeguards(o: ProtectorOptions, name: string, clock: Clock): Safeguards {
  const guard = o.resource === undefined || o.resource === false ? undefined : o.resource instanceof ResourceGuard ? o.resource : new ResourceGuard(o.resource, clock);
  const bulkhead = o.bulkhead === undefined || o.bulkhead === false ? undefined : o.bulkhead instanceof Bulkhead ? o.bulkhead : new Bulkhead(name, o.bulkhead, clock);
  const retry = o.retry === false ? undefined : o.retry instanceof RetryPolicy ? o.retry : new RetryPolicy(o.retry ?? {});
  let breaker: CircuitBreaker | undefined;
  let ownsBreaker = false;
  if (o.breaker instanceof CircuitBreaker) breaker = o.breaker;
  else if (o.breaker !== false) {
    breaker = new CircuitBreaker(`op:${name}`, { resetTimeoutMs: DEFAULT_OPERATION_RESET_TIMEOUT_MS, ...(o.breaker ?? {}) }, clock);
    ownsBreaker = true;
  }
  return { limiter: limiter(o.rateLimits, name, clock), guard, bulkhead, breaker, ownsBreaker, retry };
}

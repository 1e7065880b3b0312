import { DedupScope } from '../delivery/dedup-scope.ts';
import type { DedupWindow } from '../delivery/dedup-window.ts';
import { DEFAULT_CAPACITY, DEFAULT_PARTITIONS, DEFAULT_REJECT_AT, DEFAULT_WARN_AT, FLOW_CONTROL_KEYS, NODE_OPTION_KEYS, RATE_LIMIT_PER_KEY_KEYS, type NodeOptions } from '../node/node-options.ts';
import type { NodeConfig } from '../node/node-runtime.ts';
import { CircuitBreaker } from '../resilience/breaker/breaker.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { RetryPolicy } from '../resilience/retry/policy.ts';
import { checkFunction, checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { CombinedRateLimiter } from '../resilience/rate/combined.ts';
import { createRateLimiter } from '../resilience/rate/create.ts';
import { KeyedRateLimiter } from '../resilience/rate/keyed.ts';
import type { RateLimiter } from '../resilience/rate/types.ts';
import type { Clock } from '../util/clock.ts';

const NODE_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Throws InvalidOptionsError unless `name` is a node name (local or remote): 1-128 letters, digits or `_.:-`. */
export function checkNodeName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NODE_NAME.test(name)) throw new InvalidOptionsError('name', 'a node name must be 1-128 letters, digits or _.:-', name);
}

/**
 * Validates a node's options and builds its configuration. `load` reads the node's mailbox fill
 * (0..1) once the node exists; the breaker folds it into its pressure level. `dedup`: the
 * network's window, of which the node gets a scope.
 */
export function buildNodeConfig(name: string, o: NodeOptions, clock: Clock, networkLimiter: RateLimiter | undefined, dedup: DedupWindow | undefined, load: () => number): NodeConfig {
  checkNodeName(name);
  checkObject(`node ${name}`, o);
  if (o === undefined) throw new InvalidOptionsError(`node ${name}`, 'needs options with a handle function', o);
  checkKnownKeys(name, o, NODE_OPTION_KEYS);
  checkKnownKeys(`${name}.flowControl`, o.flowControl, FLOW_CONTROL_KEYS);
  const handle = checkFunction<NodeOptions['handle']>(`${name}.handle`, o.handle);
  const degrade = o.degrade === undefined ? undefined : checkFunction<NodeOptions['handle']>(`${name}.degrade`, o.degrade);
  const fallback = o.fallback === undefined ? undefined : checkFunction<NodeOptions['handle']>(`${name}.fallback`, o.fallback);
  const nodeLimiter = o.rateLimit === undefined ? undefined : createRateLimiter({ name: `${name}`, ...o.rateLimit }, clock, `${name}.rateLimit`);
  let keyed: KeyedRateLimiter | undefined;
  let limitKeyHeader: string | undefined;
  if (o.rateLimitPerKey !== undefined) {
    checkObject(`${name}.rateLimitPerKey`, o.rateLimitPerKey);
    checkKnownKeys(`${name}.rateLimitPerKey`, o.rateLimitPerKey, RATE_LIMIT_PER_KEY_KEYS);
    const { header, ...keyOptions } = o.rateLimitPerKey;
    if (typeof header !== 'string' || header.length === 0) throw new InvalidOptionsError(`${name}.rateLimitPerKey.header`, 'must name the header that carries the key', header);
    keyed = new KeyedRateLimiter({ name: `${name}:per-key`, ...keyOptions, clock });
    limitKeyHeader = header;
  }
  const limiter =
    networkLimiter === undefined && nodeLimiter === undefined && keyed === undefined ? undefined : new CombinedRateLimiter({ name, network: networkLimiter, node: nodeLimiter, key: keyed, clock });
  const partitions = checkNumber(`${name}.partitions`, o.partitions ?? DEFAULT_PARTITIONS, { integer: true, min: 1, max: 65_536 });
  const capacity = checkNumber(`${name}.capacity`, o.capacity ?? DEFAULT_CAPACITY, { integer: true, min: 1 });
  const concurrency = checkNumber(`${name}.concurrency`, o.concurrency ?? partitions, { integer: true, min: 1 });
  const warnAt = checkNumber(`${name}.flowControl.warnAt`, o.flowControl?.warnAt ?? DEFAULT_WARN_AT, { above: 0, max: 1 });
  const rejectAt = checkNumber(`${name}.flowControl.rejectAt`, o.flowControl?.rejectAt ?? DEFAULT_REJECT_AT, { above: 0, max: 1 });
  if (warnAt > rejectAt) throw new InvalidOptionsError(`${name}.flowControl.warnAt`, `must not be above rejectAt (${rejectAt})`, warnAt);
  const timeoutMs = o.timeoutMs === undefined ? undefined : checkNumber(`${name}.timeoutMs`, o.timeoutMs, { above: 0 });
  let accepts: Set<string> | undefined;
  if (o.accepts !== undefined) {
    if (!Array.isArray(o.accepts) || o.accepts.some((t) => typeof t !== 'string' || t.length === 0)) throw new InvalidOptionsError(`${name}.accepts`, 'must be an array of signal types', o.accepts);
    accepts = new Set(o.accepts);
  }
  const retry = o.retry === false ? undefined : new RetryPolicy(o.retry ?? {});
  const breaker = o.breaker === false ? undefined : new CircuitBreaker(name, { loadProvider: load, ...(o.breaker ?? {}) }, clock);
  return {
    name,
    handle,
    degrade,
    fallback,
    limiter,
    limitKeyHeader,
    accepts,
    partitions,
    capacity,
    concurrency,
    retry,
    breaker,
    timeoutMs,
    warnAt,
    rejectAt,
    dedup: dedup === undefined ? undefined : new DedupScope(dedup),
  };
}

import { Registry } from 'prom-client';
import type { NodeRuntime } from '../node/node-runtime.ts';
import { LATENCY_BUCKETS_MS, type LatencyBuckets } from '../observe/latency-buckets.ts';
import { ScrapedMetric, type Sample } from '../observe/scraped-metric.ts';
import type { Protector } from '../resilience/protector/protector.ts';
import type { TransportCounts } from '../transport/transport.ts';
import { FORECAST_RISK_CODE, type NodeForecast } from '../control/forecast-types.ts';

/** Prefix of every metric name. */
export const METRIC_PREFIX = 'plexus_';

/** What the metrics read from a network at scrape time. */
export interface MetricsSource {
  readonly network: string;
  nodes(): Iterable<NodeRuntime>;
  now(): number;
  dlqSize(): number;
  dlqOverflowed(): number;
  operations(): Iterable<Protector>;
  /** Recoveries by "name|strategy|succeeded". */
  recoveries(): ReadonlyMap<string, number>;
  /** The dedup window's keys held and keys forgotten early, when dedup is on. */
  dedup?(): { readonly size: number; readonly evictedEarly: number };
  /** The transport's counters, when the network has a transport. */
  transport?(): TransportCounts | undefined;
  /** Errors thrown by subscribers of `events$` (caught). */
  subscriberErrors?(): number;
  /** Health status codes by component (0 healthy, 1 degraded, 2 unhealthy, 3 unknown). */
  healthStatus?(): Sample[];
  /** Feature flags, 0 or 1, labelled `flag`. */
  featureFlags?(): Sample[];
  /** Firing alerts, 1 each, labelled `alert` and `severity`. */
  activeAlerts?(): Sample[];
  /** Reflex rules fired, labelled `rule` and `outcome`, when the network has a reflex policy. */
  reflexes?(): Sample[];
  /** Forecast figures of each node (labelled `node` and `source`): the value `read` picks from a node's forecast; `null`: no sample. */
  forecast?(read: (n: NodeForecast) => number | null): Sample[];
}

/**
 * A prom-client Registry for one network, every metric computed at scrape time from the
 * runtime's plain counters. The `network` label is set as a default label.
 */
export function createNetworkRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ network: source.network });
  const perNode = (read: (n: NodeRuntime) => number) => (): Sample[] => [...source.nodes()].map((n) => ({ value: read(n), labels: { node: n.name } }));
  const metric = (name: string, help: string, type: 'counter' | 'gauge', collect: () => Sample[]) => new ScrapedMetric(METRIC_PREFIX + name, help, type, collect).register(registry);

  metric('signals_total', 'Signals by node and outcome.', 'counter', () => {
    const out: Sample[] = [];
    for (const n of source.nodes()) {
      const s = n.stats;
      const add = (outcome: string, value: number) => out.push({ value, labels: { node: n.name, outcome } });
      add('accepted', s.accepted);
      add('duplicate', s.duplicate);
      add('rejected', s.rejected);
      add('completed', s.completed);
      add('failed', s.failedAttempts);
      add('retried', s.retried);
      add('dead_lettered', s.deadLettered);
    }
    return out;
  });
  metric(
    'duplicate_signals_total',
    'Signals dropped as duplicates of a key seen within the window.',
    'counter',
    perNode((n) => n.stats.duplicate),
  );
  metric(
    'dead_letters_total',
    'Signals sent to the dead letter queue.',
    'counter',
    perNode((n) => n.stats.deadLettered),
  );
  metric(
    'backpressure_rejections_total',
    'Sends refused because the mailbox was too full.',
    'counter',
    perNode((n) => n.stats.rejectedBackpressure),
  );
  metric(
    'queue_depth',
    'Signals waiting in the mailbox.',
    'gauge',
    perNode((n) => n.mailbox.queued),
  );
  metric(
    'in_flight',
    'Signals being handled (including those waiting for a retry).',
    'gauge',
    perNode((n) => n.stats.inFlight),
  );
  metric(
    'mailbox_fill',
    'Mailbox fill level, 0..1 (queued + in flight over capacity).',
    'gauge',
    perNode((n) => n.fill),
  );
  metric(
    'oldest_message_age_seconds',
    'Age of the oldest waiting signal.',
    'gauge',
    perNode((n) => n.mailbox.oldestAge(source.now()) / 1000),
  );
  metric(
    'average_message_age_seconds',
    'Average age of the waiting signals.',
    'gauge',
    perNode((n) => n.mailbox.averageAge(source.now()) / 1000),
  );
  metric(
    'throughput_per_second',
    'Signals completed per second over the last full second.',
    'gauge',
    perNode((n) => n.stats.throughput(source.now())),
  );
  metric(
    'error_rate',
    'Share of failed attempts over the last full second.',
    'gauge',
    perNode((n) => n.stats.errorRate(source.now())),
  );
  metric('breaker_state', 'Circuit breaker state: 0 closed, 1 open, 2 half-open.', 'gauge', () =>
    [...source.nodes()].filter((n) => n.config.breaker).map((n) => ({ value: n.config.breaker!.stateCode, labels: { node: n.name } })),
  );
  metric('breaker_trips_total', 'Times the breaker opened.', 'counter', () =>
    [...source.nodes()].filter((n) => n.config.breaker).map((n) => ({ value: n.config.breaker!.trips, labels: { node: n.name } })),
  );
  metric('pressure_level', 'Breaker pressure level, 0..1, from failure rate and load.', 'gauge', () =>
    [...source.nodes()].filter((n) => n.config.breaker).map((n) => ({ value: n.config.breaker!.pressureLevel, labels: { node: n.name } })),
  );
  metric('dlq_size', 'Entries in the dead letter queue.', 'gauge', () => [{ value: source.dlqSize(), labels: {} }]);
  const dedup = source.dedup;
  if (dedup !== undefined) {
    metric('dedup_keys', 'Idempotency keys the network remembers now, all nodes together (at most dedup.maxKeys).', 'gauge', () => [{ value: dedup().size, labels: {} }]);
    metric('dedup_evicted_early_total', 'Keys forgotten before their window ended because dedup.maxKeys newer keys arrived first.', 'counter', () => [{ value: dedup().evictedEarly, labels: {} }]);
  }
  const subscriberErrors = source.subscriberErrors;
  if (subscriberErrors !== undefined)
    metric('event_subscriber_errors_total', 'Errors thrown by subscribers of the event stream, caught (the network went on).', 'counter', () => [{ value: subscriberErrors(), labels: {} }]);
  if (source.healthStatus !== undefined) metric('health_status', 'Health by component (and `overall`): 0 healthy, 1 degraded, 2 unhealthy, 3 unknown.', 'gauge', source.healthStatus);
  if (source.activeAlerts !== undefined) metric('alerts_active', 'Alerts firing now (1 each), by alert rule and severity.', 'gauge', source.activeAlerts);
  if (source.featureFlags !== undefined) metric('feature_flag', 'Feature flags in force: 1 on, 0 off.', 'gauge', source.featureFlags);
  if (source.reflexes !== undefined) metric('reflexes_total', 'Reflex rules fired, by rule and outcome (acted, shadowed, cooldown, rate-limited).', 'counter', source.reflexes);
  const forecast = source.forecast;
  if (forecast !== undefined) {
    metric('forecast_utilisation', 'Forecast utilisation by node and source: arrivals over service capacity (above 1 the node falls behind).', 'gauge', () => forecast((n) => n.utilisation));
    metric('forecast_time_to_full_seconds', 'Forecast time until the mailbox is full at the trend of its depth, by node and source (no sample when not growing).', 'gauge', () =>
      forecast((n) => n.timeToFullSeconds),
    );
    metric('forecast_risk', 'Forecast risk by node and source: 0 low, 1 medium, 2 high, 3 critical.', 'gauge', () => forecast((n) => FORECAST_RISK_CODE[n.risk]));
    metric('forecast_confidence', 'Confidence of the forecast by node and source, 0..1 (data in the window times steadiness of arrivals).', 'gauge', () => forecast((n) => n.confidence));
  }
  metric('dlq_overflow_total', 'Dead letters pushed out of a full dead letter queue.', 'counter', () => [{ value: source.dlqOverflowed(), labels: {} }]);
  metric('rate_limit_violations_total', 'Times a rate limit held a signal back (nodes) or refused a call (operations).', 'counter', () => [
    ...[...source.nodes()].filter((n) => n.config.limiter).map((n) => ({ value: n.stats.throttled, labels: { name: n.name } })),
    ...[...source.operations()].map((p) => ({ value: p.metrics().rateLimited, labels: { name: p.name } })),
  ]);
  metric('operation_calls_total', 'Protected operation calls by outcome.', 'counter', () => {
    const out: Sample[] = [];
    for (const p of source.operations()) {
      const m = p.metrics();
      for (const [outcome, value] of Object.entries({
        succeeded: m.succeeded,
        failed: m.failed,
        refused: m.refused,
        rate_limited: m.rateLimited,
        breaker_rejected: m.breakerRejected,
        timeout: m.timeouts,
      }))
        out.push({ value, labels: { operation: p.name, outcome } });
    }
    return out;
  });
  metric('operation_breaker_state', 'Breaker state of protected operations: 0 closed, 1 open, 2 half-open.', 'gauge', () =>
    [...source.operations()].filter((p) => p.breaker).map((p) => ({ value: p.breaker!.stateCode, labels: { operation: p.name } })),
  );
  metric('recoveries_total', 'Recovery strategies run, by node or operation, strategy and result.', 'counter', () =>
    [...source.recoveries()].map(([k, value]) => {
      const [name, strategy, succeeded] = k.split('|');
      return { value, labels: { name: name!, strategy: strategy!, succeeded: succeeded! } };
    }),
  );
  if (source.transport !== undefined) {
    const read = source.transport;
    metric(
      'transport_messages_total',
      'Transport messages by outcome: published, stored, duplicate (PubAck), publish_failed, publish_refused, delivered, redelivered, acked, naked, terminated, in_progress (heartbeats of held messages).',
      'counter',
      () => {
        const t = read();
        if (t === undefined) return [];
        return Object.entries({
          published: t.published,
          stored: t.stored,
          duplicate: t.duplicatePubAcks,
          publish_failed: t.publishFailed,
          publish_retried: t.publishRetried,
          publish_refused: t.publishRefused,
          delivered: t.delivered,
          redelivered: t.redeliveries,
          acked: t.acked,
          naked: t.naked,
          terminated: t.terminated,
          in_progress: t.inProgress,
        }).map(([outcome, value]) => ({ value, labels: { outcome } }));
      },
    );
    metric('transport_pending_publishes', 'Publishes awaiting their PubAck.', 'gauge', () => [{ value: read()?.publishPending ?? 0, labels: {} }]);
    metric('transport_unacked', 'Received signals held here and not settled yet (unacked).', 'gauge', () => [{ value: read()?.unacked ?? 0, labels: {} }]);
  }
  histogram(registry, 'handle_duration_seconds', 'Time a handler attempt took.', source, (n) => n.stats.handleMs);
  histogram(registry, 'queue_wait_seconds', 'Time a signal waited in the mailbox before its first attempt.', source, (n) => n.stats.waitMs);
  return registry;
}

function histogram(registry: Registry, name: string, help: string, source: MetricsSource, read: (n: NodeRuntime) => LatencyBuckets): void {
  const full = METRIC_PREFIX + name;
  new ScrapedMetric(full, help, 'histogram', () => {
    const out: Sample[] = [];
    for (const n of source.nodes()) {
      const h = read(n);
      const cumulative = h.cumulative();
      LATENCY_BUCKETS_MS.forEach((le, i) => {
        out.push({ metricName: `${full}_bucket`, value: cumulative[i]!, labels: { node: n.name, le: le / 1000 } });
      });
      out.push({ metricName: `${full}_bucket`, value: h.count, labels: { node: n.name, le: '+Inf' } });
      out.push({ metricName: `${full}_sum`, value: h.sum / 1000, labels: { node: n.name } });
      out.push({ metricName: `${full}_count`, value: h.count, labels: { node: n.name } });
    }
    return out;
  }).register(registry);
}

/**
 * The starter set of alert rules, on by default in every network (option `alerts`). Each names
 * its runbook entry in docs/operations.md.
 */
import { RUNBOOK } from '../util/runbook.ts';
import type { AlertRule, AlertSnapshot } from './alert-rules.ts';

/**
 * Error rate of a node above which `node-error-rate` holds.
 * @defaultValue 0.05
 */
export const ALERT_ERROR_RATE = 0.05;
/**
 * Mailbox fill of a node above which `mailbox-fill` holds.
 * @defaultValue 0.8
 */
export const ALERT_MAILBOX_FILL = 0.8;
/**
 * How long after the dead letter queue last grew `dead-letters-growing` still holds.
 * @defaultValue 300 000 ms (5 min)
 */
export const ALERT_DLQ_GROWTH_WINDOW_MS = 300_000;
/**
 * Confidence a node's forecast needs for `bottleneck-forecast` to read its risk.
 * @defaultValue 0.5
 */
export const ALERT_FORECAST_MIN_CONFIDENCE = 0.5;

/** Name of a starter rule. */
export type StarterAlertName = 'node-error-rate' | 'mailbox-fill' | 'dead-letters-growing' | 'breaker-open' | 'network-unhealthy' | 'bottleneck-forecast';

/** Names of the starter rules. */
export const STARTER_ALERT_NAMES: readonly StarterAlertName[] = ['node-error-rate', 'mailbox-fill', 'dead-letters-growing', 'breaker-open', 'network-unhealthy', 'bottleneck-forecast'];

/** Builds the starter rules (new ones per network: `dead-letters-growing` remembers the queue's size). */
export function starterAlertRules(): AlertRule[] {
  return [
    {
      name: 'node-error-rate',
      severity: 'critical',
      runbook: RUNBOOK.alertNodeErrorRate,
      forMs: 30_000,
      evaluate: (s) => s.nodes.some((n) => n.errorRate > ALERT_ERROR_RATE),
    },
    {
      name: 'mailbox-fill',
      severity: 'warning',
      runbook: RUNBOOK.alertMailboxFill,
      forMs: 120_000,
      evaluate: (s) => s.nodes.some((n) => n.fill > ALERT_MAILBOX_FILL),
    },
    deadLettersGrowing(),
    {
      name: 'breaker-open',
      severity: 'warning',
      runbook: RUNBOOK.alertBreakerOpen,
      forMs: 60_000,
      evaluate: (s) => s.nodes.some((n) => n.breakerState === 'open'),
    },
    {
      name: 'network-unhealthy',
      severity: 'critical',
      runbook: RUNBOOK.alertNetworkUnhealthy,
      forMs: 30_000,
      evaluate: (s) => s.health === 'unhealthy',
    },
    {
      // The forecast looks ahead already; holding for 30 s keeps a passing burst from paging.
      name: 'bottleneck-forecast',
      severity: 'warning',
      runbook: RUNBOOK.alertBottleneckForecast,
      forMs: 30_000,
      evaluate: (s) => s.forecast?.nodes.some((n) => (n.risk === 'high' || n.risk === 'critical') && n.confidence >= ALERT_FORECAST_MIN_CONFIDENCE) === true,
    },
  ];
}

/** Holds from an evaluation that sees the queue bigger than the one before, for the growth window. */
function deadLettersGrowing(): AlertRule {
  let previousSize: number | undefined;
  let grewAt: number | undefined;
  return {
    name: 'dead-letters-growing',
    severity: 'warning',
    runbook: RUNBOOK.alertDeadLettersGrowing,
    forMs: 0,
    evaluate(s: AlertSnapshot): boolean {
      if (previousSize !== undefined && s.dlqSize > previousSize) grewAt = s.at;
      previousSize = s.dlqSize;
      return grewAt !== undefined && s.at - grewAt < ALERT_DLQ_GROWTH_WINDOW_MS;
    },
  };
}

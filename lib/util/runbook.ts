/**
 * The runbook entries (anchors in docs/operations.md) that the network names where it reports
 * trouble: alert rules, health components that are not healthy, a breaker that opens. One list,
 * so that spec/docs/runbook.spec.ts can check every anchor named in lib/ exists in the page.
 * Leaf file.
 */

/** The runbook entries, by the trouble each is about. */
export const RUNBOOK = Object.freeze({
  highMemory: 'docs/operations.md#high-memory',
  slowHandling: 'docs/operations.md#slow-handling',
  breakerOpen: 'docs/operations.md#breaker-open',
  rateLimitExceeded: 'docs/operations.md#rate-limit-exceeded',
  deadLettersGrowing: 'docs/operations.md#dead-letters-growing',
  backpressure: 'docs/operations.md#backpressure',
  natsUnreachable: 'docs/operations.md#nats-unreachable',
  shutdownTimesOut: 'docs/operations.md#shutdown-times-out',
  journalFailing: 'docs/operations.md#journal-failing',
  alertNodeErrorRate: 'docs/operations.md#alert-node-error-rate',
  alertMailboxFill: 'docs/operations.md#alert-mailbox-fill',
  alertDeadLettersGrowing: 'docs/operations.md#alert-dead-letters-growing',
  alertBreakerOpen: 'docs/operations.md#alert-breaker-open',
  alertNetworkUnhealthy: 'docs/operations.md#alert-network-unhealthy',
  alertBottleneckForecast: 'docs/operations.md#alert-bottleneck-forecast',
} as const);

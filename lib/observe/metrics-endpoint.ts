/**
 * `network.metrics`: what Prometheus needs from a network, as a small interface of our own, so
 * that prom-client's types (and its major versions) are not part of Plexus' public API.
 */
import type { Registry } from 'prom-client';

/** A network's metrics, ready to serve to Prometheus (see docs/operations.md). */
export interface MetricsEndpoint {
  /** The HTTP `content-type` of {@link MetricsEndpoint.text}'s output. */
  readonly contentType: string;
  /** Every metric of the network in the Prometheus text exposition format, computed now. */
  text(): Promise<string>;
  /**
   * Escape hatch: the prom-client `Registry` that holds the metrics, for merging them into an
   * application's registry (`Registry.merge`). Typed `unknown` on purpose: cast it to the
   * `Registry` of the prom-client version you use, which is then your coupling, not ours.
   */
  readonly registry: unknown;
}

/** Wraps a network's prom-client registry. */
export function metricsEndpoint(registry: Registry): MetricsEndpoint {
  return Object.freeze({
    contentType: registry.contentType,
    text: () => registry.metrics(),
    registry,
  });
}

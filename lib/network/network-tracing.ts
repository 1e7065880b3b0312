/*
 * Whether a network traces with OpenTelemetry, decided once, at its first start: when the
 * application has `@opentelemetry/api` with a tracer provider registered (docs/operations.md,
 * "Tracing with OpenTelemetry"). Then every node's handlers are wrapped so that each attempt is
 * a span, and the router puts the sender's span on signals sent from outside a handler. Without
 * a provider nothing is wrapped and the signal path is the one it always was.
 */
import type { NodeRuntime } from '../node/node-runtime.ts';
import { traceHandlers } from '../node/traced-handler.ts';
import { handlingTracer, openTelemetryLoading, type HandlingTracer } from '../observe/open-telemetry.ts';
import type { Router } from './router.ts';

/** A network's tracing: off until its start finds a registered tracer provider. */
export class NetworkTracing {
  readonly #nodes: ReadonlyMap<string, NodeRuntime>;
  readonly #router: Router;
  #decided = false;
  #tracer: HandlingTracer | undefined;

  constructor(nodes: ReadonlyMap<string, NodeRuntime>, router: Router) {
    this.#nodes = nodes;
    this.#router = router;
  }

  /**
   * Decides at the first start (a start tried again after a failure decides nothing anew): at
   * once when the API's import has settled, which it has unless the network starts within
   * moments of Plexus being loaded; then the returned promise says when.
   */
  start(): Promise<void> | undefined {
    if (this.#decided) return undefined;
    const loading = openTelemetryLoading();
    if (loading !== undefined) return loading.then(() => this.start());
    this.#decided = true;
    const tracer = handlingTracer();
    if (tracer === undefined) return undefined;
    this.#tracer = tracer;
    for (const node of this.#nodes.values()) traceHandlers(node.config, tracer);
    this.#router.traceSends(tracer);
    return undefined;
  }

  /** A node added to a network that traces: its handlers are wrapped too. */
  added(node: NodeRuntime): void {
    if (this.#tracer !== undefined) traceHandlers(node.config, this.#tracer);
  }
}

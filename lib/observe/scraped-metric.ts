import type { Registry } from 'prom-client';

/** One sample of a metric: a value and its labels (and, for histograms, the series name). */
export interface Sample {
  readonly value: number;
  readonly labels: Record<string, string | number>;
  readonly metricName?: string;
}

/**
 * A metric whose samples are computed when Prometheus scrapes, from counters the runtime keeps
 * in plain fields. prom-client's registry formats and serves it like its own metrics; the hot
 * path never calls prom-client (a labelled `inc()` costs hundreds of times a field add).
 */
export class ScrapedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator = 'sum';
  readonly #collect: () => Sample[];

  constructor(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', collect: () => Sample[]) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.#collect = collect;
  }

  /** Called by prom-client's registry at scrape time. */
  get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.#collect() };
  }

  /** prom-client calls this on `registry.resetMetrics()`; the counters belong to the runtime. */
  reset(): void {}

  register(registry: Registry): this {
    registry.registerMetric(this as never);
    return this;
  }
}

/*
 * A network's reflexes: the policy's rules fed by the network's own hooks (breaker pressure,
 * node pressure changes, health changes, alerts firing, forecasts; no subscription to events$,
 * so an unwatched network builds no event),
 * and what a rule decides carried out: a `reflex.<kind>` signal posted to each node that declared
 * `reflexes: [kind]`, a `reflex` event, and `plexus_reflexes_total{rule,outcome}`.
 * Built by wire-network.ts.
 */
import type { ActiveAlert } from '../control/alert-rules.ts';
import type { FeatureFlagOptions, FeatureFlags } from '../control/feature-flags.ts';
import { OWN_FORECAST_SOURCE, type ForecastData } from '../control/forecast-types.ts';
import type { HealthChange } from '../control/health-monitor.ts';
import { alertReflexValue, forecastReflexValue, healthReflexValue } from '../control/reflex-inputs.ts';
import { ReflexEngine, type ReflexDecision } from '../control/reflex-engine.ts';
import { applyReflexEnv, REFLEX_KINDS, type ReflexKind, type ResolvedReflexPolicy } from '../control/reflex-policy.ts';
import type { Receipt } from '../node/receipt.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { Sample } from '../observe/scraped-metric.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { SignalDraft } from '../signal/signal.ts';
import type { Clock } from '../util/clock.ts';

/** The payload of a reflex signal (type `reflex.<kind>`). */
export interface ReflexSignalPayload {
  /** The rule that fired. */
  readonly kind: ReflexKind;
  /** The level reached. */
  readonly level: 'high' | 'critical';
  /** The input value. */
  readonly value: number;
  /** Where the value comes from (a node name). */
  readonly source: string;
}

/** What the reflexes read from the network. */
export interface NetworkReflexParts {
  readonly clock: Clock;
  readonly hub: EventHub;
  readonly flags: FeatureFlags;
  /** The policy, environment overrides applied (see {@link reflexFlagOptions}). */
  readonly policy: ResolvedReflexPolicy;
  post(target: string, draft: SignalDraft<ReflexSignalPayload>): Receipt;
}

/**
 * The flags options with the policy's `enabled` and `shadowMode` as the defaults of the flags
 * `reflexes` and `shadowMode` (after `PLEXUS_REFLEX_ENABLED`/`PLEXUS_REFLEX_SHADOW`); values set
 * in `flags.values` and the flags' own variables still win. Returns the policy with the
 * overrides applied too.
 */
export function reflexFlagOptions(
  flags: FeatureFlagOptions | undefined,
  policy: ResolvedReflexPolicy | undefined,
): { flags: FeatureFlagOptions | undefined; policy: ResolvedReflexPolicy | undefined } {
  if (policy === undefined) return { flags, policy };
  const resolved = applyReflexEnv(policy, flags?.env ?? process.env);
  const values = { reflexes: resolved.enabled, shadowMode: resolved.shadowMode, ...flags?.values };
  return { flags: { ...flags, values }, policy: resolved };
}

/** Checks a node's `reflexes` option: a list of rule kinds. Throws InvalidOptionsError. */
export function checkReflexKinds(node: string, kinds: unknown): readonly ReflexKind[] {
  if (kinds === undefined) return [];
  if (!Array.isArray(kinds) || kinds.some((kind) => !(REFLEX_KINDS as readonly unknown[]).includes(kind)))
    throw new InvalidOptionsError(`${node}.reflexes`, `must be a list of rule kinds (${REFLEX_KINDS.join(', ')})`, kinds);
  return kinds as ReflexKind[];
}

/** A network's reflexes (present when the network option `reflexes` is set). */
export class NetworkReflexes {
  readonly #parts: NetworkReflexParts;
  readonly #engine: ReflexEngine;
  readonly #subscribers = new Map<ReflexKind, string[]>();
  /** Counts by "rule|outcome". */
  readonly #counts = new Map<string, number>();

  constructor(parts: NetworkReflexParts) {
    this.#parts = parts;
    const { flags } = parts;
    this.#engine = new ReflexEngine(parts.policy, parts.clock, { enabled: () => flags.get('reflexes'), shadow: () => flags.get('shadowMode') });
  }

  /** Whether a rule watches this kind (the wiring hooks only the inputs a rule reads). */
  watches(kind: ReflexKind): boolean {
    return this.#engine.watches(kind);
  }

  /** A node declared `reflexes: kinds`: it receives their reflex signals. */
  subscribe(node: string, kinds: readonly ReflexKind[]): void {
    for (const kind of kinds) {
      const nodes = this.#subscribers.get(kind) ?? [];
      if (!nodes.includes(node)) nodes.push(node);
      this.#subscribers.set(kind, nodes);
    }
  }

  /** An input value: evaluated, and carried out when a rule fires. */
  input(kind: ReflexKind, source: string, value: number): void {
    const decision = this.#engine.evaluate(kind, source, value);
    if (decision === undefined) return;
    const countKey = `${decision.rule}|${decision.outcome}`;
    this.#counts.set(countKey, (this.#counts.get(countKey) ?? 0) + 1);
    // A cooldown is the rule staying quiet: counted, not an event (it would repeat per input).
    if (decision.outcome === 'cooldown') return;
    const targets = this.#subscribers.get(kind) ?? [];
    if (decision.outcome === 'acted') for (const target of targets) this.#post(target, decision);
    const { hub, clock } = this.#parts;
    if (hub.observed)
      hub.emit({
        kind: 'reflex',
        at: clock.now(),
        rule: decision.rule,
        level: decision.level,
        cause: decision.cause,
        value: decision.value,
        source: decision.source,
        acted: decision.outcome === 'acted',
        shadowed: decision.outcome === 'shadowed',
        targets: [...targets],
      });
  }

  /** A health change: the component's status (source: its name) and the network's (source `overall`). */
  healthChanged(change: HealthChange, overall: string): void {
    if (!this.watches('health')) return;
    if (change.component !== undefined) this.input('health', change.component, healthReflexValue(change.componentStatus));
    if (change.from !== change.to) this.input('health', overall, healthReflexValue(change.to));
  }

  /** An alert fired (source: its name). */
  alertFired(alert: ActiveAlert): void {
    if (this.watches('alert')) this.input('alert', alert.name, alertReflexValue(alert.severity));
  }

  /** A forecast: each node's risk with at least `minConfidence` (source: the node, `node@source` for a forecast from elsewhere). */
  forecast(forecast: ForecastData, minConfidence: number): void {
    if (!this.watches('forecastRisk')) return;
    const suffix = forecast.source === OWN_FORECAST_SOURCE ? '' : `@${forecast.source}`;
    for (const n of forecast.nodes) if (n.confidence >= minConfidence) this.input('forecastRisk', n.node + suffix, forecastReflexValue(n.risk));
  }

  /** `plexus_reflexes_total{rule,outcome}` samples. */
  samples(): Sample[] {
    return [...this.#counts].map(([key, value]) => {
      const [rule, outcome] = key.split('|');
      return { value, labels: { rule: rule ?? '', outcome: outcome ?? '' } };
    });
  }

  #post(target: string, decision: ReflexDecision): void {
    // A refused post (backpressure, shutting down) is the receipt's business: the reflex is
    // advice, and the `reflex` event already says it fired.
    this.#parts.post(target, { type: `reflex.${decision.rule}`, payload: { kind: decision.rule, level: decision.level, value: decision.value, source: decision.source } });
  }
}

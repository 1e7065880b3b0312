/**
 * The decisions of reflexes, without any wiring: given an input value, does a rule fire, at
 * which level, and may it act (cooldown per rule and source, a token bucket on the emission rate,
 * shadow mode)? The network's wiring (lib/network/network-reflexes.ts) feeds it and carries out
 * what it decides.
 */
import { TokenBucket } from '../resilience/rate/token-bucket.ts';
import type { Clock } from '../util/clock.ts';
import type { ReflexKind, ReflexLevel, ResolvedReflexPolicy } from './reflex-policy.ts';

/** What became of a rule that fired. */
export type ReflexOutcome = 'acted' | 'shadowed' | 'cooldown' | 'rate-limited';

/** A rule that fired, and what became of it. */
export interface ReflexDecision {
  /** The rule (its kind). */
  readonly rule: ReflexKind;
  /** The level reached. */
  readonly level: ReflexLevel;
  /** The input value. */
  readonly value: number;
  /** Where the value comes from (a node name). */
  readonly source: string;
  /** Why it fired, in words. */
  readonly cause: string;
  /** What became of it. */
  readonly outcome: ReflexOutcome;
}

/** The switches read at each decision (the feature flags `reflexes` and `shadowMode`). */
export interface ReflexSwitches {
  /** Reflexes are on. */
  enabled(): boolean;
  /** Shadow mode: report, do not act. */
  shadow(): boolean;
}

const LEVEL_RANK: Record<ReflexLevel, number> = { high: 1, critical: 2 };

/** Evaluates inputs against a policy. */
export class ReflexEngine {
  readonly #policy: ResolvedReflexPolicy;
  readonly #clock: Clock;
  readonly #switches: ReflexSwitches;
  readonly #bucket: TokenBucket;
  /** Last firing per "rule|source": when, and at which level. */
  readonly #fired = new Map<string, { at: number; level: ReflexLevel }>();

  constructor(policy: ResolvedReflexPolicy, clock: Clock, switches: ReflexSwitches) {
    this.#policy = policy;
    this.#clock = clock;
    this.#switches = switches;
    this.#bucket = new TokenBucket({ name: 'reflexes', ratePerSec: policy.maxEmissionRate, burst: policy.burstAllowance }, clock);
  }

  /** Whether the policy has a rule for this kind (callers skip the input otherwise). */
  watches(kind: ReflexKind): boolean {
    return this.#policy.rules.has(kind);
  }

  /**
   * Evaluates one input value. `undefined` when reflexes are off, the kind has no rule, or the
   * value is below `high`. A rule that fired again for the same source within its cooldown is
   * `cooldown`, unless the level rose (high → critical). Acting and shadowed decisions both take
   * a token, so that shadow mode reports what acting would do; without one it is `rate-limited`.
   */
  evaluate(kind: ReflexKind, source: string, value: number): ReflexDecision | undefined {
    const rule = this.#policy.rules.get(kind);
    if (rule === undefined || !this.#switches.enabled()) return undefined;
    const level: ReflexLevel | undefined = value >= rule.critical ? 'critical' : value >= rule.high ? 'high' : undefined;
    if (level === undefined) return undefined;
    const now = this.#clock.now();
    const key = `${kind}|${source}`;
    const last = this.#fired.get(key);
    const cause = `${kind} of ${source} at ${round(value)} reached ${level} (${round(level === 'critical' ? rule.critical : rule.high)})`;
    const decide = (outcome: ReflexOutcome): ReflexDecision => ({ rule: kind, level, value, source, cause, outcome });
    if (last !== undefined && now - last.at < rule.cooldownMs && LEVEL_RANK[level] <= LEVEL_RANK[last.level]) return decide('cooldown');
    if (!this.#bucket.tryAcquire().allowed) return decide('rate-limited');
    this.#fired.set(key, { at: now, level });
    return decide(this.#switches.shadow() ? 'shadowed' : 'acted');
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

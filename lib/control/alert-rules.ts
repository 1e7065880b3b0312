/**
 * Alert rules and their evaluator: pure logic, no timer. A rule is a condition over a snapshot
 * of the network (node error rates, mailbox fill, breakers, dead letters, health) that must hold
 * for `forMs` before its alert fires; the evaluator keeps each rule's state (inactive → pending
 * → firing → resolved) and says which transitions one evaluation made.
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import type { ForecastData } from './forecast-types.ts';

/** How bad an alert is. */
export type AlertSeverity = 'warning' | 'critical';

/** One node as an alert rule sees it. */
export interface AlertNodeSnapshot {
  /** The node's name. */
  readonly name: string;
  /** Failed attempts over all attempts since the previous evaluation (0 without attempts). */
  readonly errorRate: number;
  /** Mailbox fill, 0..1. */
  readonly fill: number;
  /** The node's breaker state, when it has a breaker. */
  readonly breakerState: 'closed' | 'open' | 'half-open' | undefined;
}

/** What an alert rule reads at each evaluation. */
export interface AlertSnapshot {
  /** Clock time of the evaluation (ms). */
  readonly at: number;
  /** Each local node. */
  readonly nodes: readonly AlertNodeSnapshot[];
  /** Entries in the dead letter queue. */
  readonly dlqSize: number;
  /** The network's overall health status. */
  readonly health: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  /** The network's own bottleneck forecast, as of its last sampling (absent with `forecast: false`). */
  readonly forecast?: ForecastData | undefined;
}

/** A condition over the network that, held for `forMs`, fires an alert. */
export interface AlertRule {
  /** Unique name of the rule (and of its alert). */
  readonly name: string;
  /** How bad its alert is. */
  readonly severity: AlertSeverity;
  /** Its runbook entry: an anchor in docs/operations.md (e.g. `operations.md#alert-node-error-rate`). */
  readonly runbook: string;
  /** How long the condition must hold before the alert fires (0: at the first evaluation that sees it). */
  readonly forMs: number;
  /** Whether the condition holds in this snapshot. */
  evaluate(snapshot: AlertSnapshot): boolean;
}

/** The state of a rule's alert: `pending` while its condition holds for less than `forMs`. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** An alert that is pending or firing. */
export interface ActiveAlert {
  /** The rule's name. */
  readonly name: string;
  /** The rule's severity. */
  readonly severity: AlertSeverity;
  /** The rule's runbook entry. */
  readonly runbook: string;
  /** `pending` (condition holds, not yet for `forMs`) or `firing`. */
  readonly state: 'pending' | 'firing';
  /** When the condition was first seen to hold (ms). */
  readonly since: number;
  /** When it fired (ms), if it did. */
  readonly firedAt: number | undefined;
}

/** An alert fired or resolved (a firing alert whose condition no longer holds). */
export interface AlertTransition {
  /** The alert now, as it was when it fired or at the moment it resolved. */
  readonly alert: ActiveAlert;
  /** What happened. */
  readonly state: 'firing' | 'resolved';
  /** Clock time of the evaluation (ms). */
  readonly at: number;
}

interface RuleState {
  readonly rule: AlertRule;
  state: AlertState;
  since: number;
  firedAt: number | undefined;
}

/** The state of each registered rule; `evaluate` moves them on. */
export class AlertEvaluator {
  readonly #rules = new Map<string, RuleState>();

  /** Adds a rule; throws InvalidOptionsError on a bad rule or a name taken. Returns its removal (a firing alert goes without resolving). */
  add(rule: AlertRule): () => void {
    checkRule(rule);
    if (this.#rules.has(rule.name)) throw new InvalidOptionsError('alertRule.name', 'is registered already', rule.name);
    const entry: RuleState = { rule, state: 'inactive', since: 0, firedAt: undefined };
    this.#rules.set(rule.name, entry);
    return () => {
      if (this.#rules.get(rule.name) === entry) this.#rules.delete(rule.name);
    };
  }

  /** The registered rules. */
  rules(): AlertRule[] {
    return [...this.#rules.values()].map((s) => s.rule);
  }

  /** The pending and firing alerts. */
  active(): ActiveAlert[] {
    const out: ActiveAlert[] = [];
    for (const s of this.#rules.values()) if (s.state !== 'inactive') out.push(toAlert(s, s.state));
    return out;
  }

  /**
   * Evaluates every rule on the snapshot; returns the alerts that fired or resolved. A rule that
   * throws counts as not holding (a broken rule must not stop the others).
   */
  evaluate(snapshot: AlertSnapshot): AlertTransition[] {
    const at = snapshot.at;
    const out: AlertTransition[] = [];
    for (const s of this.#rules.values()) {
      let holds: boolean;
      try {
        holds = s.rule.evaluate(snapshot) === true;
      } catch {
        holds = false;
      }
      if (!holds) {
        if (s.state === 'firing') out.push({ alert: toAlert(s, 'firing'), state: 'resolved', at });
        s.state = 'inactive';
        s.firedAt = undefined;
        continue;
      }
      if (s.state === 'inactive') {
        s.state = 'pending';
        s.since = at;
      }
      if (s.state === 'pending' && at - s.since >= s.rule.forMs) {
        s.state = 'firing';
        s.firedAt = at;
        out.push({ alert: toAlert(s, 'firing'), state: 'firing', at });
      }
    }
    return out;
  }
}

function toAlert(s: RuleState, state: 'pending' | 'firing'): ActiveAlert {
  const { name, severity, runbook } = s.rule;
  return { name, severity, runbook, state, since: s.since, firedAt: s.firedAt };
}

function checkRule(rule: AlertRule): void {
  if (typeof rule !== 'object' || rule === null) throw new InvalidOptionsError('alertRule', 'must be an object', rule);
  if (typeof rule.name !== 'string' || rule.name === '') throw new InvalidOptionsError('alertRule.name', 'must be a non-empty string', rule.name);
  if (rule.severity !== 'warning' && rule.severity !== 'critical') throw new InvalidOptionsError('alertRule.severity', "must be 'warning' or 'critical'", rule.severity);
  if (typeof rule.runbook !== 'string' || rule.runbook === '') throw new InvalidOptionsError('alertRule.runbook', 'must name a runbook entry', rule.runbook);
  if (typeof rule.forMs !== 'number' || !(rule.forMs >= 0) || !Number.isFinite(rule.forMs)) throw new InvalidOptionsError('alertRule.forMs', 'must be a finite number >= 0', rule.forMs);
  if (typeof rule.evaluate !== 'function') throw new InvalidOptionsError('alertRule.evaluate', 'must be a function', rule.evaluate);
}

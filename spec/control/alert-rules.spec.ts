import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { AlertEvaluator, type AlertRule, type AlertSnapshot } from '../../lib/control/alert-rules.ts';
import { starterAlertRules } from '../../lib/control/starter-alerts.ts';
import { InvalidOptionsError } from '../../lib/resilience/errors.ts';

function snapshot(at: number, over: Partial<AlertSnapshot> = {}): AlertSnapshot {
  return { at, nodes: [], dlqSize: 0, health: 'healthy', ...over };
}

describe('control: alert rules (the evaluator)', () => {
  it('a rule is pending until its condition held for forMs, then fires once, then resolves', () => {
    let holds = false;
    const rule: AlertRule = { name: 'hot', severity: 'warning', runbook: 'docs/operations.md#x', forMs: 30_000, evaluate: () => holds };
    const evaluator = new AlertEvaluator();
    evaluator.add(rule);
    const seen: string[] = [];
    const step = (at: number): void => {
      for (const t of evaluator.evaluate(snapshot(at))) seen.push(`${t.at} ${t.state}`);
    };
    step(0);
    holds = true;
    step(10_000);
    expect(evaluator.active().map((a) => `${a.state} since ${a.since}`)).to.deep.equal(['pending since 10000']);
    step(39_999);
    expect(seen).to.deep.equal([], 'not before forMs');
    step(40_000);
    step(45_000);
    expect(seen).to.deep.equal(['40000 firing'], 'fires once');
    expect(evaluator.active()[0]).to.include({ state: 'firing', firedAt: 40_000 });
    holds = false;
    step(50_000);
    expect(seen).to.deep.equal(['40000 firing', '50000 resolved']);
    expect(evaluator.active()).to.deep.equal([]);
  });

  it('a condition that stops holding while pending starts over; a throwing rule counts as not holding', () => {
    const values = [true, false, true, true];
    const evaluator = new AlertEvaluator();
    evaluator.add({ name: 'flap', severity: 'critical', runbook: 'r', forMs: 10, evaluate: () => values.shift() ?? false });
    evaluator.add({
      name: 'broken',
      severity: 'critical',
      runbook: 'r',
      forMs: 0,
      evaluate: () => {
        throw new Error('bug');
      },
    });
    const fired: string[] = [];
    for (const at of [0, 10, 20, 30]) for (const t of evaluator.evaluate(snapshot(at))) fired.push(`${t.alert.name} ${t.state} ${t.at}`);
    expect(fired).to.deep.equal(['flap firing 30']);
  });

  it('refuses a bad rule or a name taken (InvalidOptionsError); the removal drops the rule', () => {
    const evaluator = new AlertEvaluator();
    const rule: AlertRule = { name: 'a', severity: 'warning', runbook: 'r', forMs: 0, evaluate: () => true };
    const remove = evaluator.add(rule);
    expect(() => evaluator.add(rule)).to.throw(InvalidOptionsError);
    expect(() => evaluator.add({ ...rule, name: 'b', forMs: -1 })).to.throw(InvalidOptionsError);
    expect(() => evaluator.add({ ...rule, name: 'c', severity: 'loud' as 'warning' })).to.throw(InvalidOptionsError);
    remove();
    expect(evaluator.rules()).to.deep.equal([]);
  });

  it('the starter rules each name a runbook entry in docs/operations.md; dead-letters-growing holds for 5 min after the queue grew', () => {
    const rules = starterAlertRules();
    expect(rules.map((r) => r.runbook)).to.deep.equal([
      'docs/operations.md#alert-node-error-rate',
      'docs/operations.md#alert-mailbox-fill',
      'docs/operations.md#alert-dead-letters-growing',
      'docs/operations.md#alert-breaker-open',
      'docs/operations.md#alert-network-unhealthy',
      'docs/operations.md#alert-bottleneck-forecast',
    ]);
    // GitHub's anchors: each heading lower-cased, punctuation dropped, spaces as hyphens.
    const anchors = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) =>
        line
          .replace(/^#+\s*/, '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
    for (const rule of rules) expect(anchors, rule.runbook).to.include(rule.runbook.split('#')[1]);
    const dlq = rules.find((r) => r.name === 'dead-letters-growing')!;
    const read = (at: number, dlqSize: number): boolean => dlq.evaluate(snapshot(at, { dlqSize }));
    expect(read(0, 3)).to.equal(false, 'a first size is no growth');
    expect(read(5_000, 4)).to.equal(true);
    expect(read(304_999, 4)).to.equal(true);
    expect(read(305_000, 4)).to.equal(false);
    expect(read(310_000, 2)).to.equal(false, 'a shrinking queue');
  });
});

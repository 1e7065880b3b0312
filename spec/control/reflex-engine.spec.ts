import { expect } from 'chai';
import { ReflexEngine } from '../../lib/control/reflex-engine.ts';
import { parseReflexPolicy } from '../../lib/control/reflex-policy.ts';
import { VirtualClock } from '../../lib/testing/virtual-clock.ts';

function engine(policy: object, switches = { enabled: true, shadow: false }) {
  const clock = new VirtualClock();
  const reflexes = new ReflexEngine(parseReflexPolicy(policy), clock, { enabled: () => switches.enabled, shadow: () => switches.shadow });
  return { reflexes, clock, switches };
}

const BREAKER_RULE = { breakerPressure: { thresholds: { high: 0.8, critical: 0.95 }, cooldownSeconds: 10 } };

describe('control: reflex engine (thresholds, cooldown, rate and burst, shadow)', () => {
  it('fires high from the high threshold and critical from the critical one, nothing below', () => {
    const { reflexes } = engine({ maxEmissionRate: 100, burstAllowance: 100, rules: BREAKER_RULE });
    const levels: (string | undefined)[] = [];
    // A distinct source per value: no cooldown between them.
    for (const value of [0.5, 0.79, 0.8, 0.94, 0.95, 1]) levels.push(reflexes.evaluate('breakerPressure', `n${value}`, value)?.level);
    expect(levels).to.deep.equal([undefined, undefined, 'high', 'high', 'critical', 'critical']);
    expect(reflexes.evaluate('nodePressure', 'x', 1), 'no rule for the kind').to.equal(undefined);
  });

  it('stays quiet for one source within the cooldown, unless the level rises; fires again after it', async () => {
    const { reflexes, clock } = engine({ maxEmissionRate: 100, burstAllowance: 100, rules: BREAKER_RULE });
    const outcomes: string[] = [];
    const at = (value: number, source = 'db') => {
      const decision = reflexes.evaluate('breakerPressure', source, value);
      outcomes.push(decision === undefined ? 'none' : `${decision.level}:${decision.outcome}`);
    };
    at(0.85);
    at(0.9);
    at(0.9, 'cache');
    at(0.97);
    at(0.97);
    await clock.advance(9_999);
    at(0.97);
    await clock.advance(1);
    at(0.97);
    expect(outcomes).to.deep.equal(['high:acted', 'high:cooldown', 'high:acted', 'critical:acted', 'critical:cooldown', 'critical:cooldown', 'critical:acted']);
  });

  it('lets a burst through, then the emission rate (a token bucket on the clock)', async () => {
    const { reflexes, clock } = engine({ maxEmissionRate: 1, burstAllowance: 3, rules: { breakerPressure: { thresholds: { high: 0.8, critical: 0.95 }, cooldownSeconds: 0 } } });
    const outcomes = () => [1, 2, 3, 4, 5].map((i) => reflexes.evaluate('breakerPressure', `n${i}`, 0.9)?.outcome);
    expect(outcomes()).to.deep.equal(['acted', 'acted', 'acted', 'rate-limited', 'rate-limited']);
    await clock.advance(999);
    expect(reflexes.evaluate('breakerPressure', 'a', 0.9)?.outcome).to.equal('rate-limited');
    await clock.advance(1);
    expect(reflexes.evaluate('breakerPressure', 'a', 0.9)?.outcome).to.equal('acted');
    expect(reflexes.evaluate('breakerPressure', 'b', 0.9)?.outcome).to.equal('rate-limited');
  });

  it('in shadow mode reports shadowed (same cooldown and rate), and when disabled decides nothing', () => {
    const { reflexes, switches } = engine({ rules: BREAKER_RULE }, { enabled: true, shadow: true });
    const first = reflexes.evaluate('breakerPressure', 'db', 0.96);
    expect([first?.level, first?.outcome]).to.deep.equal(['critical', 'shadowed']);
    expect(first?.cause).to.equal('breakerPressure of db at 0.96 reached critical (0.95)');
    expect(reflexes.evaluate('breakerPressure', 'db', 0.96)?.outcome).to.equal('cooldown');
    switches.enabled = false;
    expect(reflexes.evaluate('breakerPressure', 'other', 0.99)).to.equal(undefined);
  });
});

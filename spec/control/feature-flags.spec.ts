import { expect } from 'chai';
import { FeatureFlags, flagEnvName } from '../../lib/control/feature-flags.ts';
import { testNetwork } from '../support/networks.ts';

describe('control: feature flags', () => {
  it('names the environment variable of a flag in upper snake case after PLEXUS_', () => {
    expect(flagEnvName('reflexes')).to.equal('PLEXUS_REFLEXES');
    expect(flagEnvName('shadowMode')).to.equal('PLEXUS_SHADOW_MODE');
    expect(flagEnvName('useV2Codec')).to.equal('PLEXUS_USE_V2_CODEC');
  });

  it('has the built-in flags, values set in code, and the environment overriding both', () => {
    const flags = new FeatureFlags({
      values: { shadowMode: true, fastPath: true, betaRouting: false },
      env: { PLEXUS_REFLEXES: 'off', PLEXUS_FAST_PATH: '0', PLEXUS_BETA_ROUTING: 'true', PLEXUS_UNRELATED: 'x' },
    });
    expect(flags.snapshot()).to.deep.equal({ reflexes: false, shadowMode: true, fastPath: false, betaRouting: true });
    // A flag registered later: the environment wins over its value in code too.
    const env = { PLEXUS_NEW_CHECKOUT: 'yes' };
    const later = new FeatureFlags({ env });
    expect(later.register('newCheckout', false)).to.equal(true);
    expect(later.register('newCheckout', false)).to.equal(true, 'registering again changes nothing');
    later.set('newCheckout', false);
    expect(later.get('newCheckout')).to.equal(false, 'set at run time wins (the later word)');
  });

  it('refuses an unknown flag, a bad name, a value that is no boolean, an environment value that is no boolean word and unknown option keys', () => {
    const flags = new FeatureFlags({ env: {} });
    expect(() => flags.get('shadowmode')).to.throw(/unknown flag/);
    expect(() => flags.set('nope', true)).to.throw(/unknown flag/);
    expect(() => flags.register('Bad-Name', true)).to.throw(/camelCase/);
    expect(() => flags.set('reflexes', 'no' as never)).to.throw(/must be a boolean/);
    expect(() => new FeatureFlags({ env: { PLEXUS_SHADOW_MODE: 'maybe' } })).to.throw(/PLEXUS_SHADOW_MODE.*must be one of/);
    expect(() => new FeatureFlags({ valuse: {} } as never)).to.throw(/flags\.valuse.*did you mean 'values'/);
    expect(() => testNetwork({ flags: { envv: {} } as never })).to.throw(/flags\.envv/);
  });

  it('reads PLEXUS_* at construction, shows the flags in the health report and exports plexus_feature_flag{flag}', async () => {
    const { net } = testNetwork({ name: 'flags-metrics', health: false, flags: { values: { fastPath: true }, env: { PLEXUS_SHADOW_MODE: '1' } } });
    expect(net.flags.get('shadowMode')).to.equal(true);
    expect(net.health().flags).to.deep.equal({ reflexes: true, shadowMode: true, fastPath: true });
    let text = await net.metrics.text();
    expect(text).to.match(/plexus_feature_flag\{flag="shadowMode",network="flags-metrics"\} 1/);
    expect(text).to.match(/plexus_feature_flag\{flag="reflexes",network="flags-metrics"\} 1/);
    net.flags.set('reflexes', false);
    net.flags.register('mine', false);
    text = await net.metrics.text();
    expect(text).to.match(/plexus_feature_flag\{flag="reflexes",network="flags-metrics"\} 0/);
    expect(text).to.match(/plexus_feature_flag\{flag="mine",network="flags-metrics"\} 0/);
  });
});

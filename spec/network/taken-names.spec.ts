import { expect } from 'chai';
import { LifecycleError } from '../../lib/network/errors.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: one space of names (nodes, remote nodes, operations, failover groups)', () => {
  const handle = (): void => {};

  it('refuses a node, an operation or a group under a name that already stands for something else, and names both kinds', () => {
    const { net } = testNetwork();
    net.node('pay-a', { handle }).node('pay-b', { handle });
    net.failover('pay', { members: ['pay-a', 'pay-b'] });
    net.operation('charge');
    const refusals = [
      () => net.node('pay', { handle }),
      () => net.node('charge', { handle }),
      () => net.node('pay-a', { handle }),
      () => net.operation('pay'),
      () => net.operation('pay-a'),
      () => net.failover('charge', { members: ['pay-a'] }),
      () => net.failover('pay', { members: ['pay-b'] }),
    ];
    const messages = refusals.map((refused) => {
      try {
        refused();
      } catch (error) {
        expect(error).to.be.instanceOf(LifecycleError);
        return (error as Error).message;
      }
      return 'not refused';
    });
    expect(messages.map((message) => /cannot add (node|operation|failover group) "[^"]+": (.*?) \(/.exec(message)?.[2])).to.deep.equal([
      '"pay" is already a failover group name',
      '"charge" is already an operation name',
      'a node named "pay-a" already exists',
      '"pay" is already a failover group name',
      '"pay-a" is already a node name',
      '"charge" is already an operation name',
      'a failover group named "pay" already exists',
    ]);
  });

  it('an operation set up twice keeps its own error (configure changes it), not a name clash', () => {
    const { net } = testNetwork();
    net.operation('charge');
    expect(() => net.operation('charge')).to.throw(/already set up \(use configure/);
  });
});

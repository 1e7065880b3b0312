import { expect } from 'chai';
import { controlPlane } from '../../lib/network/wire-network.ts';
import type { TransportSession } from '../../lib/transport/transport.ts';

describe('network: the control plane list', () => {
  const transport = {} as TransportSession;

  function part(name: string, log: string[], failConnect = false) {
    return {
      start: () => log.push(`start ${name}`),
      stop: () => log.push(`stop ${name}`),
      connect: async () => {
        log.push(`connect ${name}`);
        if (failConnect) throw new Error(`${name} cannot connect`);
      },
      disconnect: async () => void log.push(`disconnect ${name}`),
    };
  }

  it('connects and starts in order, stops and disconnects in reverse; parts without connect are passed over', async () => {
    const log: string[] = [];
    const plane = controlPlane([part('a', log), { start: () => log.push('start plain'), stop: () => log.push('stop plain') }, part('b', log)]);
    await plane.connect(transport);
    plane.start();
    plane.stop();
    await plane.disconnect();
    expect(log).to.deep.equal(['connect a', 'connect b', 'start a', 'start plain', 'start b', 'stop b', 'stop plain', 'stop a', 'disconnect b', 'disconnect a']);
  });

  it('all or nothing: a part that cannot connect fails connect, and the parts connected before are disconnected', async () => {
    const log: string[] = [];
    const plane = controlPlane([part('a', log), part('b', log, true), part('c', log)]);
    const error = await plane.connect(transport).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('b cannot connect');
    expect(log).to.deep.equal(['connect a', 'connect b', 'disconnect c', 'disconnect b', 'disconnect a']);
  });
});

import { expect } from 'chai';
import sinon from 'sinon';
import { DUPLICATE_NETWORK_NAME_WARNING, isInvalidOptionsError, isLifecycleError } from '../../lib/index.ts';
import { testNetwork } from '../support/networks.ts';

describe('network: lifecycle and options', () => {
  it('refuses sends before start with a typed error, and starts once', async () => {
    const { net } = testNetwork();
    net.node('w', { handle: () => {} });
    const early = net.post('w', { type: 't' });
    expect(early).to.include({ status: 'rejected', reason: 'not-started' });
    expect(early.status === 'rejected' && isLifecycleError(early.error)).to.equal(true);
    await net.start();
    await net.start();
    expect(net.state).to.equal('running');
    expect(net.post('w', { type: 't' }).status).to.equal('accepted');
    await net.idle();
  });

  it('takes new nodes while running, refuses duplicates and bad names', async () => {
    const { net } = testNetwork();
    await net.start();
    net.node('late', { handle: () => {} });
    expect(net.post('late', { type: 't' }).status).to.equal('accepted');
    expect(() => net.node('late', { handle: () => {} })).to.throw(/already exists/);
    for (const bad of ['', 'has space', 'x'.repeat(200)]) {
      try {
        net.node(bad, { handle: () => {} });
        expect.fail(`accepted ${JSON.stringify(bad)}`);
      } catch (e) {
        expect(isInvalidOptionsError(e), String(e)).to.equal(true);
      }
    }
    await net.idle();
  });

  it('validates options at construction, naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ partitions: 0 }, /partitions/],
      [{ capacity: -1 }, /capacity/],
      [{ concurrency: 1.5 }, /concurrency/],
      [{ flowControl: { warnAt: 0.99, rejectAt: 0.9 } }, /warnAt/],
      [{ retry: { maxAttempts: 0 } }, /maxAttempts/],
      [{ breaker: { failureThreshold: 0 } }, /failureThreshold/],
      [{ timeoutMs: 0 }, /timeoutMs/],
      [{ rateLimit: { algorithm: 'magic' } }, /algorithm/],
      [{ handle: 'not a function' }, /handle/],
    ];
    for (const [options, message] of bad) {
      const { net } = testNetwork();
      expect(() => net.node('n', { handle: () => {}, ...options } as never), JSON.stringify(options)).to.throw(message);
    }
    expect(() => testNetwork({ dedup: { windowMs: -5 } })).to.throw(/dedup.windowMs/);
    expect(() => testNetwork({ dlq: { capacity: 0 } })).to.throw(/dlq.capacity/);
    expect(() => testNetwork({ name: 'bad name' })).to.throw(/name/);
  });

  it('shutdown and dispose are safe to call twice and refuse new nodes after', async () => {
    const { net } = testNetwork();
    net.node('w', { handle: () => {} });
    await net.start();
    const a = net.shutdown();
    const b = net.shutdown();
    expect(a).to.equal(b);
    await a;
    await net[Symbol.asyncDispose]();
    expect(net.state).to.equal('terminated');
    expect(() => net.node('x', { handle: () => {} })).to.throw(/terminated/);
    await net.start().then(
      () => expect.fail('started after shutdown'),
      (e: unknown) => expect(isLifecycleError(e)).to.equal(true),
    );
  });

  it('warns once when a second network of one name starts while the first runs; a shut-down network frees its name', async () => {
    const name = `dup-${Math.random().toString(36).slice(2)}`;
    const emitWarning = sinon.stub(process, 'emitWarning');
    try {
      const duplicateWarnings = () => emitWarning.getCalls().filter((c) => (c.args[1] as { code?: string } | undefined)?.code === DUPLICATE_NETWORK_NAME_WARNING);
      const first = testNetwork({ name }).net;
      const second = testNetwork({ name }).net;
      const third = testNetwork({ name }).net;
      await first.start();
      await first.shutdown();
      await second.start(); // the first one shut down: its name is free
      expect(duplicateWarnings()).to.have.length(0);
      await third.start();
      expect(duplicateWarnings()).to.have.length(1);
      expect(String(duplicateWarnings()[0]!.args[0])).to.include(JSON.stringify(name));
      // Once per name: a fourth does not warn again.
      await testNetwork({ name }).net.start();
      expect(duplicateWarnings()).to.have.length(1);
    } finally {
      emitWarning.restore();
    }
  });

  it('completes events$ when terminated', async () => {
    const { net } = testNetwork();
    let completed = false;
    net.events$.subscribe({ complete: () => (completed = true) });
    await net.start();
    await net.shutdown();
    expect(completed).to.equal(true);
  });
});

import { expect } from 'chai';
import { z } from 'zod';
import { SchemaRegistry, compareVersions } from '../../lib/signal/schema-registry.ts';
import { ValidationError } from '../../lib/signal/errors.ts';
import { testNetwork } from '../support/networks.ts';

describe('signal/SchemaRegistry', () => {
  const registry = new SchemaRegistry().register('reading', {
    versions: { '1.0': (p) => typeof (p as { t?: unknown }).t === 'number' || 'field t must be a number', '1.1': (p) => (p as { unit?: string }).unit !== undefined },
    upcast: { '1.0': (p) => ({ ...p, unit: 'C' }) },
  });

  it('passes the current version through', () => {
    expect(registry.resolve('reading', '1.1', { t: 1, unit: 'F' })).to.deep.equal({ version: '1.1', payload: { t: 1, unit: 'F' } });
  });

  it('upcasts an older version to the current one', () => {
    expect(registry.resolve('reading', '1.0', { t: 1 })).to.deep.equal({ version: '1.1', payload: { t: 1, unit: 'C' } });
  });

  it('refuses an unsupported version, saying which are supported', () => {
    expect(() => registry.resolve('reading', '2.0', {})).to.throw(ValidationError, /2\.0 is not supported \(supported: 1\.0, 1\.1\)/);
  });

  it('refuses a payload its validator rejects, with the validator reason', () => {
    expect(() => registry.resolve('reading', '1.0', { t: 'x' })).to.throw(ValidationError, /field t must be a number/);
  });

  it('leaves unregistered types alone', () => {
    expect(registry.resolve('other', '9', {})).to.equal(undefined);
  });

  it('takes a Standard Schema (zod) as a validator', () => {
    const r = new SchemaRegistry().register('order', { versions: { '1.0': z.object({ qty: z.number().int().positive() }) } });
    expect(r.resolve('order', '1.0', { qty: 2 })).to.deep.equal({ version: '1.0', payload: { qty: 2 } });
    expect(() => r.resolve('order', '1.0', { qty: -1 })).to.throw(ValidationError, /qty/);
  });

  it('refuses bad definitions', () => {
    expect(() => new SchemaRegistry().register('x', { versions: {} })).to.throw(ValidationError);
    expect(() => new SchemaRegistry().register('x', { versions: { '1.0': null }, upcast: { '1.0': (p) => p } })).to.throw(ValidationError, /no later supported version/);
  });

  it('orders versions numerically', () => {
    expect(['1.10', '1.2', '1.9', '2.0'].sort(compareVersions)).to.deep.equal(['1.2', '1.9', '1.10', '2.0']);
  });

  describe('in a network', () => {
    it('an async validator still at work when a forced shutdown hands its signal back is ignored when it answers', async () => {
      const { net, clock } = testNetwork();
      const answers: (() => void)[] = [];
      const slow = {
        '~standard': {
          version: 1 as const,
          vendor: 'spec',
          validate: (value: unknown) => new Promise<{ value: unknown }>((resolve) => answers.push(() => resolve({ value: { ...(value as object), checked: true } }))),
        },
      };
      net.schemas.register('reading', { versions: { '1.0': null, '2.0': slow }, upcast: { '1.0': (p) => p } });
      const got: unknown[] = [];
      net.node('store', { handle: (s) => void got.push(s.payload) });
      await net.start();
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown): void => void unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        net.post('store', { type: 'reading', version: '1.0', payload: { t: 1 } });
        await clock.advance(0);
        expect(answers).to.have.length(1);
        const report = await net.shutdown({ force: true });
        expect(report.leftover.map((s) => s.payload)).to.deep.equal([{ t: 1 }]);
        answers[0]!();
        await new Promise((r) => setImmediate(r));
        expect(unhandled).to.deep.equal([]);
        expect(got).to.deep.equal([]);
        const c = net.counts();
        expect(c.accepted).to.equal(c.completed + c.deadLettered + c.handedBack + c.active);
        expect([c.completed, c.deadLettered, c.handedBack]).to.deep.equal([0, 0, 1]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('hands the handler the upcast payload and dead-letters unsupported or invalid ones with a reason', async () => {
      const { net } = testNetwork();
      net.schemas.register('reading', { versions: { '1.0': z.object({ t: z.number() }), '1.1': null }, upcast: { '1.0': (p) => ({ ...p, unit: 'C' }) } });
      const got: unknown[] = [];
      net.node('store', { retry: false, handle: (s) => void got.push([s.version, s.payload]) });
      await net.start();
      net.post('store', { type: 'reading', version: '1.0', payload: { t: 20 } });
      net.post('store', { type: 'reading', version: '3.0', payload: { t: 20 } });
      net.post('store', { type: 'reading', version: '1.0', payload: { t: 'warm' } });
      await net.idle();
      expect(got).to.deep.equal([['1.1', { t: 20, unit: 'C' }]]);
      const reasons = net.dlq.list().map((d) => [d.reason, d.signal.version]);
      expect(reasons).to.have.deep.members([
        ['unsupported-version', '3.0'],
        ['invalid-payload', '1.0'],
      ]);
      expect(net.dlq.list({ reason: 'invalid-payload' })[0]!.error.message).to.match(/reading@1\.0: payload is invalid: t:/);
      // Schema failures are classified like every other failure: category on the entry, and in the audit log.
      expect(net.dlq.list({ reason: 'unsupported-version' })[0]!.error.category).to.equal('validation');
      expect(net.audit.byCategory('validation')).to.have.length(2);
    });
  });
});

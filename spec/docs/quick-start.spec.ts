import { expect } from 'chai';
import { createNetwork, type Receipt, type NetworkEvent } from 'plexus';
import { VirtualClock } from 'plexus/testing';

// The README's quick start, as written there (console output collected instead of printed).
describe('README: quick start', () => {
  it('runs as written', async () => {
    const out: unknown[][] = [];
    const console = { log: (...a: unknown[]): void => void out.push(a), warn: (...a: unknown[]): void => void out.push(['warn', ...a]) };
    let receipt: Receipt | undefined;
    {
      await using net = createNetwork({ name: 'telemetry', clock: new VirtualClock() });

      net.schemas.register('reading', {
        versions: { '1.0': (p) => typeof p.t === 'number', '1.1': null },
        upcast: { '1.0': (p) => ({ ...p, unit: 'C' }) },
      });

      net.node('store', {
        partitions: 8,
        capacity: 10_000,
        retry: { maxAttempts: 3, baseDelayMs: 50 },
        breaker: { failureThreshold: 5, resetTimeoutMs: 30_000 },
        async handle(signal, ctx) {
          console.log('stored', signal.payload, 'partition', ctx.partition);
          ctx.emit('audit', { type: 'stored', payload: { id: signal.id } });
        },
      });
      net.node('audit', { handle: (s) => console.log('audit', s.payload, 'caused by', s.causationId) });

      net.events$.subscribe((e: NetworkEvent) => e.kind === 'dead-lettered' && console.warn('dead letter', e.reason, e.error.message));

      await net.start();
      receipt = await net.send('store', {
        type: 'reading',
        version: '1.0',
        payload: { t: 21.5 },
        partitionKey: 'sensor-7',
        idempotencyKey: 'r-991',
      });
      console.log(receipt.status);
      await net.idle();
    }
    expect(receipt?.status).to.equal('accepted');
    expect(out).to.deep.include(['accepted']);
    const stored = out.find((line) => line[0] === 'stored')!;
    expect(stored[1]).to.deep.equal({ t: 21.5, unit: 'C' });
    const audit = out.find((line) => line[0] === 'audit')!;
    expect(audit[3]).to.be.a('string');
    expect(out.some((line) => line[0] === 'warn')).to.equal(false);
  });
});

import { expect } from 'chai';
import { createNetwork, createNatsTransport, type Receipt } from 'plexus';
import { NATS_URL, deleteStream, describeNats, uniqueNetwork, until } from '../transport/nats/support.ts';

// The README's "Many processes over NATS JetStream" example, with both processes' code run here
// (servers from NATS_URL, a fresh network name; console output collected instead of printed).
describeNats('README: many processes over NATS JetStream', () => {
  it('runs as written', async () => {
    const out: unknown[][] = [];
    const console = { log: (...a: unknown[]): void => void out.push(a) };
    const name = uniqueNetwork('readme');
    const servers = NATS_URL;
    let receipt: Receipt | undefined;
    const worker = createNetwork({ name, transport: createNatsTransport({ servers }) });
    const api = createNetwork({ name, transport: createNatsTransport({ servers }) });
    try {
      worker.node('billing', {
        partitions: 8,
        async handle(signal) {
          console.log('billing', signal.payload, 'correlation', signal.correlationId);
        },
      });
      await worker.start();

      api.remote('billing');
      await api.start();
      receipt = await api.send('billing', { type: 'invoice', payload: { order: 7 }, idempotencyKey: 'invoice-7' });
      console.log(receipt.status);

      await until(() => out.length === 2, 'the invoice handled by the worker');
      // The worker may log before the sender hears its PubAck: look for both, in any order.
      expect(out).to.deep.include(['accepted']);
      const billed = out.find((line) => line[0] === 'billing')!;
      expect(billed.slice(0, 2)).to.deep.equal(['billing', { order: 7 }]);
      expect((await api.send('billing', { type: 'invoice', payload: { order: 7 }, idempotencyKey: 'invoice-7' })).status).to.equal('duplicate');
    } finally {
      await api.shutdown();
      await worker.shutdown();
      await deleteStream(name);
    }
  });
});

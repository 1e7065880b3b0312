/**
 * Helpers for the specs that run against a real NATS server with JetStream. They read
 * `NATS_URL`; without it each suite shows one skipped test that says why.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect } from 'chai';
import type { Network, NetworkCounts, NetworkOptions } from '../../../lib/index.ts';
import { createNetwork, createNatsTransport, type NatsTransportOptions } from '../../../lib/index.ts';
import { isInvalidOptionsError } from '../../../lib/resilience/errors.ts';
import { defaultStream, kvBucketFor } from '../../../lib/transport/nats/names.ts';

export const NATS_URL = process.env.NATS_URL ?? '';

/** A suite that needs the server: skipped, with the reason in its title, when NATS_URL is unset. */
export function describeNats(title: string, body: (this: Mocha.Suite) => void): void {
  describe(title, function () {
    if (NATS_URL === '') {
      it('skipped: NATS_URL is unset, so there is no NATS server to run against (e.g. NATS_URL=nats://127.0.0.1:4222 npm test)', function () {
        this.skip();
      });
      return;
    }
    this.timeout(30_000);
    body.call(this);
  });
}

let seq = 0;
/** A network name no other test (or earlier run) uses: its stream and consumers are fresh. */
export function uniqueNetwork(label: string): string {
  return `spec-${label}-${process.pid}-${Date.now().toString(36)}-${seq++}`;
}

/** The transport as the specs use it: the test server, short waits. */
export function testTransport(options: NatsTransportOptions = {}) {
  return createNatsTransport({ servers: NATS_URL, ackWaitMs: 2_000, nakDelayMs: 10, ...options });
}

/** A fresh network name per test, and the networks a test made: shut down (and the stream deleted) after it. */
export interface NetworksPerTest {
  /** This test's network name (set before each test). */
  readonly name: string;
  /** A network of that name over the test transport (`options` for the transport). */
  network(options?: NatsTransportOptions): Network;
}

/** Registers the hooks of {@link NetworksPerTest} in the current suite; `base` is added to every network's options. */
export function networksPerTest(label: string, base: Omit<NetworkOptions, 'name' | 'transport'> = {}): NetworksPerTest {
  let nets: Network[] = [];
  let name = '';
  beforeEach(() => {
    name = uniqueNetwork(label);
    nets = [];
  });
  afterEach(async () => {
    for (const n of nets) await n.shutdown({ timeoutMs: 2_000 });
    await deleteStream(name);
  });
  return {
    get name() {
      return name;
    },
    network(options: NatsTransportOptions = {}): Network {
      const net = createNetwork({ ...base, name, transport: testTransport(options) });
      nets.push(net);
      return net;
    },
  };
}

/** Deletes the stream of a network (after a test). */
export async function deleteStream(network: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(defaultStream(network)).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Deletes the key-value buckets `buckets` (short names, e.g. `context`) of a network (after a test). */
export async function deleteBuckets(network: string, buckets: readonly string[]): Promise<void> {
  const nc = await connect({ servers: NATS_URL, noAsyncTraces: true });
  try {
    const jsm = await jetstreamManager(nc);
    for (const b of buckets) await jsm.streams.delete(`KV_${kvBucketFor(network, b)}`).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Polls `cond` until it holds (waiting for real network I/O, not for timing logic); fails after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Checks both identities of `network.counts()`. */
export function expectIdentities(c: NetworkCounts): void {
  expect(c.sent, 'sent = accepted + duplicate + rejected').to.equal(c.accepted + c.duplicate + c.rejected);
  expect(c.completed + c.deadLettered + c.handedBack + c.active + c.forwarded, 'completed + deadLettered + handedBack + active + forwarded = accepted + redelivered + received').to.equal(
    c.accepted + c.redelivered + c.received,
  );
}

/** Posts every draft, waiting for the publish pipeline to drain whenever it refuses one for backpressure. */
export async function postAll(net: Network, target: string, drafts: readonly Parameters<Network['post']>[1][]): Promise<void> {
  for (const d of drafts) {
    for (;;) {
      const r = net.post(target, d);
      if (r.status !== 'rejected') break;
      if (r.reason !== 'backpressure') throw r.error;
      await net.idle();
    }
  }
}

/** Runs `fn` and returns the InvalidOptionsError's option name. */
export function badOption(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isInvalidOptionsError(e)) return e.option;
    throw e;
  }
  throw new Error('expected InvalidOptionsError');
}

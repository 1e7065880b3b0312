import { expect } from 'chai';
import { createNetwork, FileJournal, createNatsTransport } from '../../lib/index.ts';
import { createProtector, withTimeout, createTokenBucket, createFixedWindow, createSlidingWindow, createLeakyBucket, createRateLimiter } from '../../lib/resilience/index.ts';
import { CircuitBreaker } from '../../lib/resilience/breaker/breaker.ts';
import { AuditLog } from '../../lib/resilience/classify/audit-log.ts';
import { ErrorClassifier } from '../../lib/resilience/classify/classifier.ts';
import { isInvalidOptionsError } from '../../lib/resilience/errors.ts';
import { Bulkhead } from '../../lib/resilience/isolation/bulkhead.ts';
import { ResourceGuard } from '../../lib/resilience/isolation/resource-guard.ts';
import { CombinedRateLimiter } from '../../lib/resilience/rate/combined.ts';
import { KeyedRateLimiter } from '../../lib/resilience/rate/keyed.ts';
import { RetryPolicy } from '../../lib/resilience/retry/policy.ts';
import { isValidationError } from '../../lib/signal/errors.ts';
import { createFailingHandler, createFlaky, recordEvents, VirtualClock } from '../../lib/testing/index.ts';
import { testNetwork } from '../support/networks.ts';

/** What a call threw or rejected with (undefined when it did neither). */
async function refusalOf(call: () => unknown): Promise<(Error & { option?: string }) | undefined> {
  try {
    await call();
    return undefined;
  } catch (e) {
    return e as Error & { option?: string };
  }
}

interface Row {
  readonly what: string;
  readonly call: () => unknown;
  /** The path the error names. */
  readonly option: string;
  /** The key it suggests, if any. */
  readonly meant?: string;
}

const handle = (): void => {};
const clock = new VirtualClock();

// The issue's five examples, exactly.
const ISSUE_EXAMPLES: readonly Row[] = [
  { what: 'createNetwork({ nme })', call: () => createNetwork({ nme: 'x' } as never), option: 'nme', meant: 'name' },
  { what: "node('a', { partition: 8 })", call: () => testNetwork().net.node('a', { handle, partition: 8 } as never), option: 'a.partition', meant: 'partitions' },
  { what: 'retry: { maxAttemps }', call: () => testNetwork().net.node('a', { handle, retry: { maxAttemps: 5 } } as never), option: 'retry.maxAttemps', meant: 'maxAttempts' },
  { what: "a breaker's failureTreshold", call: () => testNetwork().net.node('a', { handle, breaker: { failureTreshold: 3 } } as never), option: 'breaker.failureTreshold', meant: 'failureThreshold' },
  { what: 'rateLimits: { user }', call: () => testNetwork().net.operation('pay', { rateLimits: { user: { algorithm: 'token-bucket', ratePerSec: 1 } } } as never), option: 'rateLimits.user' },
];

// Every other public options object, one misspelt key each.
const EVERY_RESOLVER: readonly Row[] = [
  { what: 'network dedup', call: () => createNetwork({ dedup: { windowMS: 5 } } as never), option: 'dedup.windowMS', meant: 'windowMs' },
  { what: 'network dlq', call: () => createNetwork({ dlq: { capacty: 5 } } as never), option: 'dlq.capacty', meant: 'capacity' },
  { what: 'network journal (options)', call: () => createNetwork({ journal: { capacity: 5, enable: true } } as never), option: 'journal.enable', meant: 'enabled' },
  { what: 'network tracing', call: () => createNetwork({ tracing: { hop: false } } as never), option: 'tracing.hop', meant: 'hops' },
  { what: 'network metrics', call: () => createNetwork({ metrics: { enable: false } } as never), option: 'metrics.enable', meant: 'enabled' },
  { what: 'network limits', call: () => createNetwork({ limits: { maxPayloadByte: 5 } } as never), option: 'limits.maxPayloadByte', meant: 'maxPayloadBytes' },
  { what: 'network audit', call: () => createNetwork({ audit: { size: 5 } } as never), option: 'audit.size' },
  { what: 'network context', call: () => createNetwork({ context: { interval: 5 } } as never), option: 'context.interval', meant: 'intervalMs' },
  { what: 'network forecast', call: () => createNetwork({ forecast: { windowMS: 5 } } as never), option: 'forecast.windowMS', meant: 'windowMs' },
  { what: 'context publish', call: () => createNetwork({ health: false }).context.publish('a', 1, { publisher: 'p', ttlMS: 5 } as never), option: 'options.ttlMS', meant: 'ttlMs' },
  { what: 'network resources', call: () => createNetwork({ resources: { maxHeap: 5 } } as never), option: 'resources.maxHeap' },
  { what: 'network rateLimit spec', call: () => createNetwork({ rateLimit: { algorithm: 'token-bucket', burts: 5 } } as never), option: 'rateLimit.burts', meant: 'burst' },
  { what: 'node flowControl', call: () => testNetwork().net.node('a', { handle, flowControl: { warnat: 0.5 } } as never), option: 'a.flowControl.warnat', meant: 'warnAt' },
  { what: 'node rateLimit spec', call: () => testNetwork().net.node('a', { handle, rateLimit: { algorithm: 'fixed-window', limt: 5 } } as never), option: 'a.rateLimit.limt', meant: 'limit' },
  {
    what: 'node rateLimitPerKey',
    call: () => testNetwork().net.node('a', { handle, rateLimitPerKey: { header: 'u', limiter: { algorithm: 'token-bucket' }, maxkeys: 5 } } as never),
    option: 'a.rateLimitPerKey.maxkeys',
    meant: 'maxKeys',
  },
  { what: 'breaker errorRate', call: () => new CircuitBreaker('b', { errorRate: { treshold: 0.5 } } as never), option: 'breaker.errorRate.treshold', meant: 'threshold' },
  { what: 'new RetryPolicy', call: () => new RetryPolicy({ jiter: 0.1 } as never), option: 'retry.jiter', meant: 'jitter' },
  { what: 'tokenBucket()', call: () => createTokenBucket({ rate: 5 } as never), option: 'tokenBucket.rate' },
  { what: 'fixedWindow()', call: () => createFixedWindow({ window: 5 } as never), option: 'fixedWindow.window', meant: 'windowMs' },
  { what: 'slidingWindow()', call: () => createSlidingWindow({ windowMS: 5 } as never), option: 'slidingWindow.windowMS', meant: 'windowMs' },
  { what: 'leakyBucket()', call: () => createLeakyBucket({ capcity: 5 } as never), option: 'leakyBucket.capcity', meant: 'capacity' },
  { what: 'createRateLimiter(spec)', call: () => createRateLimiter({ algorithm: 'leaky-bucket', ratePerSecond: 5 } as never), option: 'rateLimit.ratePerSecond' },
  { what: 'KeyedRateLimiter', call: () => new KeyedRateLimiter({ limiter: { algorithm: 'token-bucket' }, idleMS: 5 } as never), option: 'keyed.idleMS', meant: 'idleMs' },
  { what: 'CombinedRateLimiter', call: () => new CombinedRateLimiter({ nodes: undefined } as never), option: 'combined.nodes', meant: 'node' },
  { what: 'Bulkhead', call: () => new Bulkhead('b', { maxConcurrency: 5 } as never), option: 'bulkhead.maxConcurrency', meant: 'maxConcurrent' },
  { what: 'ResourceGuard', call: () => new ResourceGuard({ sampleInterval: 5 } as never), option: 'resource.sampleInterval', meant: 'sampleIntervalMs' },
  { what: 'AuditLog', call: () => new AuditLog({ capacty: 5 } as never), option: 'auditLog.capacty', meant: 'capacity' },
  { what: 'ErrorClassifier', call: () => new ErrorClassifier({ rule: [] } as never), option: 'classifier.rule', meant: 'rules' },
  { what: 'createProtector', call: () => createProtector({ timeout: 5 } as never), option: 'timeout', meant: 'timeoutMs' },
  { what: 'createProtector rateLimits.key', call: () => createProtector({ rateLimits: { key: { limiter: { algorithm: 'token-bucket' }, clock } } } as never), option: 'rateLimits.key.clock' },
  { what: 'protector.configure', call: () => createProtector().configure({ retries: {} } as never), option: 'retries' },
  { what: 'network.operation', call: () => testNetwork().net.operation('pay', { clock } as never), option: 'pay.clock' },
  { what: 'network.configure (node settings)', call: () => configureNode({ timeout: 5 }), option: 'a.timeout', meant: 'timeoutMs' },
  { what: 'network.configure (rateLimits layer)', call: () => configureNode({ rateLimits: { nodes: {} } }), option: 'rateLimits.nodes', meant: 'node' },
  { what: 'FileJournal', call: () => new FileJournal({ path: '/tmp/x', fsynch: true } as never), option: 'fsynch', meant: 'fsync' },
  { what: 'natsTransport', call: () => createNatsTransport({ server: 'nats://h:4222' } as never), option: 'server', meant: 'servers' },
  { what: 'network.replay', call: () => testNetwork().net.replay({ form: 0 } as never), option: 'replay.form', meant: 'from' },
  { what: 'dlq.purge filter (would purge everything)', call: () => testNetwork().net.dlq.purge({ nod: 'a' } as never), option: 'filter.nod', meant: 'node' },
  { what: 'network.shutdown', call: () => testNetwork().net.shutdown({ forced: true } as never), option: 'shutdown.forced', meant: 'force' },
];

// Per-call options: a misspelt `key` would skip the per-key limit. The calls that return a Promise reject.
const PER_CALL: readonly Row[] = [
  { what: 'protector.execute', call: () => createProtector().execute(() => 1, { kye: 'u' } as never), option: 'call.kye', meant: 'key' },
  { what: 'retryPolicy.execute', call: () => new RetryPolicy().execute(() => 1, { onRetyr: () => {} } as never), option: 'execute.onRetyr', meant: 'onRetry' },
  { what: 'bulkhead.acquire', call: () => new Bulkhead().acquire({ timeout: 5 } as never), option: 'acquire.timeout', meant: 'timeoutMs' },
  { what: 'tokenBucket.acquire', call: () => createTokenBucket({ clock }).acquire({ permit: 1 } as never), option: 'acquire.permit', meant: 'permits' },
  { what: 'leakyBucket.acquire', call: () => createLeakyBucket({ clock }).acquire({ timeoutMS: 1 } as never), option: 'acquire.timeoutMS', meant: 'timeoutMs' },
  { what: 'combined acquire', call: () => new CombinedRateLimiter({ clock }).acquire({ kye: 'u' } as never), option: 'acquire.kye', meant: 'key' },
  { what: 'withTimeout', call: () => withTimeout(() => 1, 5, { signl: undefined } as never), option: 'withTimeout.signl', meant: 'signal' },
];

function configureNode(settings: object): void {
  const { net } = testNetwork({ rateLimit: { algorithm: 'token-bucket' } });
  net.node('a', { handle });
  net.configure('a', settings as never);
}

// The testing helpers throw their own TestingOptionError (code PLEXUS_TESTING_INVALID_OPTION).
const TESTING_HELPERS: readonly { what: string; call: () => unknown; message: RegExp }[] = [
  { what: 'failingHandler', call: () => createFailingHandler({ evry: 3 } as never), message: /^evry: unknown option; did you mean 'every'\?/ },
  { what: 'failingHandler burst', call: () => createFailingHandler({ burst: { from: 1, cont: 2 } } as never), message: /^burst\.cont: unknown option; did you mean 'count'\?/ },
  { what: 'flaky', call: () => createFlaky(async () => {}, { failShare: 0.5, failwhen: 'after' } as never), message: /^failwhen: unknown option; did you mean 'failWhen'\?/ },
  { what: 'recordEvents', call: () => recordEvents(testNetwork().net.events$, { max: 5 } as never), message: /^max: unknown option \(known: filter, maxEvents\)/ },
  { what: 'waitFor', call: () => recordEvents(testNetwork().net.events$).waitFor('x' as never, { timeout: 5 } as never), message: /^timeout: unknown option; did you mean 'timeoutMs'\?/ },
  { what: 'VirtualClock', call: () => new VirtualClock({ startAt: 5 } as never), message: /^startAt: unknown option; did you mean 'start'\?/ },
];

describe('unknown option names are refused', () => {
  for (const rows of [ISSUE_EXAMPLES, EVERY_RESOLVER, PER_CALL]) {
    for (const row of rows) {
      it(`${row.what}: InvalidOptionsError naming "${row.option}"${row.meant === undefined ? '' : ` and suggesting '${row.meant}'`}`, async () => {
        const e = await refusalOf(row.call);
        expect(e, 'it must not be silently ignored').to.not.equal(undefined);
        expect(isInvalidOptionsError(e), String(e)).to.equal(true);
        expect(e!.option).to.equal(row.option);
        if (row.meant !== undefined) {
          expect(e!.message).to.equal(`Invalid option "${row.option}": unknown option; did you mean '${row.meant}'?`);
          expect((e as { suggestion?: string }).suggestion).to.equal(row.meant);
        } else {
          expect(e!.message).to.match(new RegExp(`^Invalid option "${row.option.replace(/\./g, '\\.')}": unknown option \\(known: `));
        }
      });
    }
  }

  it('rateLimits: { user } names the layers a protector knows, since none is close', async () => {
    const e = await refusalOf(() => createProtector({ rateLimits: { user: { algorithm: 'token-bucket' } } } as never));
    expect(e?.message).to.equal('Invalid option "rateLimits.user": unknown option (known: network, node, operation, key)');
  });

  for (const row of TESTING_HELPERS) {
    it(`${row.what}: TestingOptionError naming the key`, async () => {
      const e = await refusalOf(row.call);
      expect((e as { code?: string } | undefined)?.code, String(e)).to.equal('PLEXUS_TESTING_INVALID_OPTION');
      expect(e!.message).to.match(row.message);
    });
  }

  it('schema registry: a misspelt definition field is a ValidationError naming it', () => {
    const { net } = testNetwork();
    expect(() => net.schemas.register('t', { versions: { '1.0': null }, upcasts: {} } as never)).to.throw(`schema t field "upcasts": unknown option; did you mean 'upcast'?`);
  });

  it('a Journal instance is not checked as journal options', () => {
    const journal = { durable: false, append() {}, settle() {}, query: () => [], pending: () => [], close() {}, extra: 1 };
    expect(() => createNetwork({ journal })).to.not.throw();
  });

  it('the options every spec and demo pass are still accepted (no false refusals)', () => {
    const net = createNetwork({
      name: 'ok',
      clock,
      dedup: { enabled: true, windowMs: 5, maxKeys: 5 },
      dlq: { capacity: 5 },
      journal: { enabled: true, capacity: 5 },
      tracing: { hops: true },
      metrics: { enabled: true },
      limits: { maxPayloadBytes: 100, maxPayloadDepth: 5 },
      shutdownTimeoutMs: 5,
      rateLimit: { algorithm: 'sliding-window', limit: 5, windowMs: 5, name: 'n' },
      audit: { capacity: 5 },
      resources: { maxHeapBytes: 1e12, sampleIntervalMs: 5, readHeap: () => 0 },
    });
    net.node('a', {
      handle,
      accepts: ['t'],
      partitions: 2,
      capacity: 10,
      concurrency: 1,
      retry: { maxAttempts: 2, jitterMode: 'none' },
      breaker: { failureThreshold: 2, errorRate: { threshold: 0.5 } },
      timeoutMs: 5,
      degrade: handle,
      fallback: handle,
      rateLimit: { algorithm: 'leaky-bucket', capacity: 5, ratePerSec: 5 },
      rateLimitPerKey: { header: 'u', limiter: { algorithm: 'token-bucket', burst: 2 }, maxKeys: 5, idleMs: 5 },
      flowControl: { warnAt: 0.5, rejectAt: 0.9 },
    });
    net.operation('pay', {
      rateLimits: { node: { algorithm: 'token-bucket' }, key: { limiter: { algorithm: 'fixed-window' }, maxKeys: 5 } },
      rateLimitWaitMs: 5,
      bulkhead: { maxQueue: 5 },
      timeoutMs: 5,
    });
    net.configure('a', { retry: { maxAttempts: 3 }, breaker: { resetTimeoutMs: 5 }, rateLimits: { node: { capacity: 6 }, key: { limiter: { burst: 3 }, maxKeys: 6 } }, concurrency: 2, timeoutMs: 6 });
    net.configure('pay', { bulkhead: { maxQueue: 6 }, rateLimitWaitMs: 6, timeoutMs: 6 });
  });
});

describe('unknown signal draft fields are refused', () => {
  it("post with partitonKey: a rejected receipt, reason 'invalid', naming the field and suggesting partitionKey", async () => {
    const { net } = testNetwork();
    net.node('a', { handle });
    await net.start();
    const receipt = net.post('a', { type: 't', partitonKey: 'k' } as never);
    expect(receipt.status).to.equal('rejected');
    const rejected = receipt as Extract<typeof receipt, { status: 'rejected' }>;
    expect(rejected.reason).to.equal('invalid');
    expect(isValidationError(rejected.error), String(rejected.error)).to.equal(true);
    expect(rejected.error.message).to.equal(`signal draft field "partitonKey": unknown option; did you mean 'partitionKey'?`);
    expect(net.counts().rejected).to.equal(1);
    await net.shutdown();
  });

  it('send resolves with the same rejected receipt rather than throwing', async () => {
    const { net } = testNetwork();
    net.node('a', { handle });
    await net.start();
    const receipt = await net.send('a', { type: 't', idempotencykey: 'k' } as never);
    expect(receipt.status).to.equal('rejected');
    expect((receipt as { reason?: string }).reason).to.equal('invalid');
    await net.shutdown();
  });

  it('every field of a full draft is still accepted', async () => {
    const { net } = testNetwork();
    net.node('a', { handle });
    await net.start();
    const draft = { type: 't', version: '1.0', payload: { a: 1 }, partitionKey: 'p', idempotencyKey: 'i', correlationId: 'c', causationId: 'x', urgency: 0.5, headers: { h: 'v' }, source: 's' };
    expect(net.post('a', draft).status).to.equal('accepted');
    await net.shutdown();
  });
});

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { NATS_URL, describeNats } from '../transport/nats/support.ts';
import { expectAccountingClosed, ROOT, runScript } from './run-demo.ts';

// Each capability demo (demos/<name>.ts, `npm run demo:<name>`), run as CI runs it: a short
// `--duration`, then its exit code, the lines that show its scenario happened, and its accounting.
// A demo exits 1 when one of its own checks fails, so exit 0 means its checks held too.

/** Runs a demo for `seconds` and expects exit 0 with every check holding. */
async function runDemo(name: string, seconds: number, extra: string[] = []): Promise<string> {
  const { code, out } = await runScript(`demos/${name}.ts`, ['--duration', String(seconds), ...extra]);
  expect(code, out).to.equal(0);
  expect(out, out).to.match(/all \d+ checks hold/);
  expect(out).to.not.include('FAILED');
  return out;
}

describe('demos: one scenario per capability (npm run demo:<name> -- --duration N)', function () {
  this.timeout(60_000);

  it('every demo has its npm script and a line in the README', () => {
    const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    for (const name of ['backpressure', 'breaker', 'dead-letters', 'schema-upgrade', 'replay', 'reflexes', 'failover', 'nats-workers']) {
      expect(scripts[`demo:${name}`], name).to.equal(`tsx demos/${name}.ts`);
      expect(readme, name).to.include(`npm run demo:${name}`);
    }
  });

  it('backpressure: the flood is refused at 95% fill, shows its progress, and every accepted order is handled', async () => {
    const out = await runDemo('backpressure', 1);
    expect(out).to.match(/flood 1: [\d,]+ \/ 20,000 accepted \(\d+%\)/);
    const m = /(\d+) sends refused \(backpressure\), each sent again later/.exec(out);
    expect(Number(m?.[1]), out).to.be.greaterThan(0);
    const c = expectAccountingClosed(out);
    expect(c.completed).to.equal(c.accepted);
  });

  it('breaker: trips while the provider is down, recovers through half-open, and loses nothing', async () => {
    const out = await runDemo('breaker', 1.2);
    expect(out).to.include('breaker closed → open');
    expect(out).to.include('breaker half-open → closed');
    const c = expectAccountingClosed(out);
    expect(c.deadLettered, 'each dead letter reprocessed').to.equal(c.redelivered);
  });

  it('dead letters: failures land in the queue, are reprocessed after the fix, the rest purged', async () => {
    const out = await runDemo('dead-letters', 1);
    expect(out).to.match(/e\.g\. \S+: handler-failed after 3 attempts: no exchange rate for CHF/);
    expect(out).to.match(/the fix ships; reprocessed (\d+) of \1 handler-failed dead letters/);
    expect(out).to.match(/purged [1-9]\d* unsupported-version dead letters/);
    const c = expectAccountingClosed(out);
    expect(c.redelivered).to.be.greaterThan(0);
  });

  it('schema upgrade: 1.0 and 1.1 readings both reach the store as 1.1', async () => {
    const out = await runDemo('schema-upgrade', 1);
    expect(out).to.include('sensor-0 upgraded to 1.1');
    expect(out).to.match(/the store handled \d+, all as 1\.1 \(0 as 1\.0, 0 without a unit\)/);
    const c = expectAccountingClosed(out);
    expect(c.deadLettered).to.equal(0);
  });

  it('replay: a database restored from a backup is made right by replaying the journal', async () => {
    const out = await runDemo('replay', 1.5);
    expect(out).to.match(/replayed [1-9]\d* deposits from the journal: the database is exactly right again/);
    const c = expectAccountingClosed(out);
    expect(c.redelivered).to.be.greaterThan(0);
  });

  it('reflexes: shadowed first, then acting on the feed through the governor', async () => {
    const out = await runDemo('reflexes', 2);
    expect(out).to.match(/reflex nodePressure (high|critical) on ingest .*: shadow mode, nothing posted/);
    expect(out).to.include('shadow mode off: the reflexes act from now on');
    expect(out).to.match(/governor: ingest is (high|critical)/);
    expectAccountingClosed(out);
  });

  it('failover: switches to the backup when the primary fails, and back by hand', async () => {
    const out = await runDemo('failover', 1.2);
    expect(out).to.match(/payments: switch primary → backup by group: (3 consecutive failures|health probe failed)/);
    expect(out).to.include('payments: switch backup → primary by operator: the primary is healthy again');
    const c = expectAccountingClosed(out);
    expect(c.deadLettered).to.equal(0);
  });

  it('a demo refuses a bad --duration with its usage (exit 2)', async () => {
    const { code, out } = await runScript('demos/breaker.ts', ['--duration', '0']);
    expect(code, out).to.equal(2);
    expect(out).to.include('--duration needs a number of seconds above 0');
    expect(out).to.include('npm run demo:breaker');
  });
});

describeNats('demos: many processes over NATS (npm run demo:nats-workers)', () => {
  it('a worker killed with SIGKILL and restarted loses no order: each is confirmed exactly once', async function () {
    this.timeout(60_000);
    const out = await runDemo('nats-workers', 2, ['--url', NATS_URL, '--rate', '1000']);
    expect(out).to.match(/worker 1 \(pid \d+\) killed with SIGKILL after it confirmed [1-9]\d* orders/);
    const m = /(\d+) orders sent, (\d+) stored in the stream, (\d+) confirmed \((\d+) confirmations/.exec(out);
    expect(m, out).to.not.equal(null);
    const [sent, stored, confirmed, confirmations] = m!.slice(1).map(Number);
    expect([stored, confirmed, confirmations]).to.deep.equal([sent, sent, sent]);
    const here = expectAccountingClosed(out, 'this process');
    expect([here.forwarded, here.received]).to.deep.equal([sent, sent]);
  });

  it('says plainly that it skipped when no server answers, and exits 0', async () => {
    const { code, out } = await runScript('demos/nats-workers.ts', ['--duration', '1', '--url', 'nats://127.0.0.1:1']);
    expect(code, out).to.equal(0);
    expect(out).to.include('skipped: no NATS server with JetStream answers at nats://127.0.0.1:1');
  });
});

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NATS_URL, describeNats } from '../transport/nats/support.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a demo as the README's commands do (node + tsx), with its exit code and output. */
function run(script: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: stdout + stderr });
    });
  });
}

describe('demos: the main demo (npm run demo -- --duration N)', function () {
  this.timeout(60_000);
  it('runs, shuts down gracefully by itself and exits 0 with its accounting closed', async () => {
    const { code, out } = await run('demos/main.ts', ['--duration', '1']);
    expect(code, out).to.equal(0);
    expect(out).to.match(/^dashboard: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(out).to.match(/^t=\d+s {2}orders \d+ {2}completed \d+ \(\d+\/s\).* {2}payments → pay-primary {2}health /m);
    expect(out).to.include('failover payments: pay-primary active, 0 switches, last: acquire to pay-primary by group (created)');
    expect(out).to.match(/shutdown report:/);
    const m = /accounting: sent (\d+) = completed (\d+) \+ dead (\d+) \+ duplicate (\d+) \+ rejected (\d+) \+ remaining (\d+)/.exec(out);
    expect(m, out).to.not.equal(null);
    const [sent, ...parts] = m!.slice(1).map(Number);
    expect(parts.reduce((a, b) => a + b, 0)).to.equal(sent);
    expect(sent).to.be.greaterThan(0);
  });
});

describeNats('demos: the distributed demo (npm run demo:nats)', () => {
  it('bills every order in another process over JetStream, and the accounting closes across both', async () => {
    const { code, out } = await run('demos/distributed.ts', ['--orders', '2000', '--url', NATS_URL]);
    expect(code, out).to.equal(0);
    expect(out).to.include('accounting across processes: forwarded 2000 = received 2000 = billed 2000: closed');
    expect(out).to.include('billed total 99000 (expected 99000)');
  });
});

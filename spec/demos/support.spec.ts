import { expect } from 'chai';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NetworkCounts } from '../../lib/index.ts';
import { accountingLines } from '../../demos/support/summary.ts';
import { readArgs } from '../../demos/support/args.ts';
import { runScript } from './run-demo.ts';

// The helpers every demo shares (demos/support/): the accounting they print, their arguments,
// and their exit codes (a demo must fail when one of its own checks fails).
const SCRIPT = fileURLToPath(new URL('./support-demo.tmp.ts', import.meta.url));

const counts = (over: Partial<NetworkCounts>): NetworkCounts => ({
  sent: 10,
  accepted: 8,
  duplicate: 1,
  rejected: 1,
  completed: 6,
  deadLettered: 2,
  active: 0,
  handedBack: 0,
  redelivered: 0,
  journalErrors: 0,
  forwarded: 0,
  received: 0,
  subscriberErrors: 0,
  transport: undefined,
  ...over,
});

describe('demos/support: the shared helpers', () => {
  after(() => rmSync(SCRIPT, { force: true }));

  it('accountingLines: closes when both identities hold, not when a signal is missing', () => {
    const closed = accountingLines(counts({}));
    expect(closed.closed).to.equal(true);
    expect(closed.sends).to.equal('sent 10 = accepted 8 + duplicate 1 + rejected 1');
    expect(closed.ends).to.equal('accepted 8 + redelivered 0 + received 0 = completed 6 + dead-lettered 2 + handed back 0 + active 0 + forwarded 0');
    expect(accountingLines(counts({ completed: 5 })).closed, 'one completion missing').to.equal(false);
    expect(accountingLines(counts({ sent: 11 })).closed, 'one send unaccounted').to.equal(false);
    expect(accountingLines(counts({ redelivered: 2, completed: 8 }), 'p').ends).to.match(/^p: accepted 8 \+ redelivered 2/);
  });

  it('readArgs: --duration in seconds, the demo options, undefined without a duration', () => {
    expect(readArgs('u', {}, []).duration).to.equal(undefined);
    const args = readArgs('u', { rate: { type: 'string' } }, ['--duration', '2.5', '--rate', '10']);
    expect(args.duration).to.equal(2.5);
    expect(args.values['rate']).to.equal('10');
  });

  for (const [what, body, code, says] of [
    ['holds its checks: exit 0', "demo.check('fine', true);", 0, 'all 1 checks hold'],
    ['fails a check: exit 1', "demo.check('fine', true); demo.check('broken on purpose', false);", 1, '1 of 2 checks FAILED'],
    ['throws: exit 1', "throw new Error('boom');", 1, 'FAILED: the demo threw'],
  ] as const) {
    it(`a demo that ${what}`, async function () {
      this.timeout(30_000);
      writeFileSync(
        SCRIPT,
        `import { readArgs } from '../../demos/support/args.ts';\nimport { runDemo } from '../../demos/support/demo.ts';\nawait runDemo('t', readArgs('u'), async (demo) => { await demo.stopping; ${body} });\n`,
      );
      const { code: exit, out } = await runScript(SCRIPT, ['--duration', '0.1']);
      expect(exit, out).to.equal(code);
      expect(out).to.include(says);
    });
  }
});

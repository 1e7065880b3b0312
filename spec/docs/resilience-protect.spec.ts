import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// docs/resilience.md's network.protect example, run exactly as the page prints it: the code block
// is written to a file beside this spec (git ignores *.tmp.*) and run with tsx in a child process.
const DOC = fileURLToPath(new URL('../../docs/resilience.md', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./resilience-protect.tmp.ts', import.meta.url));

describe('docs/resilience.md: network.protect', () => {
  after(() => rmSync(SCRIPT, { force: true }));

  it('runs as written and prints what the page says', function () {
    this.timeout(30_000);
    const block = /## Protecting calls from a network[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'))?.[1];
    expect(block, 'the example block').to.be.a('string');
    writeFileSync(SCRIPT, block!);
    const printed = execFileSync(process.execPath, ['--conditions=plexus-source', '--import', 'tsx', SCRIPT], { encoding: 'utf8' });
    expect(printed.trim()).to.equal("[ 'receipt-7' ] 2");
  });
});

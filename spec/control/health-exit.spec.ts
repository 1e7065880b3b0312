import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/exit-without-shutdown.ts', import.meta.url));

describe('control: health checks and the process', () => {
  it('do not keep a process alive: a started network never shut down lets it exit', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=plexus-source', CHILD], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => void (out += d.toString()));
    // Checks run every 10 s: a process kept alive by them is still running after 8 s.
    const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    expect(out.trim()).to.equal('healthy');
    expect(code).to.equal(0, 'exited by itself');
  });
});

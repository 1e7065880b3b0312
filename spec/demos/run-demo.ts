/**
 * Runs a demo as `npm run demo:<name>` does (node + tsx, from the repository root), with its exit
 * code and output; and reads the accounting lines every demo prints (demos/support/summary.ts).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `script` (a path from the root) with `args`; never rejects: a failed run is its code and output. */
export function runScript(script: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, out: stdout + stderr });
    });
  });
}

const ENDS_TAIL = String.raw`accepted (\d+) \+ redelivered (\d+) \+ received (\d+) = completed (\d+) \+ dead-lettered (\d+) \+ handed back (\d+) \+ active (\d+) \+ forwarded (\d+)`;
const ENDS = (label: string): RegExp => new RegExp(String.raw`^\s*` + (label === '' ? '' : `${label}: `) + ENDS_TAIL, 'm');
const SENDS = (label: string): RegExp => new RegExp(String.raw`^\s*` + (label === '' ? '' : `${label}: `) + String.raw`sent (\d+) = accepted (\d+) \+ duplicate (\d+) \+ rejected (\d+)`, 'm');

/**
 * Checks, from the printed numbers themselves, that the demo's accounting closes with nothing
 * left active; returns the numbers of the accounting of the demo's own network (`label` names its process when there are several).
 */
export function expectAccountingClosed(out: string, label = ''): Record<'accepted' | 'redelivered' | 'received' | 'completed' | 'deadLettered' | 'handedBack' | 'active' | 'forwarded', number> {
  expect(out).to.include('accounting closed:');
  const sends = SENDS(label).exec(out);
  expect(sends, out).to.not.equal(null);
  const [sent, accepted, duplicate, rejected] = sends!.slice(1).map(Number) as [number, number, number, number];
  expect(sent, 'sent = accepted + duplicate + rejected').to.equal(accepted + duplicate + rejected);
  const ends = ENDS(label).exec(out);
  expect(ends, out).to.not.equal(null);
  const [a, redelivered, received, completed, deadLettered, handedBack, active, forwarded] = ends!.slice(1).map(Number) as number[] as [number, number, number, number, number, number, number, number];
  expect(a + redelivered + received, 'taken in = ended').to.equal(completed + deadLettered + handedBack + active + forwarded);
  expect(active, 'nothing left active').to.equal(0);
  expect(a).to.be.greaterThan(0);
  return { accepted: a, redelivered, received, completed, deadLettered, handedBack, active, forwarded };
}

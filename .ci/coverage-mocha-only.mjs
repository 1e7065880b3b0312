// Keeps, in c8's temp directory, only the V8 coverage written by the mocha process itself and
// deletes what the child processes the specs start wrote (the demos, the kill test's child, the
// NATS workers, the docs example). Why: mocha on Node >= 20.19 loads the specs with require(esm),
// so tsx transpiles lib/ to CommonJS there, while a child started with `node --import tsx` gets
// tsx's ESM output, a different text with a different source map. c8 merges raw V8 byte ranges
// by file and keeps one source map per file, so mixing the two maps ranges onto the wrong lines
// (openJournal "uncovered" while every journal spec calls it). The children run code the specs
// in mocha's process cover anyway.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'coverage/tmp';
let kept = 0;
let dropped = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.json')) continue;
  const file = join(dir, name);
  const { result } = JSON.parse(readFileSync(file, 'utf8'));
  // mocha's own process loads its runner and the specs (its parent, bin/mocha, only the runner).
  const urls = result.map((script) => script.url);
  if (urls.some((url) => /\/node_modules\/mocha\/lib\/runner\.js$/.test(url)) && urls.some((url) => url.endsWith('.spec.ts'))) kept++;
  else (rmSync(file), dropped++);
}
console.log(`coverage: kept ${kept} mocha process file(s), dropped ${dropped} from child processes`);
if (kept === 0) process.exit(1);

// Checks the public API of each door (`plexus`, `plexus/resilience`, `plexus/testing`) against
// the reports committed in api/*.api.md. Runs API Extractor on the built .d.ts (run
// `npm run build` first; `npm run api` does both). Fails on any API Extractor or TSDoc warning,
// and, unless `--local` is given, when a report differs from the committed one.
// Update the reports after an intended change of the public surface: `npm run api -- --local`.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DOORS = ['plexus', 'plexus-resilience', 'plexus-testing'];
const localBuild = process.argv.includes('--local');

if (!existsSync(join(here, '..', 'dist', 'index.d.ts'))) {
  console.error('api: dist/ is missing; run `npm run build` first (or `npm run api`, which builds).');
  process.exit(1);
}

const problems = [];
for (const door of DOORS) {
  const config = ExtractorConfig.loadFileAndPrepare(join(here, `${door}.json`));
  let findings = 0;
  const result = Extractor.invoke(config, {
    localBuild,
    showVerboseMessages: false,
    // Count every error and warning except the notices about the report file itself (a changed
    // report is judged below: an error without --local, an update with it).
    messageCallback: (message) => {
      if ((message.logLevel === 'error' || message.logLevel === 'warning') && !message.messageId.startsWith('console-api-report')) findings++;
    },
  });
  if (findings > 0) problems.push(`${door}: ${findings} error(s) or warning(s) (listed above)`);
  if (result.apiReportChanged) {
    problems.push(localBuild
      ? `${door}: api/${door}.api.md updated; review the diff and commit it`
      : `${door}: the public API differs from api/${door}.api.md. If the change is intended, run \`npm run api -- --local\`, review the diff and commit it.`);
  }
}
const failed = problems.some((line) => !line.includes('updated; review'));
for (const line of problems) console.error(`api: ${line}`);
if (failed) process.exit(1);
console.log(`api: ${DOORS.length} reports ${localBuild ? 'written' : 'match the committed ones'}, no warnings`);

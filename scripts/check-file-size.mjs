#!/usr/bin/env node
// Fails when a source file under the given folder has more than the given number of lines
// (a file that long does several things; split it). Usage: check-file-size.mjs [folder] [max]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [folder = 'lib', maxArg = '400'] = process.argv.slice(2);
const maxLines = Number(maxArg);

function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name)) yield path;
  }
}

// Counted like `wc -l`: newline characters.
const lineCount = (path) => readFileSync(path, 'utf8').split('\n').length - 1;

const tooLong = [...sourceFiles(folder)].map((path) => ({ path, lines: lineCount(path) })).filter((f) => f.lines > maxLines);
for (const { path, lines } of tooLong) console.error(`${path}: ${lines} lines, over the limit of ${maxLines}: split it`);
if (tooLong.length > 0) process.exit(1);
console.log(`no file in ${folder}/ is over ${maxLines} lines`);

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// docs/guide.md: every ```ts block is a complete module that must type-check against the current
// API, with the repository's own compiler settings (strict, NodeNext, `plexus` read from lib/).
// Each block is compiled as its own in-memory file beside this spec, so `plexus`, `plexus/testing`,
// rxjs, zod, chai and mocha's globals resolve as they do for a user of the package.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDE = `${ROOT}docs/guide.md`;

/** The ```ts blocks of a markdown page, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m !== null; m = re.exec(markdown)) blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1]! });
  return blocks;
}

/** Type-checks each block as a module of its own; returns the errors, each with the block's line in the page. */
function compileBlocks(blocks: { line: number; code: string }[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(`${ROOT}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error('cannot read tsconfig.json');
  // Examples may name a value to show it without using it.
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, noUnusedLocals: false };
  const files = new Map<string, { line: number; code: string }>(blocks.map((b, i) => [`${ROOT}spec/docs/guide-example-${i + 1}.ts`, b]));
  const host = ts.createCompilerHost(options);
  const readFile = host.getSourceFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, onError, fresh) => {
    const block = files.get(name);
    return block === undefined ? readFile(name, language, onError, fresh) : ts.createSourceFile(name, block.code, language);
  };
  host.fileExists = (name) => files.has(name) || exists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors: string[] = [];
  for (const [name, block] of files) {
    for (const d of ts.getPreEmitDiagnostics(program, program.getSourceFile(name))) {
      const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      errors.push(`docs/guide.md:${block.line + 1 + at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return errors;
}

describe('docs/guide.md: every code example compiles', function () {
  this.timeout(60_000);
  const blocks = tsBlocks(readFileSync(GUIDE, 'utf8'));
  // One compilation (the slow part: the compiler reads lib/) for the page's blocks and one broken
  // on purpose, which must fail, so that a check that saw no error cannot be a check that ran none.
  const broken = { line: -1000, code: "import { createNetwork } from 'plexus';\ncreateNetwork({ name: 'x' }).node('a', { handel: () => undefined });\n" };
  let errors: string[] = [];
  before(() => {
    errors = compileBlocks([...blocks, broken]);
  });

  it('has its examples, each a module with its own imports', () => {
    expect(blocks.length).to.be.greaterThan(8);
    for (const b of blocks) expect(b.code, `the block at line ${b.line}`).to.match(/^import /m);
  });

  it('type-checks each example against the current API', () => {
    expect(errors.filter((e) => !e.startsWith('docs/guide.md:-998:'))).to.deep.equal([]);
  });

  it('finds a broken example (the check itself can fail)', () => {
    expect(errors.join('\n')).to.match(/docs\/guide\.md:-998: .*handel/);
  });
});

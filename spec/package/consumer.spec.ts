import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The package as a user gets it: the tarball `npm pack` makes, installed into a fresh project
// outside the repo, imported by plain Node and type-checked by a strict TypeScript consumer.
// It packs the built dist/ (`npm run build`) rather than building it itself, so the suite stays
// fast on every Node version CI runs it on; without a current build it skips and says so, except
// under CI (CI=1, set by .ci/run), where a missing build is a failure, not a skip.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./consumer/', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The settings a strict consumer would use; nothing Plexus-specific. */
const CONSUMER_TSCONFIG = {
  compilerOptions: { strict: true, module: 'NodeNext', skipLibCheck: false, noEmit: true },
  include: ['*.ts'],
};

interface Run {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command. npm's own variables are dropped from the environment: under `npm test` they
 * point at this repo (npm_config_local_prefix), and the consumer's npm must see only its project.
 */
function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Why the built dist/ cannot be packed (missing, or older than a file in lib/), or undefined when it can. */
function buildProblem(): string | undefined {
  const built = statSync(join(ROOT, 'dist', 'index.js'), { throwIfNoEntry: false });
  if (built === undefined) return 'dist/ is not built (`npm run build`)';
  const lib = join(ROOT, 'lib');
  const stale = readdirSync(lib, { recursive: true, encoding: 'utf8' }).find((path) => statSync(join(lib, path)).mtimeMs > built.mtimeMs);
  return stale === undefined ? undefined : `dist/ is older than lib/${stale} (\`npm run build\`)`;
}

interface PackedFile {
  readonly path: string;
}
interface ExportTarget {
  readonly types: string;
  readonly default: string;
}

describe('package: installed from its tarball into a fresh project', function () {
  const problem = buildProblem();
  if (problem !== undefined) {
    const underCi = !['', '0', 'false'].includes(process.env['CI'] ?? '');
    it(`${underCi ? 'fails under CI' : 'skipped'}: ${problem}, so there is no package to pack`, function () {
      if (underCi) throw new Error(`CI must run the package spec, but ${problem}`);
      this.skip();
    });
    return;
  }
  this.timeout(120_000);
  let project = '';
  let packedFiles: readonly string[] = [];
  let subpaths: readonly string[] = [];
  let exportTargets: readonly ExportTarget[] = [];

  before(async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, ExportTarget | string> };
    const entries = Object.entries(manifest.exports).filter(([key]) => key !== './package.json');
    subpaths = entries.map(([key]) => (key === '.' ? 'plexus' : `plexus/${key.slice(2)}`));
    exportTargets = entries.map(([, target]) => target as ExportTarget);

    project = await mkdtemp(join(tmpdir(), 'plexus-consumer-'));
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], ROOT);
    const [tarball] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
    packedFiles = tarball.files.map((file) => file.path);

    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'plexus-consumer', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(project, tarball.filename)], project);
    await cp(FIXTURE, project, { recursive: true });
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    // Every sub-path export, so that a new entry point cannot ship untested.
    await writeFile(join(project, 'every-export.ts'), subpaths.map((name, i) => `export * as entry${i} from '${name}';\n`).join(''));
    await writeFile(
      join(project, 'every-export.mjs'),
      [
        `const names = ${JSON.stringify(subpaths)};`,
        'const found = {};',
        'for (const name of names) found[name] = Object.keys(await import(name)).length;',
        'console.log(JSON.stringify(found));',
      ].join('\n'),
    );
  });

  after(async () => {
    if (project !== '') await rm(project, { recursive: true, force: true });
  });

  it('ships dist/, README.md, LICENSE and package.json, and nothing else (no lib/, spec/, bench/, .ci/)', () => {
    const stray = packedFiles.filter((path) => !path.startsWith('dist/') && !['README.md', 'LICENSE', 'package.json'].includes(path));
    expect(stray).to.deep.equal([]);
    for (const target of exportTargets) {
      expect(target, 'each export maps its types and its JS').to.include.keys('types', 'default');
      expect(packedFiles).to.include.members([target.types.slice(2), target.default.slice(2)]);
    }
  });

  it('plain Node imports every sub-path export', async () => {
    const { stdout } = await run(process.execPath, ['every-export.mjs'], project);
    const found = JSON.parse(stdout) as Record<string, number>;
    expect(Object.keys(found)).to.deep.equal(subpaths);
    for (const name of subpaths) expect(found[name], name).to.be.greaterThan(0);
  });

  it("plain Node builds a network from 'plexus' and sends a signal through it", async () => {
    const { stdout } = await run(process.execPath, ['main.mjs'], project);
    expect(JSON.parse(stdout)).to.deep.equal({ status: 'accepted', seen: [{ n: 1 }], completed: 1 });
  });

  it('plain Node runs the same network when @opentelemetry/api cannot be imported (an optional peer dependency)', async () => {
    const { stdout } = await run(process.execPath, ['--import', './without-otel.mjs', 'main.mjs'], project);
    expect(JSON.parse(stdout)).to.deep.equal({ status: 'accepted', seen: [{ n: 1 }], completed: 1 });
    const probe = await run(
      process.execPath,
      ['--import', './without-otel.mjs', '--input-type=module', '-e', "await import('@opentelemetry/api').then(() => console.log('found'), () => console.log('hidden'))"],
      project,
    );
    expect(probe.stdout.trim(), 'the hook does hide it').to.equal('hidden');
  });

  it('serves the live dashboard from the installed package: the page, its modules and the runbook are in the tarball', async () => {
    const { stdout } = await run(process.execPath, ['dashboard.mjs'], project);
    expect(JSON.parse(stdout)).to.deep.equal({
      '/': 200,
      '/dashboard/app.js': 200,
      '/dashboard/graph.js': 200,
      '/dashboard/failover.js': 200,
      '/dashboard/forecast.js': 200,
      '/dashboard/style.css': 200,
      '/runbook': 200,
      '/dashboard/operations.md': 200,
    });
  });

  it("plain Node tests a network with 'plexus/testing' (virtual time, a failing handler, the recorder)", async () => {
    const { stdout } = await run(process.execPath, ['testing.mjs'], project);
    // The script's own expectEvents saw failed → retried → completed; its trace shows two attempts.
    expect(JSON.parse(stdout)).to.deep.equal(['started', 'failed', 'started', 'completed']);
  });

  it('type-checks a strict consumer (module NodeNext, skipLibCheck false) of every entry point with zero errors', async () => {
    const checked = await run(process.execPath, [TSC, '-p', project, '--pretty', 'false'], project).catch((error: Error) => ({ stdout: error.message, stderr: '' }));
    expect(checked.stdout.trim()).to.equal('');
  });
});

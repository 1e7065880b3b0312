/**
 * Import rules for lib/, checked by `npm run deps` (in CI after the typecheck).
 *
 * The folders of lib/ form layers, lowest first (docs/architecture.md, "Layering"). A file may
 * import files of its own folder and of lower layers, never of a higher one. Type-only imports
 * count: a type imported upward ties the lower folder to the higher one just the same (it cannot
 * be read, published or tested without it), so the cruise runs with `tsPreCompilationDeps`.
 */

/** Lowest first. The root files (lib/index.ts, lib/error-codes.ts) and lib/testing/ are doors on top. */
const LAYERS = ['util', 'signal', 'mailbox', 'resilience', 'observe', 'delivery', 'node', 'control', 'transport', 'network', 'serve'];

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `lib/${layer}/ is below ${LAYERS.slice(index + 1).join(', ')}, lib/testing/ and the root door files: it must not import them (move the shared type or error down to a leaf file instead)`,
  severity: 'error',
  from: { path: `^lib/${layer}/` },
  to: { path: [`^lib/(${[...LAYERS.slice(index + 1), 'testing'].join('|')})/`, '^lib/[^/]+$'] },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles between files of lib/ (type-only imports included).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'serve-under-doors',
      comment: 'lib/serve/ is the top layer under the doors: it must not import lib/testing/ or the root door files.',
      severity: 'error',
      from: { path: '^lib/serve/' },
      to: { path: ['^lib/testing/', '^lib/[^/]+$'] },
    },
    {
      name: 'lib-not-from-outside',
      comment: 'lib/ never imports specs, benchmarks or demos.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(spec|bench|demos)/' },
    },
    {
      name: 'no-orphans',
      comment: 'A file of lib/ that no other file imports (and that imports nothing) is dead code, or a door that package.json does not list.',
      severity: 'error',
      from: { orphan: true, path: '^lib/' },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a typo in a path, or a package that is not installed).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-dev-dependencies-in-lib',
      comment: 'lib/ ships to users: it must not import devDependencies (chai is the peer dependency of plexus/testing).',
      severity: 'error',
      from: { path: '^lib/' },
      to: { dependencyTypes: ['npm-dev'], pathNot: '^node_modules/(@types/)?chai/' },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['plexus-source', 'import', 'types', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

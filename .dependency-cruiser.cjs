/**
 * The layers of src/, bottom first (docs/architecture.md says what each holds). A module may import
 * from its own layer and the layers below it, never above; no import cycles at all; and the pure
 * layers (everything below git/) touch neither the disk nor processes.
 */
const LAYERS = [
  ['domain'],
  ['markdown'],
  ['dialect'],
  ['model'],
  ['read'],
  ['history', 'workspace'],
  ['rules'],
  ['edit'],
  ['reconcile'],
  ['git'],
  ['app'],
  ['hooks', 'watch', 'run'],
  ['cli', 'mcp', 'index.ts'],
];
const PURE = LAYERS.slice(0, LAYERS.findIndex((l) => l.includes('git'))).flat();
const path = (names) => `^src/(${names.join('|')})(/|$)`;

/** For each layer, the layers above it: importing any of them is forbidden. */
const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.join('-')}`,
  comment: `${layer.join(', ')} may only import from ${LAYERS.slice(0, i + 1).flat().join(', ')}`,
  severity: 'error',
  from: { path: path(layer) },
  to: { path: path(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'an import cycle between files', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'pure-core',
      comment: `the pure layers (${PURE.join(', ')}) do no I/O: the disk, processes and git live in app/ and git/`,
      severity: 'error',
      from: { path: path(PURE) },
      to: { path: '^(node:)?(fs|fs/promises|child_process|net)$|simple-git|chokidar|proper-lockfile', dependencyTypes: ['core', 'npm'] },
    },
    { name: 'no-unresolvable', comment: 'an import that resolves to nothing (mdast is a types-only package, @types/mdast)', severity: 'error', from: {}, to: { couldNotResolve: true, pathNot: '^mdast$' } },
    { name: 'src-not-tests', comment: 'src/ never imports test code', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs'] },
  },
};

// Bundle the CLI into dist/ with esbuild: one entry, heavy modules (remark) split into lazy chunks,
// so `queue ready` on a table-only queue never loads the markdown stack.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { queue: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node\nimport { createRequire as __queueCreateRequire } from "node:module"; const require = __queueCreateRequire(import.meta.url);' },
  logLevel: 'warning',
});

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
  // CommonJS dependencies (commander, simple-git, write-file-atomic) expect require, __filename
  // and __dirname; every output file gets them.
  banner: {
    js: '#!/usr/bin/env node\nimport { createRequire as __queueCreateRequire } from "node:module"; import { fileURLToPath as __queueFileURLToPath } from "node:url"; const require = __queueCreateRequire(import.meta.url); const __filename = __queueFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));',
  },
  logLevel: 'warning',
});

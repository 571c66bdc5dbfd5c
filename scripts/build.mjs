// Bundle the CLI into dist/ with esbuild: one entry, heavy modules (remark) split into lazy chunks,
// so `queue ready` on a table-only queue never loads the markdown stack.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** A hash of the sources and the locked dependencies: the build id that keys the queue index. */
function buildId() {
  const h = createHash('sha1');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) h.update(p).update(readFileSync(p));
    }
  };
  walk(new URL('../src', import.meta.url).pathname);
  h.update(readFileSync(new URL('../package-lock.json', import.meta.url)));
  return h.digest('hex').slice(0, 16);
}

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
  define: { __QUEUE_BUILD__: JSON.stringify(buildId()) },
  logLevel: 'warning',
});

// Bundle the CLI into dist/ with esbuild: one entry, heavy modules (remark) split into lazy chunks,
// so `queue ready` on a table-only queue never loads the markdown stack.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    js: 'import { createRequire as __queueCreateRequire } from "node:module"; import { fileURLToPath as __queueFileURLToPath } from "node:url"; const require = __queueCreateRequire(import.meta.url); const __filename = __queueFileURLToPath(import.meta.url); const __dirname = __filename.slice(0, __filename.lastIndexOf("/"));',
  },
  define: { __QUEUE_BUILD__: JSON.stringify(buildId()) },
  logLevel: 'warning',
});

// The entry is its own launcher: a file that sh and node both read (the `":" //` line is a no-op
// command to sh and a string then a comment to node). sh moves NODE_EXTRA_CA_CERTS aside before
// starting node: node 20 with OpenSSL 3 parses that whole CA bundle at start whether or not the
// process ever opens a TLS connection (nodejs/node#40524; about 70 ms where it is the system bundle),
// and queue opens none. The CLI puts it back into its environment first thing (src/cli/launch.ts),
// so git, and the hooks and credential helpers git runs, still get it. `QUEUE_NODE` names the node
// to run (the hooks pin the one that installed them); default `node` on PATH, as `env node` did.
const LAUNCHER = [
  '#!/bin/sh',
  '":" //; if [ -n "${NODE_EXTRA_CA_CERTS+x}" ]; then QUEUE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export QUEUE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; fi; exec "${QUEUE_NODE:-node}" "$0" "$@"',
  '',
].join('\n');
const entry = new URL('../dist/queue.js', import.meta.url);
writeFileSync(entry, LAUNCHER + readFileSync(entry, 'utf8'));
chmodSync(entry, 0o755);
// The source map's lines move down with the code: one `;` per generated line added.
const mapFile = new URL('../dist/queue.js.map', import.meta.url);
const map = JSON.parse(readFileSync(mapFile, 'utf8'));
map.mappings = ';'.repeat(LAUNCHER.split('\n').length - 1) + map.mappings;
writeFileSync(mapFile, JSON.stringify(map));

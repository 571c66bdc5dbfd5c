// Build dist/: the CLI (dist/queue.js, the package's bin) and the library entry (dist/index.js) in one
// esbuild run, so both share their chunks; heavy modules (remark) are split into lazy chunks, so
// `queue ready` on a table-only queue never loads the markdown stack. Then the library's type
// declarations (dist/types/, tsconfig.build.json). Paths go through node:path and fileURLToPath, so
// this runs on Windows too.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** A hash of the sources and the locked dependencies: the build id that keys the queue index. */
function buildId() {
  const h = createHash('sha1');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      // The path relative to the repository, with `/`: the same id wherever and on whichever OS it is built.
      else if (p.endsWith('.ts')) h.update(relative(root, p).split(sep).join('/')).update(readFileSync(p));
    }
  };
  walk(join(root, 'src'));
  h.update(readFileSync(join(root, 'package-lock.json')));
  return h.digest('hex').slice(0, 16);
}

/** The line every output file starts with; {@link trimBanner} cuts it down to what the file uses. */
const BANNER =
  'import { createRequire as __queueCreateRequire } from "node:module"; import { dirname as __queueDirname } from "node:path"; import { fileURLToPath as __queueFileURLToPath } from "node:url"; const require = __queueCreateRequire(import.meta.url); const __filename = __queueFileURLToPath(import.meta.url); const __dirname = __queueDirname(__filename);';

/**
 * The banner for a file whose code (after the banner) is `body`: only the bindings it names, and
 * only the node: modules those need; '' when it names none. Most chunks are our own ESM code and
 * name none; only the chunk of esbuild's `__require` helper, and a few dependencies, need them.
 * A name found in a comment or a string only keeps a binding that is not needed.
 */
function trimBanner(body) {
  const uses = (name) => new RegExp(`(?<![\\w$.])${name}(?![\\w$])`).test(body);
  const req = uses('require');
  const dir = uses('__dirname');
  const file = dir || uses('__filename');
  const out = [];
  if (req) out.push('import { createRequire as __queueCreateRequire } from "node:module";');
  if (dir) out.push('import { dirname as __queueDirname } from "node:path";');
  if (file) out.push('import { fileURLToPath as __queueFileURLToPath } from "node:url";');
  if (req) out.push('const require = __queueCreateRequire(import.meta.url);');
  if (file) out.push('const __filename = __queueFileURLToPath(import.meta.url);');
  if (dir) out.push('const __dirname = __queueDirname(__filename);');
  return out.join(' ');
}

/**
 * Work two dependencies do when they are evaluated, for every command, that most commands never
 * need; here each is done on first use instead. commander requires node:child_process (it brings
 * in net, dgram, streams) for executable subcommands, which queue has none of. string-width builds
 * an Intl.Segmenter (ICU's break-iterator data: 10 to 30 ms) that measuring printable ASCII never
 * uses (src/cli/format.ts measures that itself). Each edit is [file, text, replacement]; the build
 * fails when a text is not there, so a new version of either package is looked at, not missed.
 */
const LAZY = [
  [
    /[\\/]commander[\\/]lib[\\/]command\.js$/,
    "const childProcess = require('node:child_process');",
    "const childProcess = { get spawn() { return require('node:child_process').spawn; } };",
  ],
  [/[\\/]string-width[\\/]index\.js$/, 'const segmenter = new Intl.Segmenter();', 'let segmenter;'],
  [/[\\/]string-width[\\/]index\.js$/, 'of segmenter.segment(string)', 'of (segmenter ??= new Intl.Segmenter()).segment(string)'],
];
const lazyDependencies = {
  name: 'lazy-dependencies',
  setup(b) {
    b.onLoad({ filter: /[\\/](commander[\\/]lib[\\/]command|string-width[\\/]index)\.js$/ }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      for (const [file, text, replacement] of LAZY) {
        if (!file.test(args.path)) continue;
        if (!src.includes(text)) throw new Error(`${args.path}: no ${text} to replace; check what this version of the package needs`);
        src = src.replace(text, replacement);
      }
      return { contents: src, loader: 'js' };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { queue: 'src/cli/bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (commander, simple-git, proper-lockfile) expect require, __filename
  // and __dirname; every output file gets them here, and keeps only those it uses (below).
  banner: { js: BANNER },
  plugins: [lazyDependencies],
  // The package's name and version (`queue --version`, the workflow `hooks install --github-action`
  // writes) come from package.json, read here once.
  define: {
    __QUEUE_BUILD__: JSON.stringify(buildId()),
    __QUEUE_NAME__: JSON.stringify(pkg.name),
    __QUEUE_VERSION__: JSON.stringify(pkg.version),
  },
  logLevel: 'warning',
});

// Each output file keeps only the part of the banner it uses (trimBanner). The banner is the file's
// first line, which has no mappings: a file that needs none of it loses the line, and its source
// map the `;` that stood for it.
for (const p of [dist, join(dist, 'chunks')].flatMap((d) => readdirSync(d).map((f) => join(d, f)))) {
  if (!p.endsWith('.js')) continue;
  const text = readFileSync(p, 'utf8');
  if (!text.startsWith(`${BANNER}\n`)) throw new Error(`${p} does not start with the banner`);
  const body = text.slice(BANNER.length + 1);
  const banner = trimBanner(body);
  if (banner) {
    writeFileSync(p, `${banner}\n${body}`);
    continue;
  }
  writeFileSync(p, body);
  const map = JSON.parse(readFileSync(`${p}.map`, 'utf8'));
  if (map.mappings === '') continue; // a file of re-exports only: nothing is mapped
  if (!map.mappings.startsWith(';')) throw new Error(`${p}.map maps the banner's line`);
  map.mappings = map.mappings.slice(1);
  writeFileSync(`${p}.map`, JSON.stringify(map));
}

// The bin is a plain node script: npm links it on POSIX and wraps it in a .cmd/.ps1 shim on Windows,
// both of which read this line to run node.
const SHEBANG = '#!/usr/bin/env node\n';
const entry = join(dist, 'queue.js');
writeFileSync(entry, SHEBANG + readFileSync(entry, 'utf8'));
chmodSync(entry, 0o755);
// The source map's lines move down with the code: one `;` per generated line added.
const mapFile = join(dist, 'queue.js.map');
const map = JSON.parse(readFileSync(mapFile, 'utf8'));
map.mappings = `;${map.mappings}`;
writeFileSync(mapFile, JSON.stringify(map));

// The library's type declarations, by the TypeScript this repository pins.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });

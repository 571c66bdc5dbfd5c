/**
 * Installing the git hooks without ever losing someone else's hook: an existing hook is kept as
 * `<name>.queue-chained` and run after queue's check with the same arguments and stdin. The hooks
 * directory is git's own answer (`git rev-parse --git-path hooks`, which follows `core.hooksPath`);
 * under husky (core.hooksPath `.husky/_`) queue adds a line to `.husky/<name>`; under lefthook it
 * adds a command to lefthook.yml. The installed hook runs the node and the queue that installed it,
 * by absolute path.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { Git } from '../git/git.js';

/** The line that marks a hook file as queue's: a file without it is the user's and is chained, never overwritten. */
export const MARK = '# queue hook';
const CHAINED = '.queue-chained';

/**
 * How the installed hooks call queue: this node on this queue's entry (dist/queue.js, a plain ES
 * module), both by absolute path, so a hook runs the queue that installed it whatever PATH holds.
 * A shell command that arguments may follow: when either file is gone (node upgraded, queue
 * uninstalled, npx's cache cleared) it fails with one line saying how to repair the hook (code
 * `broken_install`), where node would print a stack trace on every commit.
 */
export function queueCommand(): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const [node, entry] = [process.execPath, resolve(process.argv[1])];
  const gone = `queue: this git hook runs ${entry} with ${node}, and one of them is gone (an upgrade, an uninstall, a cleared npx cache): install queue again and run queue hooks install [broken_install]`;
  return `{ [ -x ${q(node)} ] && [ -f ${q(entry)} ] || { echo ${q(gone)} >&2; false; }; } && ${q(node)} ${q(entry)}`;
}

/** Where `entry` (this queue's dist/queue.js) lies in a directory that is cleared under it: npx's cache. */
export function transientInstall(entry = resolve(process.argv[1])): boolean {
  return /[\\/]_npx[\\/]/.test(entry);
}

/** The hook script: queue's check, then the chained hook, both with the same stdin. */
function script(name: string, cmd: string, stdin: boolean): string {
  const lines = ['#!/bin/sh', `${MARK}: judges queue transitions by the claim rules, then runs the hook it replaced (${name}${CHAINED}).`];
  if (stdin) {
    // queue's own transaction pushes a commit it has just proved: skip the check (the server still judges).
    if (name === 'pre-push') lines.push(`if [ "$QUEUE_IN_TRANSACTION" = 1 ]; then if [ -x "$0${CHAINED}" ]; then exec "$0${CHAINED}" "$@"; fi; exit 0; fi`);
    lines.push('input=$(mktemp) || exit 1', 'cat > "$input"', `${cmd} hooks run ${name} "$@" < "$input" || { rm -f "$input"; exit 1; }`);
    lines.push(`if [ -x "$0${CHAINED}" ]; then "$0${CHAINED}" "$@" < "$input"; status=$?; rm -f "$input"; exit $status; fi`, 'rm -f "$input"');
  } else {
    lines.push(`${cmd} hooks run ${name} "$@" || exit 1`, `if [ -x "$0${CHAINED}" ]; then exec "$0${CHAINED}" "$@"; fi`);
  }
  return `${lines.join('\n')}\n`;
}

/** What `queue hooks install` did, and which hook layout it found (a hooks dir, husky, lefthook, a bare remote). */
export interface InstallResult {
  /** Files written or changed. */
  wrote: string[];
  /** Hooks found and kept (chained). */
  chained: string[];
  layout: 'hooks-dir' | 'husky' | 'lefthook' | 'server';
  /** What the installer should know (a server hook put in a repository with a work tree), one line each. */
  notes: string[];
}

const STDIN = new Set(['pre-push', 'pre-receive']);

function installScript(path: string, name: string, cmd: string, out: InstallResult): void {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) && !readFileSync(path, 'utf8').includes(MARK)) {
    if (existsSync(path + CHAINED)) throw new Error(`${path}${CHAINED} exists already; move it away first`);
    renameSync(path, path + CHAINED);
    out.chained.push(path);
  }
  writeFileSync(path, script(name, cmd, STDIN.has(name)));
  chmodSync(path, 0o755);
  out.wrote.push(path);
}

/** Install `pre-commit` and `pre-push` in the work tree at `root` (or `pre-receive` with `server`, in a bare repository). */
export async function install(root: string, opts: { server?: boolean } = {}): Promise<InstallResult> {
  const out = await installHooks(root, opts);
  if (transientInstall()) out.notes.push(TRANSIENT);
  return out;
}

async function installHooks(root: string, opts: { server?: boolean }): Promise<InstallResult> {
  const git = new Git(root);
  const cmd = queueCommand();
  if (opts.server) {
    const out: InstallResult = { wrote: [], chained: [], layout: 'server', notes: [] };
    installScript(join(await hooksDir(git, root), 'pre-receive'), 'pre-receive', cmd, out);
    // A work tree's repository is seldom the one a team pushes to.
    if ((await git.line(['rev-parse', '--is-bare-repository']).catch(() => 'true')).trim() === 'false')
      out.notes.push(
        `${root} is not a bare repository: its pre-receive judges only pushes to this repository; the team's remote is guarded by running queue hooks install --server in the bare repository the clones push to`,
      );
    // A HEAD naming no branch here, beside others: every push would be refused until it is set.
    const { unguardedReason } = await import('./run.js');
    const head = await unguardedReason(root);
    if (head) out.notes.push(head);
    return out;
  }
  const names = ['pre-commit', 'pre-push'];
  const hooksPath = (await git.line(['config', '--get', 'core.hooksPath']).catch(() => '')).trim();
  const lefthook = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml'].map((f) => join(root, f)).find((f) => existsSync(f));
  if (lefthook) return installLefthook(lefthook, names, cmd);
  if (/(^|\/)\.husky(\/_)?\/?$/.test(hooksPath)) {
    const out: InstallResult = { wrote: [], chained: [], layout: 'husky', notes: [] };
    for (const name of names) {
      const path = join(root, '.husky', name);
      const line = `${cmd} hooks run ${name} "$@" || exit 1 ${MARK}`;
      const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (old.includes(MARK)) continue;
      writeFileSync(path, `${(old && !old.endsWith('\n') ? `${old}\n` : old) + line}\n`);
      chmodSync(path, 0o755);
      out.wrote.push(path);
    }
    return out;
  }
  const dir = await hooksDir(git, root);
  const out: InstallResult = { wrote: [], chained: [], layout: 'hooks-dir', notes: [] };
  for (const name of names) installScript(join(dir, name), name, cmd, out);
  return out;
}

/** The note for hooks installed from npx's cache, which npm may clear at any time. */
const TRANSIENT = `this queue runs from npx's cache, which npm may clear: the hooks would then refuse every commit until installed again; install queue in the project (npm install --save-dev workqueue.md) or globally, and run queue hooks install with that one`;

async function hooksDir(git: Git, root: string): Promise<string> {
  const p = await git.line(['rev-parse', '--git-path', 'hooks']);
  return isAbsolute(p) ? p : resolve(root, p);
}

/** lefthook runs the commands listed in lefthook.yml; queue adds its own (comments and order kept). */
function installLefthook(file: string, names: string[], cmd: string): InstallResult {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  for (const name of names) {
    doc.setIn([name, 'commands', 'queue', 'run'], `${cmd} hooks run ${name}${STDIN.has(name) ? ' {1} {2}' : ''}`);
    if (STDIN.has(name)) doc.setIn([name, 'commands', 'queue', 'use_stdin'], true);
  }
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return { wrote: [file], chained: [], layout: 'lefthook', notes: [] };
}

/** Remove queue's hooks and put back the hooks they chained to. */
export async function uninstall(root: string, opts: { server?: boolean } = {}): Promise<string[]> {
  const git = new Git(root);
  const removed: string[] = [];
  const dir = await hooksDir(git, root);
  for (const name of opts.server ? ['pre-receive'] : ['pre-commit', 'pre-push']) {
    const path = join(dir, name);
    if (existsSync(path) && readFileSync(path, 'utf8').includes(MARK)) {
      rmSync(path);
      removed.push(path);
      if (existsSync(path + CHAINED)) renameSync(path + CHAINED, path);
    }
    const husky = join(root, '.husky', name);
    if (existsSync(husky) && readFileSync(husky, 'utf8').includes(MARK)) {
      writeFileSync(
        husky,
        readFileSync(husky, 'utf8')
          .split('\n')
          .filter((l) => !l.includes(MARK))
          .join('\n'),
      );
      removed.push(husky);
    }
  }
  for (const f of ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml'].map((x) => join(root, x)).filter((x) => existsSync(x))) {
    const doc = parseDocument(readFileSync(f, 'utf8'));
    let changed = false;
    for (const name of ['pre-commit', 'pre-push']) if (doc.hasIn([name, 'commands', 'queue'])) changed = doc.deleteIn([name, 'commands', 'queue']) || changed;
    if (changed) {
      writeFileSync(f, doc.toString({ lineWidth: 0 }));
      removed.push(f);
    }
  }
  return removed;
}

declare const __QUEUE_NAME__: string | undefined;
declare const __QUEUE_VERSION__: string | undefined;
/**
 * The npm package spec the workflow installs: package.json's name and version, put in by the build
 * (scripts/build.mjs). Run from the sources unbuilt, the version is unknown and the spec unpinned.
 */
const PACKAGE = typeof __QUEUE_NAME__ === 'string' && typeof __QUEUE_VERSION__ === 'string' ? `${__QUEUE_NAME__}@${__QUEUE_VERSION__}` : 'workqueue.md';

/**
 * `.github/workflows/queue-validate.yml`: `queue validate --range` on pushes and pull requests
 * (github.com runs no pre-receive hooks; a required check with branch protection is the gate there).
 */
export function githubAction(root: string): string {
  const here = resolve(process.argv[1]);
  const rel = relative(root, here);
  const inRepo = !rel.startsWith('..') && !isAbsolute(rel);
  // queue is run from this repository when it lives here; otherwise this package, at the version
  // that wrote the workflow, from npm (adjust to how the repository installs queue).
  const run = inRepo ? `node ${rel.split('\\').join('/')}` : `npx --yes --package=${PACKAGE} -- queue`;
  const setup = inRepo ? ['      - run: npm ci'] : [];
  const text = [
    '# Written by `queue hooks install --github-action`: judges every commit that changes the queue',
    '# by the claim rules. Make it a required check (branch protection) to refuse what breaks them.',
    'name: queue-validate',
    'on:',
    '  push:',
    '  pull_request:',
    'jobs:',
    '  validate:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-depth: 0',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    ...setup,
    '      - name: queue validate --range',
    '        env:',
    "          BEFORE: ${{ github.event_name == 'pull_request' && github.event.pull_request.base.sha || github.event.before }}",
    "          AFTER: ${{ github.event_name == 'pull_request' && github.event.pull_request.head.sha || github.sha }}",
    '        run: |',
    '          if [ -z "$BEFORE" ] || [ "$BEFORE" = "0000000000000000000000000000000000000000" ]; then range="$AFTER"; else range="$BEFORE..$AFTER"; fi',
    `          ${run} validate --range "$range"`,
    '',
  ].join('\n');
  const path = join(root, '.github', 'workflows', 'queue-validate.yml');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

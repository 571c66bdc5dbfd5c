/** Real git repositories for tests: a bare remote and clones in a temp dir. No mocks. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';

export const BIN = join(ROOT, 'dist', 'queue.js');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `git` with extra environment (e.g. a backdated `GIT_COMMITTER_DATE`). */
export function gitEnv(cwd: string, env: Record<string, string>, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

/** A bare remote seeded with `files` (paths may name directories), and `clones` clones of it. */
export function setup(files: Record<string, string | Uint8Array>, clones: number, seedEnv: Record<string, string> = {}): { dir: string; remote: string; clones: string[] } {
  const dir = tempDir('queue-git-');
  const remote = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  const seed = join(dir, 'seed');
  git(dir, 'clone', '-q', remote, seed);
  identity(seed, 'seed');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, name)), { recursive: true });
    writeFileSync(join(seed, name), text);
  }
  git(seed, 'add', '.');
  gitEnv(seed, seedEnv, 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
  const out: string[] = [];
  for (let i = 0; i < clones; i++) {
    const c = join(dir, `clone-${i}`);
    git(dir, 'clone', '-q', remote, c);
    identity(c, `clone ${i}`);
    out.push(c);
  }
  return { dir, remote, clones: out };
}

function identity(repo: string, name: string) {
  git(repo, 'config', 'user.name', name);
  git(repo, 'config', 'user.email', `${name.replace(/\s/g, '')}@example.com`);
}

/**
 * A clone of an empty bare remote (`main`), committing as `who` (`<who>@example.com`, spaces taken
 * out): what `git clone` of a new repository gives, a clone that knows no `origin/HEAD`.
 */
export function emptyRemoteClone(prefix: string, who: string): { dir: string; remote: string; clone: string } {
  const dir = tempDir(prefix);
  const remote = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  const clone = join(dir, 'clone');
  git(dir, 'clone', '-q', remote, clone);
  git(clone, 'config', 'user.name', who);
  git(clone, 'config', 'user.email', `${who.replace(/\s+/g, '').toLowerCase()}@example.com`);
  return { dir, remote, clone };
}

/** The queue file at the remote's main. */
export function remoteFile(remote: string, file = 'WORK_QUEUE.md'): string {
  return git(remote, 'show', `main:${file}`);
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Run `queue ...args` in `cwd` as a real process. */
export function queue(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(BIN, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => {
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* not JSON */
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

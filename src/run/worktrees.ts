/**
 * The workers' git worktrees: one per worker, on a branch of its own (`queue-run/<agent>`), under
 * the configured directory (`"run": {"worktrees": ".queue-run"}`), reused across runs and removed by
 * `queue run --clean`. Each attempt starts from the shared branch's tip, with nothing of an earlier
 * attempt left behind.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { slug } from '../dialect/normalize.js';
import { Git } from '../git/git.js';

/** The branch a worker's worktree has checked out. */
export function workerBranch(agent: string): string {
  return `queue-run/${slug(agent, 40) || 'worker'}`;
}

/** The worktree directory of worker `agent` under `dir` (absolute). */
export function worktreeDir(dir: string, agent: string): string {
  return join(dir, slug(agent, 40) || 'worker');
}

/**
 * The worktree at `path` checked out on `branch` at `commit`, clean (tracked files as committed,
 * untracked files removed; ignored ones such as `node_modules` kept). Created on first use.
 */
export async function prepareWorktree(root: string, path: string, branch: string, commit: string): Promise<void> {
  if (!existsSync(join(path, '.git'))) {
    const git = new Git(root);
    await git.raw(['worktree', 'prune']);
    mkdirSync(join(path, '..'), { recursive: true });
    await git.raw(['worktree', 'add', '-q', '-f', '-B', branch, path, commit]);
    return;
  }
  const wt = new Git(path);
  // A rebase or merge an earlier run was killed in the middle of (its state is in the worktree's git dir).
  const gitdir = /^gitdir: (.*)$/m.exec(readFileSync(join(path, '.git'), 'utf8'))?.[1]?.trim();
  if (!gitdir || existsSync(join(gitdir, 'rebase-merge')) || existsSync(join(gitdir, 'rebase-apply'))) await wt.raw(['rebase', '--abort']).catch(() => '');
  if (!gitdir || existsSync(join(gitdir, 'MERGE_HEAD'))) await wt.raw(['merge', '--abort']).catch(() => '');
  await wt.raw(['checkout', '-q', '-f', '-B', branch, commit]);
  await wt.raw(['clean', '-q', '-f', '-d']);
}

/**
 * Keep the runner's directories out of `git status` of the clone: `/<dir>/` lines in the common
 * git dir's `info/exclude` for the worktrees and the logs, when under the repository root.
 */
export function excludeFromStatus(root: string, common: string, dirs: string[]): void {
  const file = join(common, 'info', 'exclude');
  const have = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const lines = dirs
    .map((d) => relative(root, d).split('\\').join('/'))
    .filter((d) => d && !d.startsWith('..'))
    .map((d) => `/${d}/`);
  const missing = lines.filter((l) => !have.split(/\r?\n/).includes(l));
  if (missing.length === 0) return;
  mkdirSync(join(common, 'info'), { recursive: true });
  appendFileSync(file, `${have && !have.endsWith('\n') ? '\n' : ''}${missing.join('\n')}\n`);
}

/** `queue run --clean`: remove every worktree under `dir` and its worker branch. Returns the paths removed. */
export async function removeWorktrees(root: string, dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const git = new Git(root);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!existsSync(join(path, '.git'))) continue;
    const branch = (await new Git(path).line(['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => '')) || null;
    await git.raw(['worktree', 'remove', '--force', path]);
    if (branch?.startsWith('queue-run/')) await git.raw(['branch', '-q', '-D', branch]).catch(() => '');
    removed.push(path);
  }
  await git.raw(['worktree', 'prune']);
  return removed;
}

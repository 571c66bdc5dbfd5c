/**
 * After a transaction: bring the clone's own branch and working file up to the commit
 * just published, when that is safe, and never over local changes.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { QueueError } from '../domain/errors.js';
import { Git, GitFailure, lockNamed } from './git.js';
import type { BranchRef, TransactionResult } from './types.js';

/**
 * Bring the local side up to date with the published commit, when safe:
 * - the checked-out shared branch is fast-forwarded (`merge --ff-only` after a push; after a local
 *   `update-ref`, `read-tree -m -u` moves index and work tree from the old tip to the new one);
 *   git refuses both when a local change to the queue file would be overwritten. After a push the
 *   note says so; after a local `update-ref` the branch is moved back and QueueError `git` thrown
 *   (nothing committed), since a branch ahead of its own index is undone by the next `git commit`;
 * - after a push, a local shared branch that is not checked out here is fast-forwarded with
 *   `git fetch . <remote-tracking>:<branch>`, which git refuses when the branch has commits of its
 *   own or is checked out in another worktree (moving it there would leave that worktree's index
 *   and files behind, as if the commit were being undone);
 * - after a local `update-ref` of a branch checked out in another worktree, that worktree's index
 *   and files are moved the same way as here (`read-tree -m -u`), or the note says why not.
 */
export async function syncLocal(git: Git, opts: BranchRef, head: string | null, base: string, commit: string): Promise<Pick<TransactionResult, 'sync' | 'note'>> {
  const target = `refs/heads/${opts.branch}`;
  if (head === target) {
    if (!opts.remote) {
      // The ref already points at `commit`; move index and work tree from `base` to it. read-tree
      // trusts the index's file times: a file rewritten with the same bytes since git last looked
      // (an editor's save, a no-op script) looks changed to it until the index is refreshed.
      if (await git.ok(['read-tree', '-m', '-u', base, commit])) return { sync: 'updated' };
      await git.ok(['update-index', '-q', '--refresh']);
      if (await git.ok(['read-tree', '-m', '-u', base, commit])) return { sync: 'updated' };
      // They cannot follow (a local change to the file, or another git command's index.lock). A
      // checked-out branch ahead of its index would have the next `git commit` undo this one: the
      // branch goes back (compare-and-swap) and the write is refused, HEAD, index and work tree agreeing.
      const locked = existsSync(resolve(git.dir, await git.line(['rev-parse', '--git-path', 'index.lock']).catch(() => '.git/index.lock')));
      const undone = await git.ok(['update-ref', '-m', 'queue: work tree could not follow', target, base, commit]);
      const why = locked
        ? 'another git command holds the index (.git/index.lock; if none is running, a crashed one left it: remove it)'
        : `${opts.file} has local changes (commit or stash them, or use --no-commit to edit the working file)`;
      throw new QueueError(
        'git',
        undone
          ? `nothing was committed: ${why}, so the work tree could not follow ${opts.branch}`
          : `${opts.branch} moved to ${commit.slice(0, 7)} and on again, but the work tree could not follow: ${why}; then run git reset --keep ${opts.branch}`,
        { committed: !undone, commit },
      );
    }
    // git refuses a merge that is not a fast-forward, or that would overwrite local changes.
    // No auto-maintenance after it, as with queue's fetches: the user's own git commands keep the
    // repository.
    const failure = await git.raw(['-c', 'maintenance.auto=false', 'merge', '--ff-only', commit]).then(
      () => null,
      (e: unknown) => (e instanceof GitFailure ? e.stderr : String(e)),
    );
    if (failure === null) return { sync: 'updated' };
    if (/index\.lock/.test(failure)) {
      return {
        sync: 'skipped',
        note: `another git command was running in this clone (index.lock): ${opts.branch} was not fast-forwarded to ${commit.slice(0, 7)}; pull to get it`,
      };
    }
    // A ref's lock (`refs/heads/main.lock`): git may have moved index and work tree before it failed
    // to move the branch, so what is left looks like local changes. The lock is what to name.
    const refLock = lockNamed(failure);
    if (refLock) {
      return {
        sync: 'skipped',
        note: `${refLock} exists (another git command is running in this clone, or one that crashed left it): ${opts.branch} was not fast-forwarded to ${commit.slice(0, 7)}; once it is gone, git pull --ff-only`,
      };
    }
    if ((await git.line(['rev-list', '--count', `${commit}..HEAD`])) !== '0') {
      return { sync: 'skipped', note: `local ${opts.branch} has commits of its own: pull to get ${commit.slice(0, 7)}` };
    }
    return {
      sync: 'skipped',
      note: `local changes in the work tree: ${opts.branch} was not fast-forwarded to ${commit.slice(0, 7)} (commit or stash them, then git pull --ff-only)`,
    };
  }
  if (opts.remote) {
    // No local branch of that name: none is created.
    if (!(await git.ok(['show-ref', '--verify', target]))) return { sync: 'not-checked-out' };
    try {
      await git.raw(['fetch', '-v', '--no-tags', '--no-prune', '--no-write-fetch-head', '--no-recurse-submodules', '.', `refs/remotes/${opts.remote}/${opts.branch}:${target}`]);
      return { sync: 'not-checked-out' };
    } catch (e) {
      const why = e instanceof GitFailure ? /checked out at '([^']+)'/.exec(e.stderr) : null;
      return {
        sync: 'not-checked-out',
        note: why
          ? `${opts.branch} is checked out in ${why[1]}: pull there to get ${commit.slice(0, 7)}`
          : `local ${opts.branch} has commits of its own: pull to get ${commit.slice(0, 7)}`,
      };
    }
  }
  // Without a remote the branch itself has moved: a worktree that has it checked out follows.
  const other = await worktreeWith(git, target);
  if (other === null) return { sync: 'not-checked-out' };
  const ok = await new Git(other).ok(['read-tree', '-m', '-u', base, commit]);
  return ok
    ? { sync: 'updated' }
    : { sync: 'skipped', note: `${opts.file} has local changes in ${other}: the commit is on ${opts.branch}, but that worktree's file was left as it was` };
}

/** The worktree (path) that has `ref` checked out, or null. Listed with `git worktree list --porcelain`. */
async function worktreeWith(git: Git, ref: string): Promise<string | null> {
  let path: string | null = null;
  for (const line of (await git.raw(['worktree', 'list', '--porcelain'])).split('\n')) {
    if (line.startsWith('worktree ')) path = line.slice('worktree '.length);
    else if (line === `branch ${ref}`) return path;
  }
  return null;
}

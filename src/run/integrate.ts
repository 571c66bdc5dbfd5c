/**
 * Landing a worker's commits on the shared branch, before the story is marked done
 * (deployment/decisions/0014-run-integration.md):
 *
 * - `rebase` (default): the worker's commits are rebased onto the shared tip and pushed as a
 *   fast-forward; a rejected push (someone wrote first) fetches and rebases again, like a claim.
 * - `merge`: the tip is merged into the worker's branch and the merge pushed as a fast-forward.
 * - `branch`: the worker's branch is pushed as `queue-run/<story>`; the story goes to review.
 *
 * A conflict leaves the shared branch as it was and names the conflicting files. So does work that
 * changes a guarded file (the queue file): the queue changes only through queue's own transactions,
 * which the claim rules judge, never as part of an agent's commits.
 */
import { serially } from '../git/lock.js';
import { Git } from '../git/git.js';
import type { IntegrateMode } from '../domain/config.js';
import { slug } from '../dialect/normalize.js';

/** Where the work is and where it goes. */
export interface IntegrateTarget {
  /** The worker's worktree. */
  worktree: string;
  /** The clone's common git dir (its lock orders ref updates with the clone's queue transactions). */
  common: string;
  /** Remote of the shared branch, or null (the local branch, by `git update-ref` as a compare-and-swap). */
  remote: string | null;
  /** The shared branch. */
  branch: string;
  mode: IntegrateMode;
  /** The story, for `branch` mode's branch name. */
  story: string;
  /** Attempts before a race is given up. */
  maxAttempts: number;
  /** The shared tip as just fetched, if the caller has it (saves a fetch). */
  tip?: string;
  /** Paths (relative to the repository root, `/` separators) the worker's commits may not change: the queue file. */
  guarded?: readonly string[];
}

/** What {@link integrate} did. */
export type Integrated =
  | {
      kind: 'ok';
      /** The commits now on the shared branch (or the pushed branch), oldest first; empty when the worker made none. */
      commits: string[];
      /** With `branch`: the branch pushed. */
      pushedBranch?: string;
      /** Files the agent left changed but did not commit (discarded). */
      uncommitted: string[];
    }
  | { kind: 'conflict'; files: string[]; uncommitted: string[] }
  /** The commits change guarded files (listed); nothing was landed. */
  | { kind: 'guarded'; files: string[]; uncommitted: string[] };

/** The shared tip, fetched first (under the clone's lock) when there is a remote. */
async function fetchTip(git: Git, t: IntegrateTarget): Promise<string> {
  if (!t.remote) return git.line(['rev-parse', '--verify', `refs/heads/${t.branch}^{commit}`]);
  const remote = t.remote;
  return serially(t.common, async () => {
    await git.raw(['fetch', '-q', '--no-write-fetch-head', '--no-auto-maintenance', remote, `+refs/heads/${t.branch}:refs/remotes/${remote}/${t.branch}`]);
    return git.line(['rev-parse', '--verify', `refs/remotes/${remote}/${t.branch}^{commit}`]);
  });
}

/** Publish `head` on the shared branch if it is still at `tip`: a fast-forward push, or update-ref without a remote. */
async function publish(git: Git, t: IntegrateTarget, head: string, tip: string): Promise<boolean> {
  try {
    if (t.remote) {
      const remote = t.remote;
      await serially(t.common, () => git.raw(['push', '-q', '--no-verify', remote, `${head}:refs/heads/${t.branch}`]));
    } else await git.quiet(['update-ref', `refs/heads/${t.branch}`, head, tip]);
    return true;
  } catch {
    return false;
  }
}

async function conflicted(git: Git): Promise<string[]> {
  const out = await git.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => '');
  return out.split('\n').filter(Boolean);
}

/**
 * Land the commits of `t.worktree`'s HEAD that the shared branch lacks. Uncommitted changes are
 * discarded (the agent commits its work) and listed. Throws GitFailure when git fails otherwise,
 * or after `maxAttempts` lost races.
 */
export async function integrate(t: IntegrateTarget): Promise<Integrated> {
  const git = new Git(t.worktree);
  const uncommitted = (await git.raw(['status', '--porcelain', '--untracked-files=all']))
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  if (uncommitted.length) {
    await git.raw(['reset', '-q', '--hard', 'HEAD']);
    await git.raw(['clean', '-q', '-f', '-d']);
  }
  let tip = t.tip ?? (await fetchTip(git, t));
  const own = async (base: string) => (await git.raw(['rev-list', '--reverse', 'HEAD', '--not', base])).split('\n').filter(Boolean);
  if ((await own(tip)).length === 0) return { kind: 'ok', commits: [], uncommitted };
  if (t.mode === 'branch') {
    const pushedBranch = `queue-run/${slug(t.story, 40) || 'story'}`;
    const commits = await own(tip);
    if (t.remote) {
      const remote = t.remote;
      await serially(t.common, () => git.raw(['push', '-q', '-f', '--no-verify', remote, `HEAD:refs/heads/${pushedBranch}`]));
    } else await git.raw(['branch', '-f', pushedBranch, 'HEAD']);
    return { kind: 'ok', commits, pushedBranch, uncommitted };
  }
  for (let attempt = 1; attempt <= t.maxAttempts; attempt++) {
    if (attempt > 1) {
      await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));
      tip = await fetchTip(git, t);
    }
    const before = await git.line(['rev-parse', 'HEAD']);
    try {
      if (t.mode === 'rebase') await git.raw(['rebase', '-q', tip]);
      else if (
        (await git.raw(['merge-base', '--is-ancestor', tip, 'HEAD']).then(
          () => true,
          () => false,
        )) === false
      )
        await git.raw(['merge', '-q', '--no-edit', '-m', `Merge ${t.branch} into the work on ${t.story}`, tip]);
    } catch {
      const files = await conflicted(git);
      await git.raw([t.mode === 'rebase' ? 'rebase' : 'merge', '--abort']).catch(() => '');
      await git.raw(['reset', '-q', '--hard', before]).catch(() => '');
      return { kind: 'conflict', files, uncommitted };
    }
    const head = await git.line(['rev-parse', 'HEAD']);
    if (t.guarded?.length) {
      const touched = (await git.raw(['diff', '--name-only', '--no-renames', tip, head, '--', ...t.guarded])).split('\n').filter(Boolean);
      if (touched.length) {
        await git.raw(['reset', '-q', '--hard', before]).catch(() => '');
        return { kind: 'guarded', files: touched, uncommitted };
      }
    }
    const commits = await own(tip);
    if (await publish(git, t, head, tip)) return { kind: 'ok', commits, uncommitted };
    // Lost a race: undo a merge (a rebase is redone onto the new tip as it is).
    if (t.mode === 'merge') await git.raw(['reset', '-q', '--hard', before]);
  }
  throw new Error(`could not land the commits on ${t.branch}: the branch kept moving (${t.maxAttempts} attempts)`);
}

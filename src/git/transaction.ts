/**
 * A queue write as a git transaction (issue 3; the design is ../shared/notes/facts.md "Git").
 *
 * One attempt: read the queue blob at the tip of the shared branch (the remote's, just fetched),
 * decide and edit in memory, write blob, tree and commit with plumbing (`hash-object -w`, trees
 * rebuilt from `ls-tree` (tree.ts; facts.md suggests a temporary index, which costs simple-git's
 * 50 ms wait twice), `commit-tree -p <tip>`), then publish it with a compare-and-swap: a push that
 * must fast-forward, or without a remote `update-ref <ref> <new> <tip>`. When the CAS fails another
 * writer got there first: fetch and decide again on the new tip, after a jittered backoff, up to
 * `maxAttempts`. The work tree and the index are never touched by an attempt, so it runs beside
 * dirty trees, other branches and worktrees; afterwards the local branch and the working file are
 * fast-forwarded when that is safe (never over local changes).
 *
 * A lock in the common git dir orders the processes of one clone and its worktrees (they share
 * remote-tracking refs and would otherwise fail on each other's ref locks); clones never share it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import type { QueueConfig } from '../core/config.js';
import { QueueError } from '../core/errors.js';
import { readQueue, type Queue } from '../core/read.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import type { Decision } from '../edit/decide.js';
import { Git, GitFailure } from './git.js';
import { listTree, treeWith, type TreeEntry } from './tree.js';

/** Options of {@link transact}: where (a {@link BranchRef}) and what. */
export interface TransactionOptions extends BranchRef {
  /** Attempts before `conflict_retries_exhausted`. */
  maxAttempts: number;
  /** Decide on the queue as read at the tip `base`; throws a QueueError to refuse (never retried). */
  decide: (queue: Queue, base: string) => Decision | Promise<Decision>;
  /** Judge each change by the claim rules of this config (refusing with `rule_violation`). */
  config?: QueueConfig;
  /** Commit even when the decision changes no content (a lease renewal). */
  allowEmpty?: boolean;
  /** The repository's git dir and checked-out branch, when the caller has them already. */
  repo?: RepoInfo | null;
}

/** Where a work tree keeps its git state: the common git dir (absolute) and the checked-out ref. */
export interface RepoInfo {
  /** The common git dir, absolute (shared by all worktrees of a clone). */
  common: string;
  /** The checked-out branch's ref (`refs/heads/main`), or null on a detached HEAD. */
  head: string | null;
  /** The branch `origin/HEAD` names (`main`: origin's default branch, set by `git clone`), or null. */
  originDefault: string | null;
}

/**
 * {@link RepoInfo} for the work tree at `root`: one git call when the clone knows origin's default
 * branch, up to three otherwise (no `origin/HEAD`; a branch with no commit yet, where `HEAD` names no
 * revision). Throws GitFailure outside a repository.
 */
export async function repoInfo(git: Git, root: string): Promise<RepoInfo> {
  const absolute = (dir: string) => (isAbsolute(dir) ? dir : resolve(root, dir));
  const branchOf = (ref: string | undefined) => (ref?.startsWith('refs/') ? ref : null);
  try {
    const [dir, head, origin] = (await git.raw(['rev-parse', '--git-common-dir', '--symbolic-full-name', 'HEAD', 'refs/remotes/origin/HEAD'])).split('\n');
    return { common: absolute(dir), head: branchOf(head), originDefault: remoteBranch(origin, 'origin') };
  } catch {
    try {
      const [dir, head] = (await git.raw(['rev-parse', '--git-common-dir', '--symbolic-full-name', 'HEAD'])).split('\n');
      return { common: absolute(dir), head: branchOf(head), originDefault: null };
    } catch {
      const dir = await git.line(['rev-parse', '--git-common-dir']);
      return { common: absolute(dir), head: await git.line(['symbolic-ref', '-q', 'HEAD']).catch(() => null), originDefault: null };
    }
  }
}

/** `main` for `refs/remotes/<remote>/main`; null for anything else. */
function remoteBranch(ref: string, remote: string): string | null {
  const prefix = `refs/remotes/${remote}/`;
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : null;
}

/**
 * The remote's default branch (`<remote>/HEAD`, which `git clone` sets: `main`), or null when the
 * clone does not know it. An agent working on a branch of its own still claims on the shared one.
 */
export async function defaultBranch(git: Git, remote: string): Promise<string | null> {
  // rev-parse rather than symbolic-ref -q: it prints either way, so simple-git answers at once.
  return remoteBranch(await git.line(['rev-parse', '--symbolic-full-name', `refs/remotes/${remote}/HEAD`]).catch(() => ''), remote);
}

/** What {@link transact} did. */
export interface TransactionResult {
  decision: Decision;
  /** The queue as read at `base`. */
  before: Queue;
  /** The edited queue, or null when nothing changed. */
  applied: Applied | null;
  /** The commit published, or null when there was nothing to commit. */
  commit: string | null;
  /** The tip the decision was made on. */
  base: string;
  attempts: number;
  /** What happened to the local branch and working file afterwards. */
  sync: 'updated' | 'not-checked-out' | 'skipped';
  /** Why the local side was not updated, when it was not. */
  note?: string;
}

const REJECTED = /\[rejected\]|\(fetch first\)|non-fast-forward|\[remote rejected\].*(?:failed to lock|cannot lock|incorrect old value)|failed to update ref|cannot lock ref|stale info/i;

/** Run a transaction. Throws QueueError (`conflict_retries_exhausted`, `git`, or the decision's). */
export async function transact(opts: TransactionOptions): Promise<TransactionResult> {
  const git = new Git(opts.root);
  // The common git dir (for the lock) and the checked-out branch (for syncing).
  const { common, head } = opts.repo ?? (await repoInfo(git, opts.root));
  const scratch = join(common, 'queue');
  mkdirSync(scratch, { recursive: true });
  const target = `refs/heads/${opts.branch}`;

  for (let attempt = 1; attempt <= opts.maxAttempts; attempt++) {
    const release = await lock(common);
    let outcome: Omit<TransactionResult, 'sync' | 'note' | 'attempts'> | 'retry';
    try {
      outcome = await attemptOnce(git, opts, scratch, target, head);
    } finally {
      await release();
    }
    if (outcome !== 'retry') {
      const sync = outcome.commit ? await syncLocal(git, opts, head, outcome.base, outcome.commit) : { sync: 'skipped' as const };
      return { ...outcome, attempts: attempt, ...sync };
    }
    // Lost the race: back off (jittered, exponential, capped) and decide again on the new tip.
    const cap = Math.min(800, 15 * 2 ** Math.min(attempt, 6));
    await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
  }
  throw new QueueError('conflict_retries_exhausted', `the ${opts.branch} branch kept moving: gave up after ${opts.maxAttempts} attempts (raise maxAttempts in queue.config.json)`, { attempts: opts.maxAttempts });
}

/** Where a transaction reads and writes: the shared branch, locally or on a remote. */
export interface BranchRef {
  /** Work tree root. */
  root: string;
  /** Queue file, relative to `root`, with `/` separators. */
  file: string;
  /** Remote holding the shared branch, or null for the local branch only. */
  remote: string | null;
  /** Shared branch name (`main`). */
  branch: string;
}

/**
 * The queue as it is at the shared branch's tip (fetched first when there is a remote): the tip
 * commit `base`, the file's mode and text, the parsed queue, and the tip's root tree entries when
 * the queue file sits at the root (listed anyway to find it; the write reuses them).
 */
export async function readTip(git: Git, ref: BranchRef): Promise<{ base: string; mode: string; text: string; queue: Queue; root: TreeEntry[] | null }> {
  const tracking = ref.remote ? `refs/remotes/${ref.remote}/${ref.branch}` : `refs/heads/${ref.branch}`;
  if (ref.remote) await fetchBranch(git, ref.remote, ref.branch, tracking);
  const base = await git.line(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`]).catch(() => {
    throw new QueueError('git', `no branch ${ref.remote ? `${ref.remote}/` : ''}${ref.branch} to read the queue from`, { branch: ref.branch });
  });
  let root: TreeEntry[] | null = null;
  let found: { mode: string; id: string } | undefined;
  if (!ref.file.includes('/')) {
    root = await listTree(git, base);
    found = root.find((e) => e.name === ref.file && e.type === 'blob');
  } else {
    const m = /^(\d{6}) blob ([0-9a-f]+)\t/.exec(await git.line(['ls-tree', base, '--', ref.file]));
    if (m) found = { mode: m[1], id: m[2] };
  }
  if (!found) throw new QueueError('unreadable', `${ref.file} does not exist at ${ref.remote ? `${ref.remote}/` : ''}${ref.branch} (${base.slice(0, 7)})`, { file: ref.file });
  const text = await git.raw(['cat-file', 'blob', found.id]);
  return { base, mode: found.mode, text, queue: await readQueue([{ file: ref.file, text }]), root };
}

async function attemptOnce(git: Git, opts: TransactionOptions, scratch: string, target: string, head: string | null) {
  const { base, mode, queue, root } = await readTip(git, opts);
  const decision = await opts.decide(queue, base);
  if (decision.unchanged && !opts.allowEmpty) return { decision, before: queue, applied: null, commit: null, base };
  const applied = decision.unchanged ? null : await applyDecision(queue, decision, opts.config);

  let tree: string;
  if (applied) {
    const tmp = join(scratch, `blob-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(tmp, applied.content);
      const blob = await git.line(['hash-object', '-w', '--no-filters', tmp]);
      tree = await treeWith(git, scratch, base, opts.file, blob, mode, root ?? undefined);
      for (const f of decision.files ?? []) {
        if (!f.replace && (await git.line(['ls-tree', base, '--', f.path])) !== '') throw new QueueError('invalid', `${f.path} already exists`, { file: f.path });
        writeFileSync(tmp, f.content);
        tree = await treeWith(git, scratch, tree, f.path, await git.line(['hash-object', '-w', '--no-filters', tmp]), '100644');
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  } else tree = await git.line(['rev-parse', `${base}^{tree}`]);

  if (!opts.remote && applied && head === target && !(await git.ok(['diff', '--quiet', base, '--', opts.file]))) {
    // The ref would move under a work tree whose queue file has edits of its own.
    throw new QueueError('invalid', `${opts.file} has uncommitted changes on ${opts.branch}: commit or stash them, or use --no-commit`, { file: opts.file });
  }
  const unblocked = unblockedIn(applied);
  const subject = unblocked.length ? `${decision.subject}; unblock ${unblocked.join(', ')}` : decision.subject;
  const message = ['-m', subject, '-m', decision.trailers.map(([k, v]) => `${k}: ${v}`).join('\n')];
  const commit = await commitTree(git, tree, base, message, decision);
  try {
    // The pre-push hook may skip what queue has just decided and proved; the server still judges it.
    if (opts.remote) await git.with({ QUEUE_IN_TRANSACTION: '1' }).raw(['push', '--quiet', '--porcelain', opts.remote, `${commit}:${target}`]);
    else await git.raw(['update-ref', '-m', subject, target, commit, base]);
  } catch (e) {
    if (e instanceof GitFailure && REJECTED.test(e.stderr)) return 'retry' as const;
    throw gitError(e);
  }
  return { decision, before: queue, applied, commit, base };
}

/** The stories a write's follow-up step unblocked (`queue done` releasing its dependents). */
export function unblockedIn(applied: Applied | null): string[] {
  return (applied?.derived ?? []).filter((a) => a.startsWith('unblock ')).map((a) => a.slice('unblock '.length));
}

/** `commit-tree`, with the agent as author when git has no identity configured. */
async function commitTree(git: Git, tree: string, base: string, message: string[], d: Decision): Promise<string> {
  const args = ['commit-tree', tree, '-p', base, ...message];
  try {
    return await git.line(args);
  } catch (e) {
    if (!(e instanceof GitFailure) || !/tell me who you are|empty ident|unable to auto-detect email/i.test(e.stderr)) throw gitError(e);
    const agent = d.trailers.find(([k]) => k === 'Queue-Agent')?.[1] ?? 'queue';
    const email = `${agent.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'queue'}@queue.invalid`;
    return git.with({ GIT_AUTHOR_NAME: agent, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: agent, GIT_COMMITTER_EMAIL: email }).line(args);
  }
}

async function fetchBranch(git: Git, remote: string, branch: string, tracking: string): Promise<void> {
  try {
    // -v: git then always prints (on stderr), and simple-git answers without its 50 ms wait.
    await git.raw(['fetch', '-v', '--no-tags', remote, `+refs/heads/${branch}:${tracking}`]);
  } catch (e) {
    throw gitError(e);
  }
}

function gitError(e: unknown): QueueError {
  if (e instanceof QueueError) return e;
  return new QueueError('git', e instanceof Error ? e.message : String(e));
}

/**
 * Take the clone's queue lock (proper-lockfile: a directory created atomically, its mtime refreshed
 * every second while held; a holder killed with -9 leaves a lock that is stale after 3 s).
 */
async function lock(common: string): Promise<() => Promise<void>> {
  return lockfile.lock(common, {
    lockfilePath: join(common, 'queue.lock'),
    realpath: false,
    stale: 3_000,
    update: 1_000,
    retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
  });
}

/**
 * Bring the local side up to date with the published commit, when safe:
 * - the checked-out shared branch is fast-forwarded (`merge --ff-only` after a push; after a local
 *   `update-ref`, `read-tree -m -u` moves index and work tree from the old tip to the new one);
 *   git refuses both when a local change to the queue file would be overwritten, and then the
 *   note says so;
 * - after a push, a local shared branch that is not checked out here is fast-forwarded with
 *   `git fetch . <remote-tracking>:<branch>`, which git refuses when the branch has commits of its
 *   own or is checked out in another worktree (moving it there would leave that worktree's index
 *   and files behind, as if the commit were being undone);
 * - after a local `update-ref` of a branch checked out in another worktree, that worktree's index
 *   and files are moved the same way as here (`read-tree -m -u`), or the note says why not.
 */
async function syncLocal(git: Git, opts: TransactionOptions, head: string | null, base: string, commit: string): Promise<Pick<TransactionResult, 'sync' | 'note'>> {
  const target = `refs/heads/${opts.branch}`;
  if (head === target) {
    if (!opts.remote) {
      // The ref already points at `commit`; move index and work tree from `base` to it.
      const ok = await git.ok(['read-tree', '-m', '-u', base, commit]);
      return ok ? { sync: 'updated' } : { sync: 'skipped', note: `${opts.file} has local changes: the commit is on ${opts.branch}, but the working file was left as it was` };
    }
    // git refuses a merge that is not a fast-forward, or that would overwrite local changes.
    if (await git.ok(['merge', '--ff-only', commit])) return { sync: 'updated' };
    if ((await git.line(['rev-list', '--count', `${commit}..HEAD`])) !== '0') {
      return { sync: 'skipped', note: `local ${opts.branch} has commits of its own: pull to get ${commit.slice(0, 7)}` };
    }
    return { sync: 'skipped', note: `local changes in the work tree: ${opts.branch} was not fast-forwarded to ${commit.slice(0, 7)}` };
  }
  if (opts.remote) {
    // No local branch of that name: none is created.
    if (!(await git.ok(['show-ref', '--verify', target]))) return { sync: 'not-checked-out' };
    try {
      await git.raw(['fetch', '-v', '--no-tags', '--no-prune', '--no-write-fetch-head', '--no-recurse-submodules', '.', `refs/remotes/${opts.remote}/${opts.branch}:${target}`]);
      return { sync: 'not-checked-out' };
    } catch (e) {
      const why = e instanceof GitFailure ? /checked out at '([^']+)'/.exec(e.stderr) : null;
      return { sync: 'not-checked-out', note: why ? `${opts.branch} is checked out in ${why[1]}: pull there to get ${commit.slice(0, 7)}` : `local ${opts.branch} has commits of its own: pull to get ${commit.slice(0, 7)}` };
    }
  }
  // Without a remote the branch itself has moved: a worktree that has it checked out follows.
  const other = await worktreeWith(git, target);
  if (other === null) return { sync: 'not-checked-out' };
  const ok = await new Git(other).ok(['read-tree', '-m', '-u', base, commit]);
  return ok ? { sync: 'updated' } : { sync: 'skipped', note: `${opts.file} has local changes in ${other}: the commit is on ${opts.branch}, but that worktree's file was left as it was` };
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


/**
 * A queue write as a git transaction (docs/claims.md).
 *
 * One attempt: read the queue blob at the tip of the shared branch (the remote's, just fetched),
 * decide and edit in memory, write blob, tree and commit with plumbing (blob and trees as loose
 * objects, or `hash-object -w` where queue leaves that to git (objects.ts); trees rebuilt from
 * `ls-tree` (tree.ts; a temporary index would cost simple-git's 50 ms wait twice);
 * `commit-tree -p <tip>`), then publish it with a compare-and-swap: a push that
 * must fast-forward, or without a remote `update-ref <ref> <new> <tip>`. When the CAS fails another
 * writer got there first: fetch and decide again on the new tip, after a jittered backoff, up to
 * `maxAttempts`. The work tree and the index are never touched by an attempt, so it runs beside
 * dirty trees, other branches and worktrees; afterwards the local branch and the working file are
 * fast-forwarded when that is safe (never over local changes).
 *
 * A lock in the common git dir orders the processes of one clone and its worktrees (they share
 * remote-tracking refs and would otherwise fail on each other's ref locks); clones never share it.
 *
 * Claims over a remote also take part in group commit (`requests.ts`): a claim that loses the race
 * publishes itself as a request and is usually served by the next winner's commit, and every claim
 * that commits serves the requests pending at its tip.
 */
import { lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';
import { unblockedIds } from '../domain/effects.js';
import { asWritten, documentBytes, readQueue, type Queue } from '../read/queue.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import { serveClaims, type ServedClaim } from '../edit/combine.js';
import { withFollow } from '../reconcile/reconcile.js';
import type { Decision, Operation } from '../edit/decide.js';
import { Git, GitFailure, lockNamed } from './git.js';
import { contending, expired, forget, live, lookDelay, waitingBehind, type Group } from './group.js';
import {
  deletions,
  isCombinable,
  MAX_SERVED,
  publishRequest,
  requestRefspec,
  servedOutcome,
  tipAndRequests,
  withdrawRequest,
  type ClaimRequest,
  type PublishedRequest,
} from './requests.js';
import { serially } from './lock.js';
import { syncLocal } from './sync.js';
import { looseObjectDir, ObjectWriter, objectId } from './objects.js';
import { commitTree, listTree, treeWith, type TreeEntry } from './tree.js';
import type { Attempt, BranchRef, TransactionResult } from './types.js';
import { TRAILER } from '../domain/trailers.js';
import { hookRefusals } from '../domain/rules.js';

export type { Attempt, BranchRef, TransactionResult };

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
  /** The operation `decide` carries out, as data. A fresh claim over a remote then takes part in
   * group commit: it may publish itself as a request and it serves pending ones (`requests.ts`). */
  request?: Operation;
  /** How the queue file at a tip is read for `decide`, when not in full: given its bytes, the queue
   * to decide on (`app/indexed-write.ts`: a partial queue for a claim). Not asked while other
   * agents' claim requests are pending, which group commit serves on the queue read in full. */
  read?: (bytes: Buffer) => Promise<Queue>;
  /** The commit's author, when it is not git's own identity (the committer stays git's): `queue run`'s
   * workers author their writes as themselves, so that the judges of commits (the hooks, `validate
   * --range`), which take the author for the actor, see the worker that holds the story. */
  author?: CommitAuthor;
}

/** A commit's author: `GIT_AUTHOR_NAME` and `GIT_AUTHOR_EMAIL`. */
export interface CommitAuthor {
  name: string;
  email: string;
}

/** Where a work tree keeps its git state: the common git dir (absolute) and the checked-out ref. */
export interface RepoInfo {
  /** The common git dir, absolute (shared by all worktrees of a clone). */
  common: string;
  /** The checked-out branch's ref (`refs/heads/main`), or null on a detached HEAD. */
  head: string | null;
  /** The branch `origin/HEAD` names (`main`: origin's default branch, set by `git clone`), or null. */
  originDefault: string | null;
  /** Where queue may write loose objects itself (`objects.ts`), or null: git writes them. */
  objects: string | null;
}

/**
 * {@link RepoInfo} for the work tree at `root`: one git call when the clone knows origin's default
 * branch, up to three otherwise (no `origin/HEAD`; a branch with no commit yet, where `HEAD` names no
 * revision). Throws GitFailure outside a repository.
 */
export async function repoInfo(git: Git, root: string): Promise<RepoInfo> {
  const absolute = (dir: string) => (isAbsolute(dir) ? dir : resolve(root, dir));
  const branchOf = (ref: string | undefined) => (ref?.startsWith('refs/') ? ref : null);
  // The common dir, the object format and the object dir come first, each on a line of its own.
  const fixed = ['rev-parse', '--git-common-dir', '--show-object-format', '--git-path', 'objects'];
  const info = (dir: string, format: string, objects: string, head: string | null, originDefault: string | null): RepoInfo => ({
    common: absolute(dir),
    head,
    originDefault,
    objects: looseObjectDir(absolute(objects), format),
  });
  try {
    const [dir, format, objects, head, origin] = (await git.raw([...fixed, '--symbolic-full-name', 'HEAD', 'refs/remotes/origin/HEAD'])).split('\n');
    return info(dir, format, objects, branchOf(head), remoteBranch(origin, 'origin'));
  } catch {
    try {
      const [dir, format, objects, head] = (await git.raw([...fixed, '--symbolic-full-name', 'HEAD'])).split('\n');
      return info(dir, format, objects, branchOf(head), null);
    } catch {
      const [dir, format, objects] = (await git.raw(fixed)).split('\n');
      return info(dir, format, objects, await git.line(['symbolic-ref', '-q', 'HEAD']).catch(() => null), null);
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

const REJECTED =
  /\[rejected\]|\(fetch first\)|non-fast-forward|\[remote rejected\].*(?:failed to lock|cannot lock|incorrect old value)|failed to update ref|cannot lock ref|stale info/i;

/** Run a transaction. Throws QueueError (`conflict_retries_exhausted`, `git`, or the decision's). */
export async function transact(opts: TransactionOptions): Promise<TransactionResult> {
  const git = new Git(opts.root);
  // The common git dir (for the lock) and the checked-out branch (for syncing).
  const { common, head, objects } = opts.repo ?? (await repoInfo(git, opts.root));
  const scratch = join(common, 'queue');
  mkdirSync(scratch, { recursive: true });
  const writer = new ObjectWriter(git, scratch, objects);
  const target = `refs/heads/${opts.branch}`;
  const group: Group | null =
    opts.remote && isCombinable(opts.request) && opts.config?.groupCommit !== false ? { op: opts.request, remote: opts.remote, mine: null, off: false } : null;
  const done = async (outcome: Attempt, attempts: number): Promise<TransactionResult> => {
    // A request still pending (the claim turned out to change nothing) is withdrawn.
    if (group) await forget(git, group);
    const sync = outcome.commit ? await syncLocal(git, opts, head, outcome.base, outcome.commit) : { sync: 'skipped' as const };
    return { ...outcome, attempts, ...sync };
  };

  let attempt = 0;
  let attemptMs = 0;
  try {
    while (++attempt <= opts.maxAttempts) {
      if (group && (await waitingBehind(git, group))) {
        // A look, not an attempt: it decides nothing.
        attempt--;
        await new Promise((r) => setTimeout(r, lookDelay(attemptMs)));
        continue;
      }
      const t0 = performance.now();
      const outcome = await serially(common, () => attemptOnce(git, opts, writer, target, head, group));
      attemptMs = performance.now() - t0;
      if (!('retry' in outcome)) return await done(outcome, attempt);
      // Lost the race (or joined the requests): wait on a winner's commit as a request (served
      // there, usually), looking at once after publishing and then about every two attempts' time;
      // without a request, back off (jittered, exponential, capped). A remote that cannot take the
      // atomic push serving requests will serve none of ours.
      if (group?.off) await forget(git, group);
      if (group && !group.off && !group.mine) {
        group.mine = await publishRequest(git, group.remote, outcome.retry, group.op).catch(() => {
          group.off = true; // the remote takes no requests: race as before
          return null;
        });
        // Just published: look at once, since the oldest requester races without waiting.
        if (group.mine) continue;
      }
      const cap = Math.min(800, 15 * 2 ** Math.min(attempt, 6));
      await new Promise((r) => setTimeout(r, group?.mine ? lookDelay(attemptMs) : cap / 2 + Math.random() * (cap / 2)));
    }
    throw new QueueError(
      'conflict_retries_exhausted',
      `the ${opts.branch} branch kept moving: gave up after ${opts.maxAttempts} attempts (raise maxAttempts in queue.config.json)`,
      { attempts: opts.maxAttempts },
    );
  } catch (e) {
    // Stopping: withdraw the request, unless it was served meanwhile (then that is the outcome).
    const served = group?.mine ? await settle(git, opts, common, group) : null;
    if (served) return done(served, Math.min(attempt, opts.maxAttempts));
    throw e;
  }
}

/**
 * Withdraw this process's pending request; when it is already gone, fetch and return the commit
 * that served it (null when none did: it expired).
 */
async function settle(git: Git, opts: TransactionOptions, common: string, group: Group): Promise<Attempt | null> {
  const mine = group.mine!;
  group.mine = null;
  return settleRequest(git, opts, common, group.remote, mine);
}

/** How often {@link settleRequest} reads the tip before it gives up, and the first wait between reads (doubling). */
const SETTLE_READS = 4;
const SETTLE_WAIT_MS = 250;

/**
 * The outcome of this process's claim request `mine` when the claim stops: null when this call
 * withdrew it (it was never served), else the attempt of the commit that served it, read from the
 * tip. When the withdrawal fails (the remote did not answer), the request may have been served
 * meanwhile: the tip is read again (a few times, waiting longer each time) before anything is
 * said, since a claim served on the remote but reported as failed would leave a story held by an
 * agent that does not know it. Throws QueueError `git` with `outcome: "unknown"` when the remote
 * stays unreadable after a failed withdrawal, and the fetch's error when it was withdrawn by another.
 */
export async function settleRequest(git: Git, opts: BranchRef, common: string, remote: string, mine: PublishedRequest): Promise<Attempt | null> {
  const withdrawn = await withdrawRequest(git, remote, mine.request).catch(() => null);
  if (withdrawn === true) return null;
  let failure: unknown = null;
  for (let read = 0; read < SETTLE_READS; read++) {
    try {
      return await serially(common, async () => servedOutcome(git, opts, mine, (await fetchTip(git, opts, null)).base));
    } catch (e) {
      failure = e;
      await new Promise((r) => setTimeout(r, SETTLE_WAIT_MS * 2 ** read));
    }
  }
  if (withdrawn === null) {
    const why = failure instanceof Error ? failure.message : String(failure);
    throw new QueueError(
      'git',
      `the claim's outcome is unknown: its request could not be withdrawn and ${remote} could not be read (${why}); once ${remote} answers, queue show tells whether ${mine.request.op?.agent ?? 'you'} hold${mine.request.op?.agent ? 's' : ''} ${mine.request.op?.id ?? 'a story'}`,
      { outcome: 'unknown', request: mine.request.id },
    );
  }
  throw failure;
}

/**
 * The queue as it is at the shared branch's tip (fetched first when there is a remote, under the
 * clone's lock in the common git dir `common`): the tip commit `base`, the file's mode and text, the
 * parsed queue, and the tip's root tree entries when the queue file sits at the root (listed anyway
 * to find it; the write reuses them).
 */
export async function readTip(git: Git, ref: BranchRef, common: string): Promise<{ base: string; mode: string; text: string; queue: Queue; root: TreeEntry[] | null }> {
  // The fetch moves refs that the clone's other queue processes move too: under the clone's lock.
  const { base } = await serially(common, () => fetchTip(git, ref, null));
  return { base, ...(await readAt(git, ref, base)) };
}

/** Where the shared branch's tip is read from: its remote-tracking ref, or the branch itself. */
function trackingRef(ref: BranchRef): string {
  return ref.remote ? `refs/remotes/${ref.remote}/${ref.branch}` : `refs/heads/${ref.branch}`;
}

function noBranch(ref: BranchRef): never {
  throw new QueueError('git', `no branch ${ref.remote ? `${ref.remote}/` : ''}${ref.branch} to read the queue from: commit the queue file to it first (git add, git commit)`, {
    branch: ref.branch,
  });
}

/**
 * The queue file at commit `base`: mode, text, parsed queue, and the root tree when listed. Throws
 * QueueError `unreadable` when it is absent or a symbolic link there (queue edits regular files
 * only), `too_large` when it is over the size limit (found before it is read).
 */
async function readAt(
  git: Git,
  ref: BranchRef,
  base: string,
  read?: (bytes: Buffer) => Promise<Queue>,
): Promise<{ mode: string; id: string; text: string; queue: Queue; root: TreeEntry[] | null }> {
  let root: TreeEntry[] | null = null;
  let found: { mode: string; id: string; size?: number } | undefined;
  if (!ref.file.includes('/')) {
    root = await listTree(git, base, { sizes: true });
    found = root.find((e) => e.name === ref.file && e.type === 'blob');
  } else {
    const m = /^(\d{6}) blob ([0-9a-f]+) +(\d+)\t/.exec(await git.line(['ls-tree', '-l', '--end-of-options', base, '--', ref.file]));
    if (m) found = { mode: m[1], id: m[2], size: Number(m[3]) };
  }
  const at = `${ref.remote ? `${ref.remote}/` : ''}${ref.branch} (${base.slice(0, 7)})`;
  if (!found) throw new QueueError('unreadable', `${ref.file} does not exist at ${at}`, { file: ref.file });
  if (found.mode === '120000')
    throw new QueueError(
      'unreadable',
      `${ref.file} is a symbolic link at ${at}: queue edits the queue file only as a regular file; put the file back in its place (what the link names was never judged by the claim rules: check it first), or have a maintainer set "file" in queue.config.json to it`,
      { file: ref.file },
    );
  if (found.size !== undefined && found.size > MAX_FILE_BYTES) throw tooLarge(ref.file, found.size);
  // As bytes: a blob that is not all UTF-8 is written back with every byte the write did not change.
  const bytes = await git.bytes(['cat-file', 'blob', found.id]);
  const queue = read ? await read(bytes) : await readQueue([{ file: ref.file, bytes }], { vocabulary: ref.vocabulary });
  const doc = queue.documents[0];
  return { mode: found.mode, id: found.id, text: asWritten(doc), queue, root };
}

/**
 * The tip to decide on, with what group commit needs to know when this claim takes part in it
 * (fetched together; one `for-each-ref` reads both): the pending requests, and when the tip was
 * committed if it served requests.
 */
async function fetchTip(git: Git, ref: BranchRef, group: Group | null): Promise<{ base: string; requests: ClaimRequest[]; groupCommitAt: number | null }> {
  const tracking = trackingRef(ref);
  const grouped = group !== null && !group.off;
  if (ref.remote) await fetchBranch(git, ref.remote, ref.branch, tracking, grouped);
  if (grouped) {
    const { tip, requests, groupCommitAt } = await tipAndRequests(git, tracking, group.remote);
    return { base: tip ?? noBranch(ref), requests, groupCommitAt };
  }
  return { base: await git.line(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`]).catch(() => noBranch(ref)), requests: [], groupCommitAt: null };
}

async function attemptOnce(
  git: Git,
  opts: TransactionOptions,
  objects: ObjectWriter,
  target: string,
  head: string | null,
  group: Group | null,
): Promise<Attempt | { retry: string }> {
  const { base, requests, groupCommitAt } = await fetchTip(git, opts, group);
  if (group?.mine && !requests.some((r) => r.id === group.mine!.request.id)) {
    // Our request is gone: served by another claimer's commit, or expired.
    const served = await servedOutcome(git, opts, group.mine, base);
    group.mine = null;
    if (served) return served;
  }
  // Decide on the tip's queue and, unless the claim joins the requests, apply and prove the decision.
  const settle = async (tip: Awaited<ReturnType<typeof readAt>>): Promise<Attempt | { retry: string } | { decision: Decision; applied: Applied | null }> => {
    let decision: Decision;
    try {
      decision = await opts.decide(tip.queue, base);
    } catch (e) {
      // Without a remote, reads take the working file: a refusal of what it shows but the commit lacks
      // (a story added and not committed, or nothing ready but there) says why.
      if (e instanceof QueueError && !opts.remote && head === target && workingOnly(e, opts) && !sameAsCommitted(opts.root, opts.file, tip.id, tip.mode)) {
        const why = `${opts.file} has uncommitted changes, which a write does not read: commit them first, or use --no-commit`;
        throw new QueueError(e.code, `${e.message} (${why})`, { ...e.details, uncommitted: true });
      }
      throw e;
    }
    if (decision.unchanged && !opts.allowEmpty) return { decision, before: tip.queue, applied: null, commit: null, base };
    if (group && !group.off && !group.mine && decision.op === 'claim' && contending(requests, groupCommitAt)) {
      // Join the requests rather than race: a lost race costs a commit and a push, and the oldest
      // requester races for all of them.
      return { retry: base };
    }
    return { decision, applied: decision.unchanged ? null : await applyDecision(tip.queue, decision, opts.config) };
  };
  // The queue `read` gives (a partial queue) when no request is pending, which group commit serves on
  // the whole queue; the whole file when that queue cannot decide or prove the write as it would.
  const partial = requests.length ? undefined : opts.read;
  let tip = await readAt(git, opts, base, partial);
  let settled: Awaited<ReturnType<typeof settle>>;
  try {
    settled = await settle(tip);
  } catch (e) {
    if (!partial) throw e;
    tip = await readAt(git, opts, base);
    settled = await settle(tip);
  }
  if (!('applied' in settled) || 'commit' in settled) return settled;
  const { mode, queue, root, id: blobId } = tip;
  const { decision } = settled;
  let applied = settled.applied;

  // Group commit: other agents' pending claims ride on this one; expired requests are dropped.
  let served: ServedClaim[] = [];
  const drop: ClaimRequest[] = [];
  if (group && !group.off && applied && decision.op === 'claim' && !decision.files?.length && opts.config) {
    const others = live(requests, group.mine);
    drop.push(...requests.filter((r) => r.id !== group.mine?.request.id && expired(r)));
    const config = opts.config;
    const combined = await serveClaims(
      applied,
      others.map((r) => ({ id: r.id, op: r.op! })),
      config,
      MAX_SERVED,
      // Each claim served takes the follow step its own process would have (the generated blocks).
      (before, d) => withFollow(before, d, config),
    );
    served = combined.served;
    if (served.length) applied = { ...combined.applied, story: combined.applied.after.graph.byId.get(decision.id), derived: applied.derived };
  }

  let tree: string;
  if (applied) {
    const blob = await objects.write('blob', Buffer.from(documentBytes(decision.document, applied.content)));
    tree = await treeWith(git, objects, base, opts.file, blob, mode, root ?? undefined);
    for (const f of decision.files ?? []) {
      if (!f.replace && (await git.line(['ls-tree', base, '--', f.path])) !== '') throw new QueueError('invalid', `${f.path} already exists`, { file: f.path });
      tree = await treeWith(git, objects, tree, f.path, await objects.write('blob', Buffer.from(f.content)), '100644');
    }
  } else tree = await git.line(['rev-parse', `${base}^{tree}`]);

  if (!opts.remote && applied && head === target && !sameAsCommitted(opts.root, opts.file, blobId, mode) && !(await git.ok(['diff', '--quiet', base, '--', opts.file]))) {
    // The ref would move under a work tree whose queue file has edits of its own.
    throw new QueueError('invalid', `${opts.file} has uncommitted changes on ${opts.branch}: commit or stash them, or use --no-commit`, { file: opts.file, uncommitted: true });
  }
  // The follow step's unblocks, but those the decision's subject names already (a render of hand
  // edits names what follows from them).
  const named = (id: string) => decision.subject.split(/[(;,)]\s*/).some((part) => part.trim() === `unblock ${id}`);
  const unblocked = unblockedIds(applied?.derived ?? []).filter((id) => !named(id));
  let subject = unblocked.length ? `${decision.subject}; unblock ${unblocked.join(', ')}` : decision.subject;
  const trailers = [...decision.trailers];
  if (served.length) {
    subject += served.map((c) => `, ${c.story} (${c.agent})`).join('');
    for (const c of served) trailers.push([TRAILER.story, c.story], [TRAILER.agent, c.agent], [TRAILER.request, `${c.id} ${c.story}`]);
  }
  const message = ['-m', subject, '-m', trailers.map(([k, v]) => `${k}: ${v}`).join('\n')];
  const agent = decision.trailers.find(([k]) => k === TRAILER.agent)?.[1] ?? 'queue';
  const signer = opts.author ? git.with({ GIT_AUTHOR_NAME: opts.author.name, GIT_AUTHOR_EMAIL: opts.author.email }) : git;
  const commit = await commitTree(signer, [tree, '-p', base, ...message], agent).catch((e) => {
    throw gitError(e);
  });
  // Requests this push deletes, each with a lease: those served, expired ones, and our own.
  const deleted = [...requests.filter((r) => served.some((c) => c.id === r.id)), ...drop, ...(group?.mine && applied ? [group.mine.request] : [])];
  try {
    // The pre-push hook may skip what queue has just decided and proved; the server still judges it.
    if (opts.remote && deleted.length) {
      const d = deletions(deleted);
      await git
        .with({ QUEUE_IN_TRANSACTION: '1' })
        .raw(['push', '--atomic', '--quiet', '--porcelain', ...d.leases, '--end-of-options', opts.remote, `${commit}:${target}`, ...d.refspecs]);
    } else if (opts.remote) await git.with({ QUEUE_IN_TRANSACTION: '1' }).raw(['push', '--quiet', '--porcelain', '--end-of-options', opts.remote, `${commit}:${target}`]);
    else await git.quiet(['update-ref', '-m', subject, target, commit, base]);
  } catch (e) {
    if (e instanceof GitFailure && group && /atomic/i.test(e.stderr) && !REJECTED.test(e.stderr)) {
      group.off = true; // the remote cannot update several refs at once: no group commit with it
      return { retry: base };
    }
    if (e instanceof GitFailure && REJECTED.test(e.stderr)) return { retry: base };
    // The remote's own queue hook judged the commit and refused it (most often: the clone's git
    // identity is not the agent's, so the hook sees someone else change a held story).
    const refusals = e instanceof GitFailure ? hookRefusals(e.stderr) : [];
    if (refusals.length)
      throw new QueueError(
        'rule_violation',
        `the remote's queue hook refused the push, so nothing was published: ${refusals.join('; ')} (a hook judges a commit by its author, or by who pushes where the server says: that must be the agent, by name or by one of its aliases in "agents" in queue.config.json)`,
        { refusals, remote: opts.remote },
      );
    throw gitError(e);
  }
  if (group && applied) group.mine = null; // deleted by this push
  return { decision, before: queue, applied, commit, base };
}

/**
 * True when the working file `file` (under `root`) is certainly as committed: a regular file with the
 * committed mode's executable bit whose bytes hash to the committed blob `id` (SHA-1 repositories).
 * False means "ask git" (`git diff --quiet`, which also sees through filters and line-ending
 * conversion): most often the file is as committed, and this saves a git process that refreshes
 * the index.
 */
function sameAsCommitted(root: string, file: string, id: string, mode: string): boolean {
  if (id.length !== 40 || (mode !== '100644' && mode !== '100755')) return false;
  try {
    const path = join(root, file);
    const st = lstatSync(path);
    if (!st.isFile() || ((st.mode & 0o100) !== 0) !== (mode === '100755')) return false;
    return objectId('blob', readFileSync(path)) === id;
  } catch {
    return false;
  }
}

/** Whether refusal `e` is one the working file may answer otherwise than the commit: no story of
 * the id (when the working file names it), or no story ready. */
function workingOnly(e: QueueError, opts: Pick<TransactionOptions, 'root' | 'file'>): boolean {
  if (e.code === 'no_ready_story') return true;
  // `not_found` of the story itself (`edit/common.ts` findStory), not of one of its dependencies.
  if (e.code !== 'not_found' || typeof e.details.id !== 'string' || !e.message.startsWith('no story "')) return false;
  try {
    return readFileSync(join(opts.root, opts.file), 'utf8').includes(e.details.id);
  } catch {
    return false;
  }
}

/** How often a fetch that found a ref of the clone locked is tried, and the first wait between tries (ms, doubling). */
const FETCH_TRIES = 5;
const FETCH_WAIT_MS = 100;
/** A fetch that could not update a ref another git command held (`git pull` run beside queue). */
const REF_LOCKED = /cannot lock ref|unable to update local ref/i;

/**
 * Fetch the shared branch into `tracking`; with `requests`, the pending claim requests too (pruned).
 * Another git command in the clone (a person's `git pull`, which takes no queue lock) may hold a
 * ref the fetch updates: the fetch is tried again, a few times over about 1.5 s, before QueueError
 * `git` names the lock.
 */
async function fetchBranch(git: Git, remote: string, branch: string, tracking: string, requests: boolean): Promise<void> {
  // -v: git then always prints (on stderr), and simple-git answers without its 50 ms wait.
  const refspecs = [`+refs/heads/${branch}:${tracking}`, ...(requests ? [requestRefspec(remote)] : [])];
  for (let attempt = 1; ; attempt++) {
    try {
      // No auto-maintenance: queue fetches often and little; the user's own git commands keep the repository.
      await git.raw(['fetch', '-v', '--no-tags', '--no-auto-maintenance', ...(requests ? ['--prune'] : []), '--end-of-options', remote, ...refspecs]);
      return;
    } catch (e) {
      const locked = e instanceof GitFailure && REF_LOCKED.test(e.stderr);
      if (!locked) throw gitError(e);
      if (attempt < FETCH_TRIES) {
        await new Promise((r) => setTimeout(r, FETCH_WAIT_MS * 2 ** (attempt - 1)));
        continue;
      }
      const lock = lockNamed((e as GitFailure).stderr);
      throw new QueueError(
        'git',
        `git fetch could not update ${tracking}: ${lock ? `${lock} exists` : 'another git command holds it'} (a git command is running in this clone, or one that crashed left the lock: once it is gone, run the command again)`,
        { ...(lock ? { lock } : {}), ref: tracking },
      );
    }
  }
}

function gitError(e: unknown): QueueError {
  if (e instanceof QueueError) return e;
  return new QueueError('git', e instanceof Error ? e.message : String(e));
}

/**
 * Fetch the shared branch's tip for a read (under the clone's lock, as writes fetch it) and return
 * it, or null when the fetch fails or takes longer than `timeoutMs` (then the last fetched tip, if
 * any, is in `lastKnown`). Never throws for a network failure: a read falls back and says so.
 */
export async function fetchForRead(git: Git, ref: BranchRef, common: string, timeoutMs: number): Promise<{ tip: string | null; lastKnown: string | null; error: string | null }> {
  const tracking = trackingRef(ref);
  const known = () => git.line(['rev-parse', '--verify', '--quiet', `${tracking}^{commit}`]).catch(() => null);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const fetched = serially(common, () => fetchTip(git, ref, null)).then(
    (t) => t.base,
    (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
  );
  const outcome = await Promise.race([fetched, timeout]);
  clearTimeout(timer);
  if (typeof outcome === 'string' && outcome !== 'timeout') return { tip: outcome, lastKnown: outcome, error: null };
  return { tip: null, lastKnown: await known(), error: outcome === 'timeout' ? `no answer from ${ref.remote} within ${timeoutMs / 1000} s` : outcome.error };
}

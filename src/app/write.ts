/**
 * The core write API: where a write goes, who acts, and carrying one decision out as a
 * git transaction (default), a local commit (`push: false`) or an edit of the working file only
 * (`commit: false`). The CLI's write commands, `queue stale --release`, `queue render` and the
 * watcher all come through here, so a fix to how writes are placed or carried out lands once.
 *
 * ```ts
 * const where = await locateWrite({ cwd: '/work/clone' });
 * const agent = await resolveAgent('Dev 2', where.root, where.config);
 * const out = await write(where, { op: 'claim', agent, maxClaims: where.config.maxClaims });
 * out.story?.id; out.commit; out.attempts;
 * ```
 */
import { relative, resolve, sep } from 'node:path';
import { canonicalAgent, isRefName, type QueueConfig } from '../domain/config.js';
import { locateQueueFile } from './locate.js';
import { askedAgent } from './agent.js';
import { assertAgentName } from '../dialect/agent-name.js';
import { QueueError } from '../domain/errors.js';
import { asWritten, documentBytes, readQueue, type Queue } from '../read/queue.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import { decide, type Decision, type Operation } from '../edit/decide.js';
import { withFollow } from '../reconcile/reconcile.js';
import type { Story } from '../domain/types.js';
import { Git } from '../git/git.js';
import { verifyRemote } from '../git/args.js';
import { defaultBranch, repoInfo, transact, type CommitAuthor, type RepoInfo } from '../git/transaction.js';
import type { StoryWrite } from './indexed-write.js';

/**
 * The acting agent: `flag` (`--agent`), else `QUEUE_AGENT`, else `git config queue.agent`, mapped
 * through the config's aliases to its canonical name. Throws QueueError `usage` (details
 * `missing: "agent"`) when none is given,
 * or when the name could break a cell or forge a trailer (newlines, control characters, `|`,
 * brackets, over 60 characters).
 */
export async function resolveAgent(flag: string | undefined, root: string, config: QueueConfig): Promise<string> {
  const name = await askedAgent(flag, root);
  if (name === undefined || name.trim() === '')
    throw new QueueError('usage', 'who is acting? pass --agent NAME, set QUEUE_AGENT, or git config queue.agent NAME (for queue mcp: queue mcp --agent NAME)', {
      missing: 'agent',
    });
  assertAgentName(name, 'agent name');
  return canonicalAgent(config, name);
}

/** Where a write goes: repository, queue file, remote and shared branch. */
export interface WriteTarget {
  /** Repository root (absolute); the starting directory outside a repository (`commit: false` only). */
  root: string;
  /** Queue file relative to `root`, `/`-separated. */
  file: string;
  config: QueueConfig;
  /** Remote holding the shared branch, or null (no remote, or `push: false`). */
  remote: string | null;
  /** Shared branch name; empty outside a repository. */
  branch: string;
  /** Where `branch` came from: the config, `QUEUE_BRANCH`, the remote's default branch
   * (`origin/HEAD`), the checked-out branch, or `main` for want of any (for messages). */
  branchFrom?: 'config' | 'environment' | 'remote' | 'checkout' | 'default';
  /** Git dir and checked-out branch; null outside a repository. */
  repo: RepoInfo | null;
  /** The config's vocabulary (`config.vocabulary`), for reading the queue at the shared tip. */
  vocabulary?: QueueConfig['vocabulary'];
}

/** What {@link locateWrite} starts from. */
export interface LocateOptions {
  /** Directory to start from (`-C`); default `process.cwd()`. */
  cwd?: string;
  /** Queue file (`--file`), relative to `cwd`; default the config's `file` at the repository root. */
  file?: string;
  /** false: only the working file will be edited (allowed outside a repository). Default true. */
  commit?: boolean;
  /** false: commit to the local branch, with no remote. Default true. */
  push?: boolean;
}

/**
 * Resolve the repository, config, queue file, remote and shared branch. Remote: the config's
 * `remote`, else `origin`, else the only remote, else none (and none with `push: false`). Branch:
 * the config's `branch`, else `QUEUE_BRANCH` (set by `queue run` for its agents, whose worktrees
 * are on branches of their own), else the remote's default branch (`origin/HEAD`, so an agent on a
 * branch of its own still claims on the shared one), else the checked-out branch, else `main`. QueueError
 * `usage` for a `QUEUE_BRANCH` that is no branch name. One git call
 * in a clone that knows `origin/HEAD`. Throws QueueError `usage` outside a repository unless
 * `commit: false`, when the file lies outside the repository, or when the config's `remote` is not
 * a remote of the clone.
 */
export async function locateWrite(opts: LocateOptions = {}): Promise<WriteTarget> {
  const { cwd, repo: root, config, path } = locateQueueFile(opts);
  if (!root && opts.commit !== false) throw new QueueError('usage', `${cwd} is not in a git repository (use --no-commit to edit the file only)`);
  const base = root ?? cwd;
  const file = relative(base, path).split(sep).join('/');
  if (file.startsWith('..')) throw new QueueError('usage', `${path} is outside the repository ${base}`);
  if (!root) return { root: base, file, config, remote: null, branch: '', repo: null, vocabulary: config.vocabulary };
  const git = new Git(root);
  const repo = await repoInfo(git, root);
  // A clone whose origin/HEAD resolved has an origin: no `git remote` call then.
  let remote: string | null = null;
  if (opts.push !== false) {
    // A configured remote must be one of the clone's (origin is, when origin/HEAD resolved).
    if (config.remote !== undefined)
      remote = config.remote === null || (config.remote === 'origin' && repo.originDefault !== null) ? config.remote : await verifyRemote(git, config.remote);
    else if (repo.originDefault !== null) remote = 'origin';
    else {
      const remotes = (await git.quiet(['remote'])).split('\n').filter(Boolean);
      remote = remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : null;
    }
  }
  const checkedOut = repo.head ? repo.head.replace(/^refs\/heads\//, '') : null;
  const remoteDefault = remote === 'origin' ? repo.originDefault : remote ? await defaultBranch(git, remote) : null;
  // The first that names one; QUEUE_BRANCH is read (and refused when no branch name) only when the config names none.
  const choices: Array<[() => string | null | undefined, NonNullable<WriteTarget['branchFrom']>]> = [
    [() => config.branch, 'config'],
    [branchFromEnvironment, 'environment'],
    [() => remoteDefault, 'remote'],
    [() => checkedOut, 'checkout'],
  ];
  for (const [name, branchFrom] of choices) {
    const branch = name();
    if (branch != null) return { root, file, config, remote, branch, branchFrom, repo, vocabulary: config.vocabulary };
  }
  return { root, file, config, remote, branch: 'main', branchFrom: 'default', repo, vocabulary: config.vocabulary };
}

/** The shared branch `QUEUE_BRANCH` names, or undefined when it is unset or empty. */
function branchFromEnvironment(): string | undefined {
  const value = process.env.QUEUE_BRANCH;
  if (!value) return undefined;
  // A branch's short name: `HEAD` and `refs/…` name something else to git.
  if (!isRefName(value) || value === 'HEAD' || value.startsWith('refs/'))
    throw new QueueError('usage', `QUEUE_BRANCH=${JSON.stringify(value)} is not a branch name`, { branch: value });
  return value;
}

/**
 * What to write: an operation (`edit/decide.ts`), or a function deciding on the queue as read at
 * the tip `base` (a commit id; the working file's text is not a commit, so `base` is null there).
 * An operation lets a fresh claim take part in group commit (`git/requests.ts`); a function does not.
 */
export type WriteIntent = Operation | ((queue: Queue, base: string | null) => Decision | Promise<Decision>);

/** What {@link write} did. */
export interface WriteOutcome {
  decision: Decision;
  /** The queue the decision was taken on. */
  before: Queue;
  /** The story after the write (null when the decision names none that reads back). */
  story: Story | null;
  /** The queue after the write (as read, when nothing changed). */
  after: Queue;
  applied: Applied | null;
  /** The commit published, or null (nothing changed, or `commit: false`). */
  commit: string | null;
  /** Decisions taken before one held (1 without contention). */
  attempts: number;
  /** Why the local branch or working file was not brought up to date, when it was not. */
  note?: string;
}

/**
 * Carry out `intent` at `where`. With `commit: false`, the working file is edited by a
 * compare-and-swap on its bytes, decided again while it keeps changing, then refused with
 * `conflict_retries_exhausted`; otherwise
 * the decision is a git transaction on the shared branch (`git/transaction.ts`), decided again on
 * every new tip. `allowEmpty` commits a decision that changes nothing (a lease renewal); `author`
 * authors the commit (`git/transaction.ts` TransactionOptions); `indexed`: a claim reads the tip
 * through the queue index (`app/indexed-write.ts`), and `before` and `after` may then be partial
 * queues, of the story it took and its dependencies; `{ op, id }`: the write (a done or a block of
 * story `id`) reads it so, and they may be partial queues of that story and its dependencies (for
 * a done, the stories that depend on it and theirs too). Throws
 * QueueError with the decision's own code (`not_found`, `not_ready`, `already_claimed`, …),
 * `parse_error`, `rule_violation`, `conflict_retries_exhausted` or `git`; nothing is written then.
 */
export async function write(
  where: WriteTarget,
  intent: WriteIntent,
  opts: { commit?: boolean; allowEmpty?: boolean; author?: CommitAuthor; indexed?: IndexedWrite } = {},
): Promise<WriteOutcome> {
  // Every write leaves the file as `queue render` would for what it touched (reconcile/reconcile.ts followWrite).
  const decideOn = async (queue: Queue, base: string | null): Promise<Decision> =>
    withFollow(queue, typeof intent === 'function' ? await intent(queue, base) : decide(queue, intent, where.config.agents), where.config);
  if (opts.commit === false) return editWorkingFile(where, decideOn);
  if (!where.repo) throw new QueueError('usage', `${where.root} is not in a git repository (use --no-commit to edit the file only)`);
  const result = await transact({
    root: where.root,
    file: where.file,
    remote: where.remote,
    branch: where.branch,
    repo: where.repo,
    vocabulary: where.config.vocabulary,
    maxAttempts: where.config.maxAttempts,
    config: where.config,
    decide: decideOn,
    allowEmpty: opts.allowEmpty,
    request: typeof intent === 'function' ? undefined : intent,
    author: opts.author,
    read: opts.indexed ? indexedRead(where, intent, opts.indexed) : undefined,
  }).catch(async (e: unknown) => {
    throw await notShared(where, guessedBranch(where, e));
  });
  const after = result.applied?.after ?? result.before;
  const story = result.applied?.story ?? after.graph.byId.get(result.decision.id) ?? null;
  return { decision: result.decision, before: result.before, story, after, applied: result.applied, commit: result.commit, attempts: result.attempts, note: result.note };
}

/** How a write reads the tip through the queue index (`app/indexed-write.ts`): `true` for a claim
 * (the story it takes), or the write of one story's status it is. */
export type IndexedWrite = boolean | { op: StoryWrite; id: string };

/** With `indexed`, how a claim reads the tip: a partial queue of the story it takes; with
 * `{ op, id }`, a partial queue for that write of `id` (`app/indexed-write.ts`); undefined for any
 * other write (a lease renewal too), which reads the file in full. */
function indexedRead(where: WriteTarget, intent: WriteIntent, indexed: Exclude<IndexedWrite, false>): ((bytes: Buffer) => Promise<Queue>) | undefined {
  const src = { root: where.root, file: where.file, config: where.config };
  if (indexed !== true) return async (bytes) => (await import('./indexed-write.js')).storyQueue(src, bytes, indexed.op, indexed.id);
  if (typeof intent === 'function' || intent.op !== 'claim' || intent.renew) return undefined;
  const { agent, id } = intent;
  return async (bytes) => (await import('./indexed-write.js')).claimQueue(src, bytes, agent, id);
}

/**
 * `e`, said better when the remote has no branch of the name queue took for the shared one because
 * nothing named it (no `"branch"`, no `QUEUE_BRANCH`, no `origin/HEAD`, as in a clone of an empty
 * repository): the checked-out branch was a guess, and how to name the shared branch is the fix.
 */
function guessedBranch(where: WriteTarget, e: unknown): unknown {
  if (!(e instanceof QueueError) || e.code !== 'git' || !where.remote) return e;
  if ((where.branchFrom !== 'checkout' && where.branchFrom !== 'default') || !/couldn't find remote ref/.test(e.message)) return e;
  return new QueueError(
    'git',
    `${where.remote} has no branch ${where.branch}: queue took the checked-out branch for the shared one, as nothing names it (${where.remote}/HEAD is unknown, as in a clone of an empty repository); when ${where.branch} is to be the shared branch, push it first: git push -u ${where.remote} ${where.branch}; else name the shared one: "branch" in queue.config.json, or QUEUE_BRANCH`,
    { ...e.details, branch: where.branch },
  );
}

/**
 * `e`, said better when it is `not_found` for a story that the working file has and the shared
 * branch does not (a row added and not pushed yet: `queue ready`, which reads the working file when
 * it has local changes, offered it): the fix is to push it. The working file is read only then.
 */
async function notShared(where: WriteTarget, e: unknown): Promise<unknown> {
  if (!(e instanceof QueueError) || e.code !== 'not_found' || !where.remote || typeof e.details?.id !== 'string') return e;
  const id = e.details.id;
  try {
    const { readFileSync } = await import('node:fs');
    const local = await readQueue([{ file: where.file, bytes: readFileSync(resolve(where.root, where.file)) }], { vocabulary: where.config.vocabulary });
    const s = local.graph.lookup(id);
    if (!s) return e;
    return new QueueError(
      'not_found',
      `no story "${id}" on ${where.remote}/${where.branch}, where queue writes: it is in your working ${where.file} (line ${s.line}) but not on the shared branch yet; commit and push it (git push ${where.remote} HEAD:${where.branch}), then try again`,
      { ...e.details, local: true, file: where.file, line: s.line },
    );
  } catch {
    return e;
  }
}

/**
 * `commit: false`: decide on the working file and write it (and any story files), each by a
 * compare-and-swap on its bytes (`app/files.ts`): when the file changed since it was read, the
 * operation is decided again on the new text, up to the config's `maxAttempts` times, then refused
 * with `conflict_retries_exhausted`.
 */
async function editWorkingFile(where: WriteTarget, decideOn: (queue: Queue, base: null) => Promise<Decision>): Promise<WriteOutcome> {
  // Loaded here only: a transaction never writes the working file this way.
  const [{ readIfExists, swapFile, writablePath, writeFiles }, { readQueueBytes }] = await Promise.all([import('./files.js'), import('./queue-file.js')]);
  // Refused before anything is decided: a queue file that is a link leading outside the work tree.
  const path = writablePath(where.root, where.file);
  for (let attempt = 1; attempt <= where.config.maxAttempts; attempt++) {
    // As bytes: a file that is not all UTF-8 keeps every byte the write does not change.
    const bytes = readQueueBytes(path, where.file);
    const queue = await readQueue([{ file: where.file, bytes }], { vocabulary: where.config.vocabulary });
    const doc = queue.documents[0];
    const text = asWritten(doc);
    const decision = await decideOn(queue, null);
    if (decision.unchanged) return { decision, before: queue, story: queue.graph.byId.get(decision.id) ?? null, after: queue, applied: null, commit: null, attempts: attempt };
    const applied = await applyDecision(queue, decision, where.config);
    const before = new Map<string, string | null>();
    for (const f of decision.files ?? []) {
      const current = readIfExists(resolve(where.root, f.path));
      if (!f.replace && current !== null) throw new QueueError('invalid', `${f.path} already exists`, { file: f.path });
      before.set(f.path, current);
    }
    for (const f of decision.files ?? []) writablePath(where.root, f.path);
    if (applied.content !== text && (await swapFile(path, bytes, documentBytes(decision.document, applied.content))) === 'moved') continue;
    const moved = await writeFiles(where.root, decision, before);
    if (moved.length) throw new QueueError('conflict_retries_exhausted', `${moved.join(', ')} changed while queue was writing it (${where.file} was written)`, { files: moved });
    return { decision, before: queue, story: applied.story ?? null, after: applied.after, applied, commit: null, attempts: attempt };
  }
  throw new QueueError('conflict_retries_exhausted', `${where.file} kept changing while queue was editing it; run the command again`);
}

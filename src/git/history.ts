/**
 * A queue file's history from git: every commit that touched it, with the queue before
 * (its first parent's version) and after, who wrote it, and its `Queue-*` trailers. Feeds
 * `queue validate --range`, `queue log`, `queue diff` and the hooks; the judging itself is pure
 * (`rules/check.ts`, `history/events.ts`, `history/memory.ts`).
 *
 * A {@link Judge} walks commits oldest first and carries what a version could not read: a commit
 * that deletes or renames the queue file, or makes stories unreadable, is judged as removing them,
 * and the commit that brings them back is judged against the last version that read them.
 */
import { CONFIG_FILE, parseConfig, type QueueConfig, type Vocabulary } from '../domain/config.js';
import { readQueue, type Queue } from '../read/queue.js';
import { logCommits, trailerField, trailerValues, type LoggedCommit } from './log.js';
import { rereadQueue } from '../read/patch.js';
import { diffQueues, type QueueEvent } from '../history/events.js';
import { NOTHING_REMEMBERED, recall, remember, type Remembered } from '../history/memory.js';
import { actorOf, checkMaintainer, checkTransition, type Actor, type ChangeContext, type Violation } from '../rules/check.js';
import type { Git } from './git.js';
import { TRAILER } from '../domain/trailers.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';
import { QueueError } from '../domain/errors.js';
import { formerOf, heldFromOf, reopenedOf, type Former, type Reopened } from '../edit/former.js';

/** One commit that changed the queue file. */
export interface QueueCommit {
  commit: string;
  /** The first parent (null for a root commit). */
  parent: string | null;
  /** Every parent, first first (two or more for a merge). */
  parents: string[];
  author: string;
  email: string;
  /** Committer time, milliseconds since the epoch. */
  time: number;
  subject: string;
  /** `Queue-Agent` (null when absent, or when a group commit names several), `Queue-Op`, `Queue-Force`. */
  trailers: { agent: string | null; op: string | null; force: boolean };
}

/** A commit judged: who made it, what it did to the queue and which rules it broke. */
export interface JudgedCommit extends QueueCommit {
  /** Who made the change as the judge knows it: the pusher, else the author through the config's
   * `agents` (an author the config does not know by their own name). */
  actor: string | null;
  events: QueueEvent[];
  violations: Violation[];
  /** Whether the commit changed the queue file (its version is not every parent's, or it is a root
   * commit holding the file) or, where the judge guards it, queue.config.json. */
  changed: boolean;
}

/** What each commit of the queue's history is listed with (`git/log.ts`), after its id. */
const FIELDS = ['%P', '%an', '%ae', '%ct', '%s', trailerField(TRAILER.agent), trailerField(TRAILER.op), trailerField(TRAILER.force)];

/** Commits in `range` (`A..B`, or a single revision for its whole history) touching `file`, oldest first. */
export async function queueCommits(git: Git, range: string, file: string): Promise<QueueCommit[]> {
  return (await logCommits(git, FIELDS, ['--reverse', '--first-parent', range, '--', file])).map(queueCommit);
}

/** Every commit in `range` (touching the file or not), parents before children: a push or receive judges them all. */
export async function rangeCommits(git: Git, range: string[]): Promise<QueueCommit[]> {
  return (await logCommits(git, FIELDS, ['--reverse', '--topo-order', ...range])).map(queueCommit);
}

function queueCommit({ commit, fields: f }: LoggedCommit): QueueCommit {
  // A group commit names several agents, one per claim it carries: none of them is the actor.
  const agents = trailerValues(f[5]);
  const distinct = new Set(agents.map((a) => a.toLowerCase()));
  return {
    commit,
    parent: f[0].split(' ')[0] || null,
    parents: f[0].split(' ').filter(Boolean),
    author: f[1],
    email: f[2],
    time: Number(f[3]) * 1000,
    subject: f[4],
    trailers: { agent: distinct.size > 1 ? null : (agents[0] ?? null), op: trailerValues(f[6])[0] ?? null, force: trailerValues(f[7]).length > 0 },
  };
}

/** The queue.config.json of a revision, as the hooks and `queue validate --range` take their rules
 * from it: the config with the blob it was read from, `{error}` when it does not read, null when
 * the revision has none (or `rev` is null). */
export async function configAt(git: Git, rev: string | null): Promise<{ config: QueueConfig; source: string } | { error: string } | null> {
  const source = rev ? (await git.line(['rev-parse', '-q', '--verify', `${rev}:${CONFIG_FILE}`]).catch(() => '')).trim() : '';
  if (!rev || !source) return null;
  try {
    return { config: parseConfig(await git.raw(['cat-file', 'blob', source])).config, source };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** How many commits touching the queue file {@link claimCommit} looks back through. */
export const CLAIM_HISTORY_LIMIT = 200;

/**
 * The commit that made the claim on story `id` standing at `rev`: the newest commit in `rev`'s
 * first-parent history of `file` whose trailers say it claimed `id` (`Queue-Op: claim`, a
 * `Queue-Story: <id>` among its stories: a group commit claims several), looking back at most
 * {@link CLAIM_HISTORY_LIMIT} commits. Null when there is none, or when a later queue commit did
 * something else to the story (a release, a done: the claim standing now was made by hand).
 */
export async function claimCommit(git: Git, rev: string, file: string, id: string): Promise<string | null> {
  for (const { commit, op } of await storyOps(git, rev, file, id)) {
    if (op === 'claim') return commit;
    if (op !== 'renew') return null;
  }
  return null;
}

/** The queue commits about story `id` (a `Queue-Story` trailer names it) in `rev`'s first-parent
 * history of `file`, newest first, with the operation each names (`Queue-Op`, '' for none), among
 * the last {@link CLAIM_HISTORY_LIMIT} commits of the file. */
async function storyOps(git: Git, rev: string, file: string, id: string): Promise<Array<{ commit: string; op: string }>> {
  const listed = await logCommits(git, [trailerField(TRAILER.op), trailerField(TRAILER.story)], ['--first-parent', `--max-count=${CLAIM_HISTORY_LIMIT}`, rev, '--', file]);
  return listed.filter(({ fields }) => trailerValues(fields[1]).includes(id)).map(({ commit, fields }) => ({ commit, op: trailerValues(fields[0])[0] ?? '' }));
}

/** The queue file as it was before `commit` (at its first parent), read; null when it cannot be. */
function queueBefore(git: Git, commit: string, file: string, vocabulary?: Vocabulary): Promise<Queue | null> {
  return queueAt(git, `${commit}^`, file, vocabulary).catch(() => null);
}

/**
 * How story `id` stood before the claim standing on it at `rev` (`edit/former.ts`), read from the
 * queue file at that claim commit's parent ({@link claimCommit}): what a release writes back. Null
 * when no claim commit is found, or the file cannot be read there.
 */
export async function formerAt(git: Git, rev: string, file: string, id: string, vocabulary?: Vocabulary): Promise<Former | null> {
  const claim = await claimCommit(git, rev, file, id).catch(() => null);
  const before = claim === null ? null : await queueBefore(git, claim, file, vocabulary);
  return before ? formerOf(before, id) : null;
}

/** Queue operations that leave a claim standing: between a claim and the done that finished its
 * work, they keep the claim the one the done ended. */
const WHILE_CLAIMED: ReadonlySet<string> = new Set(['renew', 'review', 'reject', 'reassign', 'handoff', 'decision', 'dep-add', 'dep-rm']);

/**
 * The commit that made the claim whose work the done standing on story `id` at `rev` finished: in
 * `rev`'s first-parent history of `file` (at most {@link CLAIM_HISTORY_LIMIT} commits), the newest
 * queue commit about `id` must be its done (`Queue-Op: done` or `approve`), and the claim is the
 * newest `claim` before it with only operations that leave a claim standing between them. Null
 * otherwise (the story was done or claimed by hand, or released and taken again in between).
 */
export async function finishedClaimCommit(git: Git, rev: string, file: string, id: string): Promise<string | null> {
  let finished = false;
  for (const { commit, op } of await storyOps(git, rev, file, id)) {
    if (!finished) {
      if (op !== 'done' && op !== 'approve') return null;
      finished = true;
    } else if (op === 'claim') return commit;
    else if (!WHILE_CLAIMED.has(op)) return null;
  }
  return null;
}

/**
 * How done story `id` at `rev` stood before the claim whose work its done finished
 * (`edit/former.ts` {@link Reopened}), read from the queue file at that claim commit's parent
 * ({@link finishedClaimCommit}): what a reopen writes back. Null when no such claim is found, or the
 * file cannot be read there.
 */
export async function reopenedAt(git: Git, rev: string, file: string, id: string, vocabulary?: Vocabulary): Promise<Reopened | null> {
  const claim = await finishedClaimCommit(git, rev, file, id).catch(() => null);
  const before = claim === null ? null : await queueBefore(git, claim, file, vocabulary);
  return before ? reopenedOf(before, id) : null;
}

/**
 * How story `id` stood before the hold standing on it at `rev` (`edit/former.ts`): read from the
 * queue file at the parent of the newest queue commit about `id` in `rev`'s first-parent history of
 * `file` (at most {@link CLAIM_HISTORY_LIMIT} commits) when that commit put the hold
 * (`Queue-Op: block`): what an unblock writes back. Null otherwise (a hold put by hand), or when the
 * file cannot be read there.
 */
export async function heldFromAt(git: Git, rev: string, file: string, id: string, vocabulary?: Vocabulary): Promise<Former | null> {
  const [newest] = await storyOps(git, rev, file, id).catch(() => []);
  const before = newest?.op === 'block' ? await queueBefore(git, newest.commit, file, vocabulary) : null;
  return before ? heldFromOf(before, id) : null;
}

/** The blob id of the queue file at a revision; null when the file does not exist there.
 * QueueError `too_large` when it is over the size limit (found before it is read). */
async function blobAt(git: Git, rev: string | null, file: string): Promise<string | null> {
  if (rev === null) return null;
  const m = /^\d{6} blob ([0-9a-f]+) +(\d+)\t/.exec(await git.line(['ls-tree', '-l', rev, '--', file]));
  if (m && Number(m[2]) > MAX_FILE_BYTES) throw tooLarge(file, Number(m[2]));
  return m ? m[1] : null;
}

/** The queue file at a revision, read (with the team's `vocabulary`, if any); null when the file does not exist there. */
export async function queueAt(git: Git, rev: string | null, file: string, vocabulary?: Vocabulary): Promise<Queue | null> {
  const blob = await blobAt(git, rev, file);
  return blob === null ? null : readQueue([{ file, text: await git.raw(['cat-file', 'blob', blob]) }], { vocabulary });
}

/** A merge commit's parents, and each later parent's merge base with the first (null: none). */
interface Merge {
  parents: string[];
  bases: Array<string | null>;
}

/** The rules about one story's change (the rest judge the queue as a whole). */
const PER_STORY: ReadonlySet<string> = new Set(['claim_not_ready', 'steal', 'not_holder', 'done_not_claimed', 'reopen_by_hand', 'delete_claimed']);

/** What a {@link Judge} knows besides the commits. */
export interface JudgeOptions {
  /** The queue file. */
  file: string;
  /** The config the rules come from (for a push: the one already on the branch). */
  config: QueueConfig;
  /** Who pushes, when the server says: the actor of every change. */
  pusher?: string | null;
  /** Judge changes of queue.config.json too: only a maintainer makes them, and they must parse. */
  guardConfig?: boolean;
  /** The queue.config.json blob a commit without a parent changes (null: none), where the rules come
   * from another branch or version than the commits'. */
  rootConfig?: string | null;
  /** Judge queue.config.json only, not the queue file (a branch whose config names the queue branch). */
  configOnly?: boolean;
  /** The commits come as one line of history, each the next change of the file after the one
   * before (as {@link queueCommits} lists them), rather than as a graph known by parents. */
  linear?: boolean;
  /** The text of the versions kept read, at most (UTF-16 code units; default 8 Mi): a version read
   * again after it was let go is read from git again. */
  keptText?: number;
}

/** The text of the versions a {@link Judge} keeps read, at most, by default (UTF-16 code units; two versions are kept whatever their size). */
const KEPT_TEXT = 8 * 2 ** 20;

/**
 * Judges commits oldest first, by the claim rules and with one config, remembering across commits
 * the stories a version could not read. Reads each blob once.
 */
export class Judge {
  private readonly queues = new Map<string, { queue: Queue; size: number }>();
  private kept = 0;

  /** The stories remembered after commit `commit` was judged (or at the base): read in an earlier
   * version, not readable in that one. Null when the judge has not been there. */
  rememberedAt(commit: string): Remembered | null {
    return this.memory.get(commit) ?? null;
  }

  /** How many versions of the queue file the judge keeps read now. */
  get versionsKept(): number {
    return this.queues.size;
  }
  private readonly blobs = new Map<string, string | null>();
  /** Each blob's size in bytes, as `prefetch` found it. */
  private readonly sizes = new Map<string, number>();
  /** What is remembered after each commit judged (and at the base). */
  private readonly memory = new Map<string, Remembered>();
  private last: Remembered = NOTHING_REMEMBERED;
  /** What is remembered at the base: what a commit whose parent the judge has not been at starts
   * from (a root commit, or a side branch grown from an older commit), so that it cannot bring back
   * as new a story the base remembers. */
  private atBase: Remembered = NOTHING_REMEMBERED;
  private empty: Queue | null = null;

  constructor(
    private readonly git: Git,
    private readonly opts: JudgeOptions,
  ) {}

  /** Look up the queue file and queue.config.json at each of `revs` in one `cat-file --batch-check`. */
  async prefetch(revs: ReadonlyArray<string | null>): Promise<void> {
    const paths = [this.opts.file, CONFIG_FILE];
    const ask = [...new Set(revs.filter((r): r is string => r !== null))].flatMap((r) => paths.map((p) => `${r}:${p}`)).filter((k) => !this.blobs.has(k));
    if (ask.length === 0) return;
    const safe = ask.filter((k) => !k.includes('\n'));
    for (const k of ask) if (k.includes('\n')) this.blobs.set(k, null);
    const out = (await this.git.input(['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'], `${safe.join('\n')}\n`)).split('\n');
    safe.forEach((k, i) => {
      const m = /^([0-9a-f]{40,64}) blob (\d+)$/.exec(out[i] ?? '');
      this.blobs.set(k, m ? m[1] : null);
      if (m) this.sizes.set(m[1], Number(m[2]));
    });
  }

  private async blob(rev: string | null, path: string): Promise<string | null> {
    if (rev === null) return null;
    const key = `${rev}:${path}`;
    if (!this.blobs.has(key)) await this.prefetch([rev]);
    return this.blobs.get(key) ?? null;
  }

  /**
   * The queue of a version, read once while it is among the last read: the versions kept add up to
   * at most `keptText` of text ({@link KEPT_TEXT} by default) (two at least, a commit's parent and its own), so judging a
   * push of many commits of a large file holds a few versions in memory, not every one.
   */
  private async read(blob: string | null, from: string | null = null): Promise<Queue | null> {
    if (blob === null) return null;
    const kept = this.queues.get(blob);
    if (kept) {
      // Most recently used last.
      this.queues.delete(blob);
      this.queues.set(blob, kept);
      return kept.queue;
    }
    const text = await this.git.raw(['cat-file', 'blob', blob]);
    // From the version before, when it is still read: a commit that edits a few rows (a claim, a
    // done) is read by re-reading those rows alone, as a write proves its own edit.
    const base = from === null ? null : (this.queues.get(from)?.queue ?? null);
    const queue = await rereadQueue(base, { file: this.opts.file, text }, { vocabulary: this.opts.config.vocabulary });
    this.queues.set(blob, { queue, size: text.length });
    this.kept += text.length;
    for (const [old, v] of this.queues) {
      if (this.kept <= (this.opts.keptText ?? KEPT_TEXT) || this.queues.size <= 2) break;
      this.queues.delete(old);
      this.kept -= v.size;
    }
    return queue;
  }

  /**
   * The version a change starts from. One over a limit (`too_large`, `too_deep`: it can only be on
   * the branch from before the hook guarded it) reads as no file, so the commit that repairs it is
   * judged as a first version is, rather than every push being refused for what is already there.
   */
  private async readBefore(blob: string | null): Promise<Queue | null> {
    try {
      return await this.read(blob);
    } catch (e) {
      if (e instanceof QueueError && (e.code === 'too_large' || e.code === 'too_deep')) return null;
      throw e;
    }
  }

  /**
   * The {@link shape} violation of the queue file at `rev` (blob `blob`), asked only of small blobs
   * (a link's blob is the path it names): queue reads and edits the queue file only as a regular
   * file, and a link would hide every later edit of the file it names from the judging.
   */
  private async linkAt(rev: string, blob: string): Promise<Violation | null> {
    return (this.sizes.get(blob) ?? 0) > 4096 ? null : this.shape(rev);
  }

  /**
   * The violation of a tree at `rev` whose queue file is not a regular file where its path says: the
   * file, or a directory on its path, a symbolic link or a submodule (the judging reads the tree,
   * so whatever the link names would go unjudged). Null when the file is a regular file, or absent
   * with every directory on its path a directory. Mode changes keep the blob, so this is asked of
   * the tree, not of the file's content.
   */
  async shape(rev: string): Promise<Violation | null> {
    const parts = this.opts.file.split('/');
    const paths = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    const listed = await this.git.raw(['ls-tree', '-z', '--full-tree', '--end-of-options', rev, '--', ...paths]).catch(() => '');
    for (const entry of listed.split('\0')) {
      const m = /^(\d{6}) \w+ [0-9a-f]+\t(.*)$/s.exec(entry);
      if (!m || !paths.includes(m[2])) continue;
      if (m[1] === '120000' || m[1] === '160000') return this.linked(m[2], m[1] === '120000' ? 'a symbolic link' : 'a submodule');
    }
    return null;
  }

  /** The violation of a commit that makes the queue file, or a directory on its path, a link. */
  private linked(path: string, what: string): Violation {
    const { file } = this.opts;
    return {
      rule: 'unparseable',
      severity: 'error',
      story: null,
      file,
      line: 1,
      message: `${path === file ? file : `${path}, on the path of ${file},`} became ${what}: queue reads and edits the queue file only as a regular file, and what a link names is not judged`,
      fix: `keep ${file} a regular file; to move the queue, a maintainer renames it and sets "file" in queue.config.json`,
    };
  }

  /** The queue of a version without the file: no story. */
  private async none(): Promise<Queue> {
    this.empty ??= await readQueue([{ file: this.opts.file, text: '' }], { vocabulary: this.opts.config.vocabulary });
    return this.empty;
  }

  /**
   * Start at `base`, the last version already accepted: `known`, the stories remembered there when
   * it was judged (the server hook keeps them between pushes), else, when the queue file is missing
   * there, the stories of the last version that had it, so bringing them back is judged against
   * what they were.
   */
  async from(base: string, known: Remembered | null = null): Promise<void> {
    let remembered = known ?? NOTHING_REMEMBERED;
    if (!known && !this.opts.configOnly && (await this.blob(base, this.opts.file)) === null) {
      const gone = (await this.git.line(['rev-list', '-1', base, '--', this.opts.file]).catch(() => '')).trim();
      const parent = gone ? (await this.git.line(['rev-parse', '-q', '--verify', `${gone}^`]).catch(() => '')).trim() : '';
      if (parent) remembered = remember(await this.read(await this.blob(parent, this.opts.file)), NOTHING_REMEMBERED, null);
    }
    this.memory.set(base, remembered);
    this.last = remembered;
    this.atBase = remembered;
  }

  /**
   * Every commit of `range` (git's revision arguments: `A..B`, the commits B has and A has not; one
   * revision, its whole history), judged as a push of them is: parents before children, each against
   * its first parent, a merge for what it resolved itself (what it took cleanly from another parent
   * was judged in that parent's commits), and what a version could not read remembered per parent
   * (a judge made without `linear`). `base` is the commit the range starts after, when there is one:
   * the judging remembers from it ({@link from}), starting with `known` when given. Every commit is judged, on every side of every
   * merge; the caller keeps those that `changed`.
   */
  async range(base: string | null, range: string[], known: Remembered | null = null): Promise<JudgedCommit[]> {
    const commits = await rangeCommits(this.git, range);
    await this.prefetch([base, ...commits.flatMap((c) => [...c.parents, c.commit])]);
    if (base) await this.from(base, known);
    const out: JudgedCommit[] = [];
    for (const c of commits) out.push(await this.commit(c));
    return out;
  }

  /** The change a commit made to the queue file (and, guarded, to queue.config.json), judged against its first parent. */
  async commit(c: QueueCommit): Promise<JudgedCommit> {
    const { file, config } = this.opts;
    const remembered = this.opts.linear ? this.last : ((c.parent !== null ? this.memory.get(c.parent) : undefined) ?? this.atBase);
    const [b0, b1] = this.opts.configOnly ? [null, null] : [await this.blob(c.parent, file), await this.blob(c.commit, file)];
    const guarded = this.opts.guardConfig || this.opts.configOnly;
    const k0 = !guarded ? null : c.parent === null ? (this.opts.rootConfig ?? null) : await this.blob(c.parent, CONFIG_FILE);
    const k1 = guarded ? await this.blob(c.commit, CONFIG_FILE) : null;
    const ctx: ChangeContext = {
      agent: c.trailers.agent,
      op: c.trailers.op,
      force: c.trailers.force,
      author: [c.email, c.author],
      pusher: this.opts.pusher,
      config,
    };
    const judged: JudgedCommit = { ...c, actor: actorOf(ctx).name, events: [], violations: [], changed: false };
    let next = remembered;
    // A merge changes the file when its version is not every parent's (keeping its first parent's
    // version drops what the others did).
    const versions = this.opts.configOnly ? [b0] : await Promise.all(c.parents.map((p) => this.blob(p, file)));
    const configs = guarded && c.parents.length > 1 ? await Promise.all(c.parents.map((p) => this.blob(p, CONFIG_FILE))) : [k0];
    const merge = c.parents.length > 1 && (versions.some((b) => b !== b1) || configs.some((k) => k !== k1)) ? await this.mergeOf(c) : null;
    if (versions.some((b) => b !== b1) || (c.parents.length === 0 && b1 !== null)) {
      judged.changed = true;
      const link = b1 === null ? null : await this.linkAt(c.commit, b1);
      // The version before first: the commit's own is then read from it, where only rows changed.
      const was = await this.readBefore(b0);
      const found = link ? null : await this.read(b1, b0);
      const after = found ?? (await this.none());
      const before = recall(was, remembered, after);
      const why: ChangeContext = { ...ctx, gone: found ? null : `${file} is gone (deleted or renamed)` };
      judged.actor = actorOf(why, before, after).name;
      judged.events = before || found ? diffQueues(before, after) : [];
      if (merge) {
        // What the merge took cleanly from another parent was judged there; what it resolved itself
        // is the merger's, judged against every parent.
        why.only = await this.resolved(merge, found);
        judged.violations = checkTransition(before, after, why);
        const seen = new Set(judged.violations.map((v) => `${v.rule} ${v.story}`));
        for (const p of merge.parents.slice(1)) {
          for (const v of checkTransition(await this.read(await this.blob(p, file)), after, why)) {
            if (v.story === null || !why.only.has(v.story) || seen.has(`${v.rule} ${v.story}`) || !PER_STORY.has(v.rule)) continue;
            seen.add(`${v.rule} ${v.story}`);
            judged.violations.push(v);
          }
        }
      } else judged.violations = checkTransition(before, after, why);
      if (link) judged.violations.push(link);
      next = remember(before, remembered, found);
    }
    if (guarded && configs.some((k) => k !== k1)) judged.changed = true;
    if (configs.some((k) => k !== k1) && !(merge && (await this.cleanly(merge, CONFIG_FILE, k1))))
      judged.violations.push(...(await this.configChange(k1, actorOf(ctx, null, await this.read(b1)), c.commit)));
    this.memory.set(c.commit, next);
    this.last = next;
    return judged;
  }

  /** A merge's parents and, for each parent after the first, its merge base with the first (null: none). */
  private async mergeOf(c: QueueCommit): Promise<Merge> {
    const bases = await Promise.all(c.parents.slice(1).map(async (p) => (await this.git.line(['merge-base', c.parents[0], p]).catch(() => '')).trim() || null));
    await this.prefetch([...c.parents, ...bases]);
    return { parents: c.parents, bases };
  }

  /**
   * Whether the merge's version of `path` (blob `mine`) is one parent's, taken cleanly: every other
   * parent's side left it as their merge base had it.
   */
  private async cleanly(merge: Merge, path: string, mine: string | null): Promise<boolean> {
    const version = async (rev: string | null) => this.blob(rev, path);
    const at = await Promise.all(merge.parents.map(version));
    for (let j = 0; j < at.length; j++) {
      if (at[j] !== mine) continue;
      let clean = true;
      for (let k = 0; k < at.length && clean; k++) {
        if (k === j) continue;
        const base = k === 0 ? merge.bases[j - 1] : j === 0 ? merge.bases[k - 1] : null;
        clean = at[k] === mine || (base !== undefined && base !== null && at[k] === (await version(base)));
      }
      if (clean) return true;
    }
    return false;
  }

  /**
   * The stories a merge resolved itself: those whose version (status, claimant, dependencies) in the
   * merge is no parent's taken cleanly, that is with every other parent's side leaving the story as
   * their merge base had it.
   */
  private async resolved(merge: Merge, after: Queue | null): Promise<Set<string>> {
    const file = this.opts.file;
    const read = async (rev: string | null) => (rev === null ? null : this.read(await this.blob(rev, file)));
    const parents = await Promise.all(merge.parents.map(read));
    const bases = await Promise.all(merge.bases.map(read));
    const sig = (q: Queue | null, id: string) => {
      const s = q?.graph.byId.get(id);
      return s ? `${s.status.raw}\0${s.claimant ?? ''}\0${s.deps.map((d) => d.id ?? d.ref).join(',')}` : '';
    };
    const ids = new Set([...(after?.stories ?? []), ...parents.flatMap((q) => q?.stories ?? [])].map((s) => s.id));
    const out = new Set<string>();
    for (const id of ids) {
      const mine = sig(after, id);
      const at = parents.map((q) => sig(q, id));
      const clean = at.some((v, j) => {
        if (v !== mine) return false;
        return at.every((w, k) => {
          if (k === j || w === mine) return true;
          // The base of parents j and k: every base is with the first parent.
          const base = k === 0 ? bases[j - 1] : j === 0 ? bases[k - 1] : undefined;
          return base !== undefined && w === sig(base, id);
        });
      });
      if (!clean) out.add(id);
    }
    return out;
  }

  /**
   * The change from `from` to `to` as one transition, made by the pusher (or by nobody known): a
   * forced update's net change, which no commit of the push shows (a rewind has none at all).
   */
  async between(from: string, to: string, unknown: string): Promise<Violation[]> {
    const { file, config } = this.opts;
    const ctx: ChangeContext = { pusher: this.opts.pusher, config, unknown };
    const out: Violation[] = [];
    await this.prefetch([from, to]);
    if (!this.opts.configOnly) {
      const [b0, b1] = [await this.blob(from, file), await this.blob(to, file)];
      if (b0 !== b1) {
        const link = b1 === null ? null : await this.linkAt(to, b1);
        const was = await this.read(b0);
        const found = link ? null : await this.read(b1, b0);
        const after = found ?? (await this.none());
        const before = recall(was, this.memory.get(from) ?? NOTHING_REMEMBERED, after);
        if (before || found) out.push(...checkTransition(before, after, { ...ctx, gone: found ? null : `${file} is gone (deleted or renamed)` }));
        if (link) out.push(link);
      }
    }
    const [k0, k1] = [await this.blob(from, CONFIG_FILE), await this.blob(to, CONFIG_FILE)];
    if (k0 !== k1) out.push(...(await this.configChange(k1, actorOf(ctx), to)));
    return out;
  }

  /** queue.config.json changed to blob `next` (null: deleted) by `actor`: a maintainer's change, and one that parses. */
  private async configChange(next: string | null, actor: Actor, at: string): Promise<Violation[]> {
    const where = { file: CONFIG_FILE, line: 1 };
    const out = checkMaintainer('config_change', actor, this.opts.config, where, `${CONFIG_FILE} was ${next === null ? 'deleted' : 'changed'}`);
    if (next !== null) {
      try {
        parseConfig(await this.git.raw(['cat-file', 'blob', next]));
      } catch (e) {
        out.push({
          rule: 'config_change',
          severity: 'error',
          story: null,
          ...where,
          message: `${CONFIG_FILE} at ${at.slice(0, 7)} does not read: ${(e as Error).message}`,
          fix: `push a ${CONFIG_FILE} that queue validate accepts`,
        });
      }
    }
    return out;
  }
}

/** Judge one commit's change to the queue file on its own: its events and the rules it broke. */
export async function judgeCommit(git: Git, c: QueueCommit, file: string, config: QueueConfig): Promise<JudgedCommit> {
  return new Judge(git, { file, config }).commit(c);
}

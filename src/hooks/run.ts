/**
 * What the git hooks check, with the same rules as every other path (`rules/check.ts`):
 * - `pre-commit`: the staged queue file against HEAD's;
 * - `pre-push`: every outgoing commit (stdin: `<local ref> <local sha> <remote ref> <remote sha>`
 *   lines), and a forced update's net change;
 * - `pre-receive` (in a bare repository): every update of the queue branch (stdin: `<old> <new>
 *   <ref>` lines), judged with the rules already on the server ({@link serverGuard}) and by who
 *   pushes where the server says ({@link pusherOf}). Each commit is judged against its first parent
 *   (from the merge base for a forced update, whose net change from the old tip is judged too); a
 *   deletion of the branch is a maintainer's; a creation is judged against the branch's last tip
 *   known here, else from its root; a change of queue.config.json is a maintainer's.
 * Each returns the refusals as text lines naming the rule, the story, the line and the fix; an empty
 * list lets the operation go on.
 */
import { askedAgent } from '../app/agent.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE, defaultConfig, type QueueConfig } from '../domain/config.js';
import { loadConfig } from '../app/locate.js';
import { readQueue } from '../read/queue.js';
import { Git } from '../git/git.js';
import { configAt, Judge, queueAt, type JudgeOptions } from '../git/history.js';
import type { Remembered } from '../history/memory.js';
import type { Story } from '../domain/types.js';
import { actorOf, checkMaintainer, checkTransition, type Violation } from '../rules/check.js';

const ZERO = /^0+$/;

/** A refusal line: `WORK_QUEUE.md:12: steal 5-3: … Fix: …`, after what it is about (a commit, a ref update). */
function refusal(v: Violation, about?: string): string {
  return `${about ? `${about} ` : ''}${v.file}:${v.line}: ${v.rule}${v.story ? ` ${v.story}` : ''}: ${v.message}. Fix: ${v.fix}`;
}

const errorsOf = (vs: Violation[]) => vs.filter((v) => v.severity === 'error');

/** `pre-commit` in a work tree at `root`. */
export async function preCommit(root: string): Promise<string[]> {
  const git = new Git(root);
  const { config } = loadConfig(root);
  const file = config.file;
  const staged = await git.line(['rev-parse', '-q', '--verify', `:${file}`]).catch(() => null);
  const head = await git.line(['rev-parse', '-q', '--verify', `HEAD:${file}`]).catch(() => null);
  if (head === staged || (!staged && !head)) return [];
  const after = await readQueue([{ file, text: staged ? await git.raw(['cat-file', 'blob', staged]) : '' }], { vocabulary: config.vocabulary });
  const before = await queueAt(git, await git.line(['rev-parse', '-q', '--verify', 'HEAD']).catch(() => null), file, config.vocabulary);
  const ident = await git.line(['var', 'GIT_AUTHOR_IDENT']).catch(() => '');
  const m = /^(.*?) <([^>]*)>/.exec(ident);
  const agent = (await askedAgent(undefined, git.dir)) ?? null;
  const violations = checkTransition(before, after, {
    agent,
    author: m ? [m[2], m[1]] : null,
    config,
    gone: staged ? null : `${file} is gone (deleted or renamed)`,
  });
  return errorsOf(violations).map((v) => refusal(v));
}

/** `pre-push` in a work tree at `root`; `input` is the hook's stdin. */
export async function prePush(root: string, remote: string, input: string): Promise<string[]> {
  // queue's own transactions push commits it has just decided and proved; the server still judges them.
  if (process.env.QUEUE_IN_TRANSACTION === '1') return [];
  const git = new Git(root);
  const { config } = loadConfig(root);
  const out: string[] = [];
  for (const line of input.split('\n')) {
    const [, localSha, remoteRef, remoteSha] = line.trim().split(/\s+/);
    if (!localSha || ZERO.test(localSha)) continue; // a deletion
    // The remote's tip, when this clone has it (a fetch brings it).
    const base = remoteSha && !ZERO.test(remoteSha) && (await git.ok(['cat-file', '-e', `${remoteSha}^{commit}`])) ? remoteSha : null;
    const range = base ? [`${base}..${localSha}`] : [localSha, '--not', `--remotes=${remote}`];
    // What the server remembers is the server's: a clone neither reads nor keeps any.
    out.push(...(await judgeUpdate(git, { file: config.file, config }, base, localSha, range, remoteRef ?? '', null)));
  }
  return out;
}

/** Where the server hook looks: the queue branch, the branch whose config names it, and the rules. */
export interface ServerGuard {
  /** The queue branch (`refs/heads/main`). */
  branch: string;
  /** The bare repository's HEAD (`refs/heads/main`), whose queue.config.json names the queue branch; null when HEAD is detached. */
  head: string | null;
  /** The config on the queue branch before the push: its old tip's, else HEAD's, else the defaults;
   * with the maintainers `git config queue.maintainer` adds in the bare repository. */
  config: QueueConfig;
  /** The blob of queue.config.json the config was read from; null for the defaults. */
  source: string | null;
  /** A warning for the pusher (a config on the server that does not read), or null. */
  note: string | null;
  /** Set when the guard cannot tell which branch is the queue's: HEAD names a branch that does not
   * exist (unborn, or deleted with no tip recorded here) while other branches do, and no
   * `queue.branch` is pinned. Every update is then refused with this line, which says how to set
   * it: judging another branch than the team's would let every push to the team's through, and
   * letting anyone create HEAD's branch would let them choose it. */
  unguarded: string | null;
}

/**
 * What the server hook judges with, all read from the repository as it is before the push: the
 * queue branch is the one `git config queue.branch` pins in the bare repository, else the one
 * queue.config.json at HEAD's tip names (`branch`), else HEAD's; the rules are the queue.config.json
 * at the queue branch's tip (at the last tip known, when the branch is gone), else HEAD's. Never
 * anything a push brings. `git config --add queue.maintainer NAME` in the bare repository adds a
 * maintainer whatever the branch says (the administrator's way in).
 */
export async function serverGuard(git: Git): Promise<ServerGuard> {
  const head = await git.line(['symbolic-ref', '-q', 'HEAD']).catch(() => null);
  const setting = async (key: string) =>
    (await git.raw(['config', '--get-all', key]).catch(() => ''))
      .split('\n')
      .map((v) => v.trim())
      .filter(Boolean);
  const [pinned] = await setting('queue.branch');
  const notes: string[] = [];
  const readAt = async (rev: string | null): Promise<{ config: QueueConfig; source: string } | null> => {
    const found = await configAt(git, rev);
    if (found && 'error' in found) {
      notes.push(`${CONFIG_FILE} at ${rev!.slice(0, 7)} does not read (${found.error}): judging with the defaults`);
      return null;
    }
    return found;
  };
  // HEAD's branch deleted here (by a maintainer) is judged, when pushed again, by the config of its
  // last tip, as any other queue branch is.
  const headTip = head ? ((await tipOf(git, head)) ?? lastTip(git, head)) : null;
  const atHead = await readAt(headTip);
  const branch = pinned ? `refs/heads/${pinned}` : atHead?.config.branch ? `refs/heads/${atHead.config.branch}` : (head ?? 'refs/heads/main');
  const tip = branch === head ? headTip : ((await tipOf(git, branch)) ?? lastTip(git, branch));
  const found = (await readAt(tip)) ?? (branch === head ? null : atHead);
  const config = found?.config ?? defaultConfig();
  config.maintainers = [...config.maintainers, ...(await setting('queue.maintainer'))];
  let unguarded: string | null = null;
  if (!pinned && head && headTip === null) {
    const others = (await git.raw(['for-each-ref', '--count=1', '--format=%(refname)', 'refs/heads/']).catch(() => '')).trim();
    if (others) unguarded = headless(head, others);
  }
  return { branch, head, config, source: found?.source ?? null, note: notes.length ? notes.join('; ') : null, unguarded };
}

/** The refusal of a repository whose HEAD names `head`, a branch that does not exist, beside `other`. */
function headless(head: string, other: string): string {
  const name = (ref: string) => ref.replace(/^refs\/heads\//, '');
  return `this repository's HEAD names ${name(head)}, a branch that does not exist here, so queue cannot tell which branch holds the queue and refuses every push. Fix: in the bare repository, git symbolic-ref HEAD refs/heads/${name(other)} (the branch the team pushes to), or git config queue.branch ${name(other)}`;
}

/**
 * Why the server hook would refuse every push to the bare repository `gitDir` as it stands, or null
 * ({@link ServerGuard}'s `unguarded`: HEAD names a branch that does not exist while others do). For
 * `queue hooks install --server`, which says so when it installs.
 */
export async function unguardedReason(gitDir: string): Promise<string | null> {
  return (await serverGuard(new Git(gitDir))).unguarded;
}

/**
 * Who pushes, as the server says: the variable the config names (`pusherVariable`), else
 * `GL_USERNAME` (GitLab), `GITEA_PUSHER_NAME` (Gitea, Forgejo), `REMOTE_USER` (git http-backend
 * behind an authenticating web server). Null when none is set: the commits' authors are the actors.
 */
export function pusherOf(env: NodeJS.ProcessEnv, config: QueueConfig): string | null {
  for (const name of [config.pusherVariable, 'GL_USERNAME', 'GITEA_PUSHER_NAME', 'REMOTE_USER']) {
    const value = name ? env[name]?.trim() : undefined;
    if (value) return value;
  }
  return null;
}

/** `pre-receive` in a bare repository at `gitDir`; `input` is the hook's stdin, `env` its environment. */
export async function preReceive(gitDir: string, input: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const git = new Git(gitDir);
  const updates = input
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([o, n, ref]) => o && n && ref);
  if (updates.length === 0) return [];
  const guard = await serverGuard(git);
  const pusher = pusherOf(env, guard.config);
  const out: string[] = [];
  for (const [oldSha, newSha, ref] of updates) {
    const old = ZERO.test(oldSha) ? null : oldSha;
    // Not knowing the queue branch, nothing goes on, not even the creation of HEAD's branch: whoever
    // pushed it would choose the branch the hook guards.
    if (guard.unguarded) out.push(`${ref.replace(/^refs\/heads\//, '')}: ${guard.unguarded}`);
    else if (ref === guard.branch) out.push(...(await receiveQueueBranch(git, guard, pusher, ref, old, newSha)));
    else if (ref === guard.head && ZERO.test(newSha)) {
      // HEAD's branch holds the config that names the queue branch: deleting it is a maintainer's,
      // and its tip is kept so that the config still says where the queue is.
      const actor = actorOf({ pusher, config: guard.config, unknown: 'a pusher the server does not name' });
      const name = ref.replace(/^refs\/heads\//, '');
      const refused = errorsOf(
        checkMaintainer(
          'delete_branch',
          actor,
          guard.config,
          { file: CONFIG_FILE, line: 1 },
          `${name} is HEAD's branch, whose ${CONFIG_FILE} names the queue branch, and was deleted`,
        ),
      );
      if (refused.length === 0 && old) recordTip(git.dir, ref, old);
      out.push(...refused.map((v) => refusal(v, `${name} (deleted)`)));
    } else if (ref === guard.head) {
      // HEAD's queue.config.json names the queue branch: changing it is a maintainer's.
      const opts = { file: guard.config.file, config: guard.config, pusher, configOnly: true, rootConfig: guard.source };
      out.push(...(await judgeUpdate(git, opts, old, newSha, old ? [`${old}..${newSha}`] : [newSha], ref, null)));
    }
  }
  if (out.length && guard.note) out.push(`(note: ${guard.note})`);
  return out;
}

/** One update of the queue branch: a deletion, a creation or an update (forced or not). */
async function receiveQueueBranch(git: Git, guard: ServerGuard, pusher: string | null, ref: string, old: string | null, tip: string): Promise<string[]> {
  const { config } = guard;
  const name = ref.replace(/^refs\/heads\//, '');
  if (ZERO.test(tip)) {
    const actor = actorOf({ pusher, config, unknown: 'a pusher the server does not name' });
    const refused = errorsOf(checkMaintainer('delete_branch', actor, config, { file: config.file, line: 1 }, `${name} is the queue branch and was deleted`));
    if (refused.length === 0 && old) recordTip(git.dir, ref, old);
    return refused.map((v) => refusal(v, `${name} (deleted)`));
  }
  // A creation is judged against the last tip this repository knew, else every commit from the root.
  const known = old ?? lastTip(git, ref);
  const base = known && (await git.ok(['cat-file', '-e', `${known}^{commit}`])) ? known : null;
  // The push that creates the queue in a repository with no config on it defines the project: its
  // queue.config.json is no change of one. Its commits are still judged, with the defaults.
  const guardConfig = base !== null || guard.source !== null;
  const opts = { file: config.file, config, pusher, guardConfig, rootConfig: guard.source };
  return judgeUpdate(git, opts, base, tip, base ? [`${base}..${tip}`] : [tip], name, git.dir);
}

/**
 * Judge an update of `name` from `base` (null: nothing before) to `tip`: every commit in `range`
 * against its first parent, and, when `tip` does not descend from `base`, the net change too. The
 * stories remembered at `base` when it was pushed (removed, or no longer readable) are remembered
 * still, so one that a later push brings back is judged against what it was; an update of the queue
 * file that passes leaves what is remembered at `tip` for the next push. `store`: the bare
 * repository's directory, where the server hook keeps what it remembers; null for a clone's hook,
 * which reads and keeps none (its work tree is no place for the server's files).
 */
async function judgeUpdate(git: Git, opts: JudgeOptions, base: string | null, tip: string, range: string[], name: string, store: string | null): Promise<string[]> {
  const judge = new Judge(git, opts);
  const out: string[] = [];
  const known = base !== null && store !== null && !opts.configOnly ? rememberedAt(store, base) : null;
  for (const c of await judge.range(base, range, known)) out.push(...errorsOf(c.violations).map((v) => refusal(v, c.commit.slice(0, 7))));
  if (base && !(await git.ok(['merge-base', '--is-ancestor', base, tip]))) {
    const about = `${name.replace(/^refs\/heads\//, '')} (forced update ${base.slice(0, 7)}..${tip.slice(0, 7)})`;
    const net = errorsOf(await judge.between(base, tip, 'a forced update by a pusher the server does not name'));
    out.push(...net.map((v) => refusal(v, about)));
  }
  if (!opts.configOnly) {
    // The tree the branch is left at: the queue file, and the directories on its path, as they are.
    const shape = await judge.shape(tip);
    if (shape) out.push(refusal(shape, `${name.replace(/^refs\/heads\//, '')} (${tip.slice(0, 7)})`));
    // What the tip remembers: what its commits left, and what the old tip remembered (a forced
    // update back to an older commit judges no commit, and must forget nothing).
    const after = new Map([...(known ?? []), ...(judge.rememberedAt(tip) ?? [])]);
    if (out.length === 0 && store !== null) keepRemembered(store, tip, after, base);
  }
  return out;
}

/**
 * Where the server hook keeps what is remembered at the tips of the queue branch it let through
 * ({@link judgeUpdate}): for each tip, `queue/remembered/<commit>.tip` names a file
 * `queue/remembered/<sha1>.json` of the stories remembered there, by the SHA-1 of its bytes. Most
 * pushes remember what the tip before them did: one file serves them all. Files are written whole
 * (a rename), each push's its own, so that hooks of concurrent pushes never overwrite each other's.
 */
const rememberedDir = (gitDir: string) => join(gitDir, 'queue', 'remembered');

/** The tips kept whatever their age (the newest). */
const REMEMBERED_TIPS = 16;
/** How old a tip must be before it may go (ms): a push the hook let through moves its ref within
 * moments, and a push that did not land is then long over. */
const REMEMBERED_MIN_AGE_MS = 10 * 60 * 1000;
/** The tips kept at most, young or not, beside the branch's own: however fast pushes come. */
const REMEMBERED_MAX_TIPS = 256;

const COMMIT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const CONTENT_ID = /^[0-9a-f]{40}$/;

/** The stories remembered at `commit` when the hook let it through, or null when it did not keep them. */
function rememberedAt(gitDir: string, commit: string): Remembered | null {
  if (!COMMIT_ID.test(commit)) return null;
  try {
    const dir = rememberedDir(gitDir);
    const content = readFileSync(join(dir, `${commit}.tip`), 'utf8').trim();
    if (!CONTENT_ID.test(content)) return null;
    const bytes = readFileSync(join(dir, `${content}.json`));
    if (createHash('sha1').update(bytes).digest('hex') !== content) return null;
    const v = JSON.parse(bytes.toString('utf8')) as unknown;
    return Array.isArray(v) ? new Map((v as Story[]).filter((st) => typeof st?.id === 'string').map((st) => [st.id, st])) : null;
  } catch {
    return null;
  }
}

/** Write `data` to `path` whole or not at all (a temp file renamed over it). */
function writeWhole(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Keep what is remembered at `commit`, then let go of older tips: never `current` (the queue
 * branch's tip as this push found it) nor `commit`, nor the newest {@link REMEMBERED_TIPS}, nor one
 * younger than {@link REMEMBERED_MIN_AGE_MS} (its push may be about to land) while there are at most
 * {@link REMEMBERED_MAX_TIPS}; then of the stories files no tip names. A push the hook lets through
 * may still fail to land (another ref of an atomic push, a lost race): however many such pushes
 * come, what the branch's tip remembers stays.
 */
function keepRemembered(gitDir: string, commit: string, remembered: Remembered, current: string | null): void {
  if (!COMMIT_ID.test(commit)) return;
  const dir = rememberedDir(gitDir);
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.from(`${JSON.stringify([...remembered.values()])}\n`);
  const content = createHash('sha1').update(bytes).digest('hex');
  // Kept as it is when there (made young again, so no concurrent push's hook lets go of it), else written.
  const file = join(dir, `${content}.json`);
  try {
    const at = new Date();
    utimesSync(file, at, at);
  } catch {
    writeWhole(file, bytes);
  }
  writeWhole(join(dir, `${commit}.tip`), `${content}\n`);

  const now = Date.now();
  const tips: Array<{ name: string; at: number }> = [];
  const stories: Array<{ name: string; at: number }> = [];
  for (const name of readdirSync(dir)) {
    const kind = name.endsWith('.tip') ? tips : name.endsWith('.json') ? stories : null;
    if (!kind) continue;
    try {
      kind.push({ name, at: statSync(join(dir, name)).mtimeMs });
    } catch {
      /* removed meanwhile by another push's hook */
    }
  }
  tips.sort((a, b) => b.at - a.at);
  const named = new Set<string>();
  for (const [k, t] of tips.entries()) {
    const own = t.name === `${commit}.tip` || t.name === `${current}.tip`;
    if (own || k < REMEMBERED_TIPS || (now - t.at < REMEMBERED_MIN_AGE_MS && k < REMEMBERED_MAX_TIPS)) {
      try {
        named.add(readFileSync(join(dir, t.name), 'utf8').trim());
      } catch {
        /* removed meanwhile */
      }
    } else rmSync(join(dir, t.name), { force: true });
  }
  // A stories file no kept tip names goes once it is old (a concurrent push may have just written it).
  for (const f of stories) if (!named.has(f.name.slice(0, -'.json'.length)) && now - f.at >= REMEMBERED_MIN_AGE_MS) rmSync(join(dir, f.name), { force: true });
}

/** Where the server hook keeps the last tip of each queue branch deleted here. */
const tipsFile = (gitDir: string) => join(gitDir, 'queue', 'deleted-tips.json');

function readTips(gitDir: string): Record<string, string> {
  try {
    const v = JSON.parse(readFileSync(tipsFile(gitDir), 'utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function recordTip(gitDir: string, ref: string, sha: string): void {
  const tips = readTips(gitDir);
  tips[ref] = sha;
  mkdirSync(join(gitDir, 'queue'), { recursive: true });
  writeWhole(tipsFile(gitDir), `${JSON.stringify(tips, null, 2)}\n`);
}

/** The last tip of `ref` recorded when it was deleted here, or null. */
function lastTip(git: Git, ref: string): string | null {
  const file = tipsFile(git.dir);
  if (!existsSync(file)) return null;
  const sha = readTips(git.dir)[ref];
  return typeof sha === 'string' && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}

/** The commit a ref points at, or null when it does not exist. */
async function tipOf(git: Git, ref: string): Promise<string | null> {
  // This very ref: git's name lookup, given `refs/heads/main` that does not exist, goes on to
  // `refs/tags/refs/heads/main` and others, which anyone who can push may create.
  const listed = (await git.raw(['for-each-ref', '--format=%(objectname) %(refname)', ref]).catch(() => '')).split('\n');
  const line = listed.find((l) => l.slice(l.indexOf(' ') + 1) === ref);
  if (!line) return null;
  return (await git.line(['rev-parse', '-q', '--verify', `${line.slice(0, line.indexOf(' '))}^{commit}`]).catch(() => '')).trim() || null;
}

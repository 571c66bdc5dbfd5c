/**
 * What every write command shares (issue 3): who the agent is, where the queue and the shared branch
 * are, and how a decision is carried out: as a git transaction (default), a local commit
 * (`--no-push`) or an edit of the working file only (`--no-commit`). Output:
 * `{"schemaVersion": 1, "story": {…after…}, "commit": "<sha>" | null, "attempts": N}`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { WriteOptions } from './write-options.js';
import { canonicalAgent, isAgentName, loadConfig, type QueueConfig } from '../core/config.js';
import { QueueError } from '../core/errors.js';
import { findRepoRoot } from '../core/open.js';
import { readQueue, type Queue } from '../core/read.js';
import { applyDecision, type Applied } from '../edit/apply.js';
import type { Decision, Operation } from '../edit/decide.js';
import type { Story } from '../model/types.js';
import { decide } from '../edit/decide.js';
import { Git } from '../git/git.js';
import { defaultBranch, repoInfo, transact, unblockedIn, type RepoInfo } from '../git/transaction.js';
import { globals, human, printJson } from './context.js';
import { storyJson } from '../model/contract.js';

/**
 * The acting agent: `--agent`, else `QUEUE_AGENT`, else `git config queue.agent`, mapped through
 * the config's aliases. Refuses names that could break a cell or forge a trailer (newlines, control
 * characters, `|`, brackets) with `usage`.
 */
export async function resolveAgent(flag: string | undefined, root: string, config: QueueConfig): Promise<string> {
  let name = flag ?? process.env.QUEUE_AGENT;
  if (name === undefined) name = (await new Git(root).line(['config', '--get', 'queue.agent']).catch(() => '')) || undefined;
  if (name === undefined || name.trim() === '') throw new QueueError('usage', 'who is acting? pass --agent NAME, set QUEUE_AGENT, or git config queue.agent NAME');
  if (!isAgentName(name)) {
    throw new QueueError('usage', `agent name ${JSON.stringify(name)} is not allowed: one line, at most 60 characters, no | [ ]`);
  }
  return canonicalAgent(config, name);
}

/** Where to write: repository, queue file, remote and branch. */
export interface Target {
  root: string;
  file: string;
  config: QueueConfig;
  remote: string | null;
  branch: string;
  /** Git dir and checked-out branch; null outside a repository. */
  repo: RepoInfo | null;
}

/**
 * Resolve the repository, config, queue file, remote and shared branch for a write command's
 * options. Remote: the config's `remote`, else `origin`, else the only remote, else none (and none
 * with `--no-push`). Branch: the config's `branch`, else the remote's default branch (`origin/HEAD`),
 * else the checked-out branch, else `main`. Throws `usage` outside a repository unless `--no-commit`.
 */
export async function target(cmd: Command, opts: WriteOptions): Promise<Target> {
  const g = globals(cmd);
  const cwd = resolve(g.C ?? process.cwd());
  const root = findRepoRoot(cwd);
  if (!root && opts.commit !== false) throw new QueueError('usage', `${cwd} is not in a git repository (use --no-commit to edit the file only)`);
  const base = root ?? cwd;
  const { config } = loadConfig(base);
  const path = g.file ? resolve(cwd, g.file) : resolve(base, config.file);
  const file = relative(base, path).split(sep).join('/');
  if (file.startsWith('..')) throw new QueueError('usage', `${path} is outside the repository ${base}`);
  if (!root) return { root: base, file, config, remote: null, branch: '', repo: null };
  const git = new Git(root);
  const repo = await repoInfo(git, root);
  // The remote: the config's, else origin, else the only one. A clone whose origin/HEAD resolved
  // has an origin: no `git remote` call then.
  let remote: string | null = null;
  if (opts.push !== false) {
    if (config.remote !== undefined) remote = config.remote;
    else if (repo.originDefault !== null) remote = 'origin';
    else {
      const remotes = (await git.raw(['remote'])).split('\n').filter(Boolean);
      remote = remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0] : null;
    }
  }
  const checkedOut = repo.head ? repo.head.replace(/^refs\/heads\//, '') : null;
  const remoteDefault = remote === 'origin' ? repo.originDefault : remote ? await defaultBranch(git, remote) : null;
  const branch = config.branch ?? remoteDefault ?? checkedOut ?? 'main';
  return { root, file, config, remote, branch, repo };
}

/**
 * Run one write command end to end and print its result. `make` builds the operation from the
 * resolved agent and config. Errors propagate as QueueError (main.ts prints them).
 */
export async function runWrite(
  cmd: Command,
  opts: WriteOptions,
  make: (agent: string, config: QueueConfig, where: Target) => Operation | ((queue: Queue) => Decision),
  allowEmpty = false,
): Promise<void> {
  const t = await target(cmd, opts);
  const agent = await resolveAgent(opts.agent, t.root, t.config);
  const made = make(agent, t.config, t);
  const decideOn = (queue: Queue): Decision => (typeof made === 'function' ? made(queue) : decide(queue, made));
  if (opts.commit === false) {
    const path = resolve(t.root, t.file);
    const text = readWorking(path);
    const queue = await readQueue([{ file: t.file, text }]);
    const decision = decideOn(queue);
    if (decision.unchanged) {
      await printResult(cmd, t, { decision, story: queue.graph.byId.get(decision.id) ?? null, after: queue, applied: null, commit: null, attempts: 1 });
      return;
    }
    const applied = await applyDecision(queue, decision, t.config);
    // Never clobber a concurrent edit: the file must still be what was read.
    if (readWorking(path) !== text) throw new QueueError('conflict_retries_exhausted', `${t.file} changed while queue was editing it; run the command again`);
    for (const f of decision.files ?? []) {
      const target = resolve(t.root, f.path);
      if (!f.replace && existsSync(target)) throw new QueueError('invalid', `${f.path} already exists`, { file: f.path });
    }
    // Loaded here only: a transaction never writes the working file this way.
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await writeFileAtomic(path, applied.content);
    for (const f of decision.files ?? []) {
      mkdirSync(dirname(resolve(t.root, f.path)), { recursive: true });
      await writeFileAtomic(resolve(t.root, f.path), f.content);
    }
    await printResult(cmd, t, { decision, story: applied.story ?? null, after: applied.after, applied, commit: null, attempts: 1 });
    return;
  }
  const result = await transact({ root: t.root, file: t.file, remote: t.remote, branch: t.branch, repo: t.repo, maxAttempts: t.config.maxAttempts, config: t.config, decide: decideOn, allowEmpty, request: typeof made === 'function' ? undefined : made });
  const after = result.applied?.after ?? result.before;
  const story = result.applied?.story ?? after.graph.byId.get(result.decision.id) ?? null;
  await printResult(cmd, t, { decision: result.decision, story, after, applied: result.applied, commit: result.commit, attempts: result.attempts, note: result.note });
}

/** What a write did, for {@link printResult}. */
interface Outcome {
  decision: Decision;
  /** The story after the write (null when the decision names none that reads back). */
  story: Story | null;
  after: Queue;
  applied: Applied | null;
  commit: string | null;
  attempts: number;
  note?: string;
}

function readWorking(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new QueueError('unreadable', `cannot read queue file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function printResult(cmd: Command, t: Target, o: Outcome) {
  const { decision: d, story: shown, after, commit, attempts, note } = o;
  // Claiming a story shows the handoffs written for it (issue 5).
  const handoffs = d.op === 'claim' && shown ? await handoffsFor(shown.id, after, t.root, t.config.deploymentDir) : [];
  // What `done` released in the same write.
  const unblocked = unblockedIn(o.applied);
  if (globals(cmd).json) {
    printJson({
      story: shown ? storyJson(shown, after.graph) : { id: d.id },
      ...(d.op === 'claim' ? { handoffs } : {}),
      ...(d.op === 'done' ? { unblocked } : {}),
      ...(d.files?.length ? { files: d.files.map((f) => f.path) } : {}),
      commit,
      attempts,
      ...(d.unchanged ? { unchanged: true } : {}),
      ...(note ? { note } : {}),
    });
    return;
  }
  const { c } = await human();
  const what = d.unchanged ? `${d.id} unchanged (${shown?.status.raw ?? ''})` : `${d.subject.replace(/^queue: /, '')}${shown ? ` → ${shown.status.raw}` : ''}`;
  process.stdout.write(`${what}${commit ? c().dim(` [${commit.slice(0, 7)}${attempts > 1 ? `, ${attempts} attempts` : ''}]`) : ''}\n`);
  if (unblocked.length) process.stdout.write(`unblocked ${unblocked.join(', ')}\n`);
  for (const f of d.files ?? []) process.stdout.write(`wrote ${f.path}\n`);
  for (const h of handoffs) process.stdout.write(`handoff ${h.file}: ${h.from ?? '?'} → ${h.to ?? '?'}${h.timestamp ? ` (${h.timestamp})` : ''}${h.notes ? `: ${h.notes}` : ''}\n`);
  if (note) process.stderr.write(`queue: ${note}\n`);
}

/** Handoffs under the deployment directory naming a story (read from the work tree). */
async function handoffsFor(id: string, queue: Queue, root: string, deploymentDir: string): Promise<Array<{ file: string; from: string | null; to: string | null; timestamp: string | null; notes: string | null }>> {
  const { handoffsNaming } = await import('../workspace/handoff-files.js');
  return (await handoffsNaming(root, deploymentDir, id, queue)).map((h) => ({ file: h.file, from: h.fromAgent, to: h.toAgent, timestamp: h.timestamp, notes: h.notes }));
}

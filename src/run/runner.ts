/**
 * `queue run`: the coordinator loop that dispatches stories to coding agents, N workers at once. While a story is ready, an
 * idle worker claims the best one for its agent name (the same transaction as `queue claim`, so no
 * one else gets it), starts the agent command in its own worktree, renews the claim while the agent
 * works, judges the attempt when it exits, lands the commits and marks the story done, or retries
 * with a fresh agent and a handoff, and after the last attempt blocks the story for a person.
 * It ends when nothing is ready and nothing it started is running.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { block, claim, done, handoff, openSession, release, review, type Session } from '../app/operations.js';
import { writablePath } from '../app/files.js';
import { locateWrite } from '../app/write.js';
import { formatDuration, sameAgent, type IntegrateMode } from '../domain/config.js';
import { slug } from '../dialect/normalize.js';
import { QueueError } from '../domain/errors.js';
import { isClaimed } from '../domain/status.js';
import { Git } from '../git/git.js';
import { readTip } from '../git/transaction.js';
import { agentEmail } from '../git/tree.js';
import { programFound, startAgent, type AgentProcess } from './agent.js';
import { checkArgv, expandArgv } from './command.js';
import type { Outcome, RunEvent, WorkerView } from './events.js';
import { integrate } from './integrate.js';
import { afterFailure, criticalLines, describeExit, judge, tail, type Exit } from './judge.js';
import { promptFor } from './prompt.js';
import { DONE_FILE_ENV, readDone, STORY_ENV } from './signal.js';
import { excludeFromStatus, prepareWorktree, workerBranch, worktreeDir } from './worktrees.js';

/** What `queue run` was asked. Unset values come from queue.config.json's `"run"`. */
export interface RunOptions {
  cwd?: string;
  file?: string;
  /** Workers at once. */
  agents?: number;
  /** Stop dispatching after this many stories. */
  maxStories?: number;
  /** Each worker takes one story (with its retries), then stops. */
  once?: boolean;
  /** Say what would be dispatched; claim nothing, start nothing. */
  dryRun?: boolean;
  /** The agent command for this run (instead of the config's). */
  command?: string[];
  timeoutMs?: number;
  /** Attempts per story. */
  retries?: number;
  integrate?: IntegrateMode;
  /** The runner's name: workers act as `<name>-<k>`. */
  name?: string;
  /** Every event, as it happens. */
  onEvent?: (e: RunEvent) => void;
  /** The workers' state changed (for a live view). */
  onView?: (workers: WorkerView[]) => void;
  /** How often idle workers look again for stories others made ready, in ms. Default 2000. */
  pollMs?: number;
}

/** What a run did, as its `finish` event says. */
export interface RunSummary {
  /** Stories the run finished (done). */
  done: number;
  /** Stories its agents finished into review (`integrate: "branch"`, or a review step): a person's next. */
  review: string[];
  escalated: string[];
  attempts: number;
  interrupted: boolean;
}

/** A started run: its end, and Ctrl-C. */
export interface Runner {
  finished: Promise<RunSummary>;
  /** First call: stop dispatching, let running agents finish. Second: kill them and release their claims with a handoff. */
  interrupt(): void;
}

/** What each attempt's `run.json` holds. */
export interface AttemptRecord {
  story: string;
  agent: string;
  attempt: number;
  start: string;
  end: string;
  exit: Exit;
  exitStatus: string;
  outcome: Outcome;
  why: string | null;
  /** Commits the attempt landed (or, for a failed one, made in the worktree). */
  commits: string[];
  /** Files the agent changed but did not commit (discarded). */
  uncommitted: string[];
  command: string[];
  logDir: string;
  pushedBranch?: string;
}

/** The default runner name: `run-<host>-<4 hex of the clone's path>`, so two clones on one machine differ. */
export function defaultRunnerName(root: string): string {
  const host = slug(hostname(), 20) || 'host';
  return `run-${host}-${createHash('sha1').update(resolve(root)).digest('hex').slice(0, 4)}`;
}

/** `2026-12-06T09-30-00-123Z_1-3_a2`: a log directory name that sorts by time. */
export function logDirName(at: Date, story: string, attempt: number): string {
  const safe =
    story
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 40) || 'story';
  return `${at.toISOString().replace(/[:.]/g, '-')}_${safe}_a${attempt}`;
}

/** The last `bytes` of a file as text ('' when it is missing). */
function readEnd(path: string, bytes: number): string {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      const len = Math.min(size, bytes);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

interface Worker {
  agent: string;
  dir: string;
  branch: string;
  view: WorkerView;
  session: Session;
  agentProcess: AgentProcess | null;
}

/**
 * Start a run. Throws (through `finished`) QueueError `usage` when no agent command is configured
 * or given, or it names an unknown placeholder; git and transaction errors of the runner's own
 * writes end the run.
 */
export function startRun(opts: RunOptions): Runner {
  let stopping = false;
  let killing = false;
  const workers: Worker[] = [];
  let wake: () => void = () => {};
  const interrupt = () => {
    if (!stopping) stopping = true;
    else if (!killing) {
      killing = true;
      for (const w of workers) w.agentProcess?.kill();
    }
    wake();
  };
  return {
    finished: run(
      opts,
      workers,
      () => stopping,
      () => killing,
      (f) => (wake = f),
    ),
    interrupt,
  };
}

async function run(opts: RunOptions, workers: Worker[], isStopping: () => boolean, isKilling: () => boolean, setWake: (f: () => void) => void): Promise<RunSummary> {
  const where = await locateWrite({ cwd: opts.cwd, file: opts.file });
  if (!where.repo) throw new QueueError('usage', `${where.root} is not in a git repository: queue run works through git`);
  const cfg = where.config.run;
  const command = opts.command?.length ? opts.command : cfg.command;
  if (!command && !opts.dryRun)
    throw new QueueError('usage', 'no agent command: set "run": {"command": ["claude", "-p", "{prompt}"]} in queue.config.json, or pass --command -- argv…');
  if (command) checkArgv(command);
  // A program that is not there would fail every attempt of every story: refused before any claim.
  if (command && !opts.dryRun && programFound(command[0]) === false)
    throw new QueueError(
      'usage',
      `the agent command's program ${JSON.stringify(command[0])} is not found (or not executable): fix "run.command" in queue.config.json or --command; nothing was claimed`,
    );
  const n = opts.agents ?? cfg.agents;
  const attempts = opts.retries ?? cfg.retries;
  const timeoutMs = opts.timeoutMs ?? cfg.timeoutMs;
  const mode = opts.integrate ?? cfg.integrate;
  const name = opts.name ?? cfg.name ?? defaultRunnerName(where.root);
  // Worker names are written into status cells as claimants: one that starts like an option or holds
  // a character a cell cannot hold would never read back as the holder.
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,40}$/u.test(name))
    throw new QueueError('usage', `--name ${JSON.stringify(name)}: a runner's name starts with a letter or digit and holds letters, digits, spaces, ".", "_" and "-" (at most 41)`);
  // A committed symbolic link on the way would put worktrees or logs outside the work tree: refused.
  for (const dir of [cfg.worktrees, cfg.logs]) writablePath(where.root, dir.replace(/\/+$/, ''));
  const wtRoot = resolve(where.root, cfg.worktrees);
  const logRoot = resolve(where.root, cfg.logs);
  const emit = (e: RunEvent) => opts.onEvent?.(e);
  const view = () => opts.onView?.(workers.map((w) => w.view));
  const summary: RunSummary = { done: 0, review: [], escalated: [], attempts: 0, interrupted: false };

  for (let k = 1; k <= n; k++) {
    const agent = `${name}-${k}`;
    workers.push({
      agent,
      dir: worktreeDir(wtRoot, agent),
      branch: workerBranch(agent),
      view: { agent, story: null, attempt: 0, since: Date.now(), state: 'idle' },
      // The worker authors its writes (the clone's identity commits them): the judges of commits, which
      // take the author for the actor, then see the worker that holds the story.
      session: await openSession({ cwd: where.root, file: opts.file ? resolve(opts.cwd ?? '.', opts.file) : undefined, agent, author: { name: agent, email: agentEmail(agent) } }),
      agentProcess: null,
    });
  }

  const git = new Git(where.root);
  const tipQueue = async () => readTip(git, where, where.repo!.common);

  if (opts.dryRun) {
    const { openReady } = await import('../app/open.js');
    const ready = await openReady({ cwd: where.root, file: where.file, shared: true }, workers[0].agent, Math.min(n, opts.maxStories ?? n));
    ready.stories.forEach((s, i) => {
      const w = workers[i];
      const logDir = relative(where.root, join(logRoot, logDirName(new Date(), s.id, 1)));
      const argv = command ? expandArgv(command, { prompt: '{prompt}', promptFile: join(logDir, 'prompt.md'), story: s.id, agent: w.agent, worktree: w.dir, logDir }) : undefined;
      emit({ event: 'dispatch', story: s.id, agent: w.agent, attempt: 1, logDir, dryRun: true, ...(argv ? { command: argv } : {}) });
    });
    emit({ event: 'finish', ...summary });
    return summary;
  }

  excludeFromStatus(where.root, where.repo.common, [wtRoot, logRoot]);

  // Claims our workers hold from an earlier run that ended without finishing them: nobody works on them now.
  {
    const tip = await tipQueue();
    for (const s of tip.queue.stories) {
      // In review is not abandoned work (integrate: branch leaves stories there): only work in progress.
      const w = workers.find((w) => s.status.category === 'in_progress' && sameAgent(where.config, s.claimant, w.agent));
      if (!w) continue;
      await handoff(w.session, {
        story: s.id,
        to: 'next claimant',
        from: `${w.agent} restart`,
        notes: `${w.agent} held ${s.id} when queue run started again: the run that claimed it ended without finishing it. Released.`,
      }).catch(() => null);
      await release(w.session, { id: s.id }).catch(() => null);
      emit({ event: 'release', story: s.id, agent: w.agent, attempt: 0, why: 'held by this worker when the run started: an earlier run ended without finishing it' });
    }
  }

  let dispatched = 0;
  // A worker that finishes (or Ctrl-C) wakes the loop; a wake while the loop is busy claiming is kept, not lost.
  let signalled = false;
  let resolver: (() => void) | null = null;
  const wakeUp = () => {
    signalled = true;
    resolver?.();
  };
  setWake(wakeUp);
  const busy = new Map<Worker, Promise<void>>();
  const retired = new Set<Worker>();
  const idleSaid = new Set<Worker>();
  let failure: unknown = null;

  const work = async (w: Worker, id: string, base: string, claimMs: number) => {
    let attempt = 1;
    let tipCommit = base;
    for (;;) {
      summary.attempts++;
      const r = await attemptStory(w, id, attempt, tipCommit, attempt === 1 ? claimMs : 0);
      if (r === 'retry') {
        attempt++;
        tipCommit = (await tipQueue()).base;
        continue;
      }
      if (r === 'done') summary.done++;
      if (r === 'review') summary.review.push(id);
      if (r === 'escalated') summary.escalated.push(id);
      return;
    }
  };

  /** One attempt; what follows it. */
  const attemptStory = async (w: Worker, id: string, attempt: number, base: string, claimMs: number): Promise<'done' | 'review' | 'retry' | 'escalated' | 'over'> => {
    const start = new Date();
    const logDir = join(logRoot, logDirName(start, id, attempt));
    const logRel = relative(where.root, logDir).split('\\').join('/');
    mkdirSync(logDir, { recursive: true });
    w.view = { agent: w.agent, story: id, attempt, since: start.getTime(), state: 'working' };
    view();
    let prompt: string;
    try {
      await prepareWorktree(where.root, w.dir, w.branch, base);
      prompt = await promptFor(w.dir, id, w.agent, attempt, attempts);
    } catch (e) {
      // No agent will work on it: the claim goes back before the run reports the failure.
      await release(w.session, { id }).catch(() => null);
      throw e;
    }
    const promptFile = join(logDir, 'prompt.md');
    writeFileSync(promptFile, prompt);
    const doneFile = join(logDir, 'done-request.json');
    const argv = expandArgv(command!, { prompt, promptFile, story: id, agent: w.agent, worktree: w.dir, logDir });
    const shown = expandArgv(command!, { prompt: '{prompt}', promptFile, story: id, agent: w.agent, worktree: w.dir, logDir });
    emit({ event: 'dispatch', story: id, agent: w.agent, attempt, logDir: logRel, claimMs, prepareMs: Date.now() - start.getTime() });

    // QUEUE_BRANCH: the agent's worktree is on a branch of its own; its queue commands write to the shared one.
    const env = {
      ...process.env,
      QUEUE_AGENT: w.agent,
      QUEUE_BRANCH: where.branch,
      [STORY_ENV]: id,
      [DONE_FILE_ENV]: doneFile,
      QUEUE_RUN_LOG_DIR: logDir,
      QUEUE_RUN_ATTEMPT: String(attempt),
    };
    const proc = startAgent({ argv, cwd: w.dir, env, logDir, timeoutMs });
    w.agentProcess = proc;
    if (isKilling()) proc.kill();
    // Renew the lease while the agent works, well before it runs out.
    const every = Math.max(250, Math.min(where.config.leaseMs / 3, 10 * 60_000));
    let renewing: Promise<unknown> | null = null;
    const renewer = setInterval(() => {
      if (renewing) return;
      renewing = claim(w.session, { id, renew: true })
        .catch(() => null)
        .finally(() => (renewing = null));
    }, every);
    const exit = await proc.exited;
    clearInterval(renewer);
    await renewing;
    w.agentProcess = null;

    const out = readEnd(join(logDir, 'stdout.log'), 256 * 1024);
    const err = readEnd(join(logDir, 'stderr.log'), 256 * 1024);
    const request = readDone(doneFile);
    const tip = await tipQueue();
    const story = tip.queue.graph.lookup(id);
    const verdict = judge({
      exit,
      doneRequested: request !== null,
      tip: story ? { category: story.status.category, claimant: story.claimant ?? null, waitingOn: tip.queue.graph.waitingOn(story) } : null,
      agent: w.agent,
      agents: where.config.agents,
      critical: [...criticalLines(out), ...criticalLines(err)],
    });
    const worktreeCommits = async () => (await new Git(w.dir).raw(['rev-list', '--reverse', 'HEAD', '--not', tip.base]).catch(() => '')).split('\n').filter(Boolean);

    let outcome: Outcome;
    let why: string | null = null;
    let commits: string[] = [];
    let uncommitted: string[] = [];
    let pushedBranch: string | undefined;
    if (verdict.kind === 'finish' || verdict.kind === 'closed') {
      w.view = { ...w.view, state: 'integrating' };
      view();
      const landed = await integrate({
        worktree: w.dir,
        common: where.repo!.common,
        remote: where.remote,
        branch: where.branch,
        mode,
        story: id,
        maxAttempts: where.config.maxAttempts,
        tip: tip.base,
        guarded: [where.file],
      }).catch((e: Error) => ({ kind: 'error' as const, message: e.message }));
      if (landed.kind === 'ok') {
        commits = landed.commits;
        uncommitted = landed.uncommitted;
        pushedBranch = landed.pushedBranch;
        // Closed another way: in review stays in review.
        outcome = verdict.kind === 'closed' && story?.status.category === 'review' ? 'review' : 'done';
        if (verdict.kind === 'finish') {
          try {
            if (pushedBranch) {
              await handoff(w.session, {
                story: id,
                to: 'reviewer',
                from: w.agent,
                notes: `The work on ${id} is on branch ${pushedBranch} (${commits.length} commits), for review.`,
              });
              await review(w.session, { id });
              outcome = 'review';
            } else await done(w.session, { id, unblock: request!.unblock, indexed: true, ...(request!.handoff ? { handoff: request!.handoff } : {}) });
          } catch (e) {
            outcome = 'lost';
            why = (e as Error).message;
          }
        }
      } else if (landed.kind === 'guarded') {
        outcome = 'failed';
        uncommitted = landed.uncommitted;
        commits = await worktreeCommits();
        why = `the commits change ${landed.files.join(', ')} by hand; nothing was landed: the queue changes only through queue commands (queue done, queue add, queue block …)`;
      } else if (landed.kind === 'conflict') {
        outcome = 'conflict';
        uncommitted = landed.uncommitted;
        commits = await worktreeCommits();
        why = `the commits do not apply on ${where.branch}: conflict in ${landed.files.join(', ') || 'files git did not name'}`;
      } else {
        outcome = 'failed';
        commits = await worktreeCommits();
        why = `landing the commits failed: ${landed.message}`;
      }
    } else if (verdict.kind === 'blocked') {
      outcome = 'blocked';
      commits = await worktreeCommits();
      const s = story!;
      if (isClaimed(s.status.category) && sameAgent(where.config, s.claimant, w.agent)) {
        why = `waits on ${tip.queue.graph.waitingOn(s).join(', ')}`;
        await release(w.session, { id }).catch(() => null);
      } else why = s.status.reason ? `blocked: ${s.status.reason}` : 'blocked by the agent';
    } else if (verdict.kind === 'lost') {
      outcome = 'lost';
      why = story ? `no longer held by ${w.agent} (${story.status.raw})` : `${id} is no longer in the queue`;
    } else {
      outcome = exit.interrupted ? 'interrupted' : 'failed';
      why = verdict.why;
      commits = await worktreeCommits();
    }

    const end = new Date();
    const record: AttemptRecord = {
      story: id,
      agent: w.agent,
      attempt,
      start: start.toISOString(),
      end: end.toISOString(),
      exit,
      exitStatus: describeExit(exit),
      outcome,
      why,
      commits,
      uncommitted,
      command: shown,
      logDir: logRel,
      ...(pushedBranch ? { pushedBranch } : {}),
    };
    writeFileSync(join(logDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
    emit({ event: 'exit', story: id, agent: w.agent, attempt, outcome, exit: describeExit(exit), ms: end.getTime() - start.getTime(), commits, ...(why ? { why } : {}) });
    w.view = { agent: w.agent, story: null, attempt: 0, since: Date.now(), state: 'idle' };
    view();
    if (outcome === 'done' || outcome === 'review') return outcome;
    if (outcome !== 'failed' && outcome !== 'conflict' && outcome !== 'interrupted') return 'over';

    // A failed attempt: a handoff for whoever works on it next, then retry, escalate or release.
    const step = afterFailure(attempt, attempts, isStopping() || isKilling());
    const notes = [
      `Attempt ${attempt} of ${attempts} by ${w.agent} failed: ${why}.`,
      `Exit status: ${describeExit(exit)}, after ${formatDuration(end.getTime() - start.getTime())}.`,
      commits.length ? `Its commits (not landed): ${commits.map((c) => c.slice(0, 10)).join(', ')}.` : 'It made no commits.',
      `Logs: ${logRel}/ (prompt.md, stdout.log, stderr.log, run.json).`,
      '',
      'Last lines of its output:',
      '',
      ...[...tail(out, 15), ...tail(err, 15)].map((l) => `    ${l.slice(0, 300)}`),
    ].join('\n');
    const to = step === 'retry' ? w.agent : step === 'escalate' ? 'a person' : 'next claimant';
    const h = await handoff(w.session, { story: id, to, from: `${w.agent} attempt ${attempt}`, notes, next: [why ?? 'see the logs'] }).catch(() => null);
    const handoffFile = h?.effects.find((e) => e.kind === 'file')?.path ?? null;
    if (step === 'retry') {
      emit({ event: 'retry', story: id, agent: w.agent, attempt: attempt + 1, why: why ?? '', handoff: handoffFile });
      return 'retry';
    }
    if (step === 'escalate') {
      const reason = `${attempt} failed attempt${attempt === 1 ? '' : 's'}, see ${logRel}`;
      await block(w.session, { id, reason }).catch(() => release(w.session, { id }).catch(() => null));
      emit({ event: 'escalate', story: id, agent: w.agent, attempt, reason });
      return 'escalated';
    }
    await release(w.session, { id }).catch(() => null);
    emit({ event: 'release', story: id, agent: w.agent, attempt, why: isKilling() ? 'the run was interrupted: the agent was killed' : 'the run is stopping' });
    return 'over';
  };

  let nothingReady = false;
  for (;;) {
    if (failure) break;
    if (isStopping()) summary.interrupted = true;
    signalled = false;
    const free = workers.filter((w) => !busy.has(w) && !retired.has(w));
    nothingReady = false;
    for (const w of free) {
      if (isStopping() || (opts.maxStories !== undefined && dispatched >= opts.maxStories)) break;
      let taken: Awaited<ReturnType<typeof claim>>;
      const claimStart = Date.now();
      try {
        taken = await claim(w.session, { indexed: true });
      } catch (e) {
        if (e instanceof QueueError && (e.code === 'no_ready_story' || e.code === 'claim_limit')) {
          nothingReady = true;
          if (!idleSaid.has(w)) {
            idleSaid.add(w);
            emit({ event: 'idle', agent: w.agent });
          }
          break;
        }
        throw e;
      }
      idleSaid.delete(w);
      dispatched++;
      const p = work(w, taken.id, taken.commit ?? (await tipQueue()).base, Date.now() - claimStart)
        .catch((e) => {
          failure = failure ?? e;
        })
        .finally(() => {
          busy.delete(w);
          if (opts.once) retired.add(w);
          wakeUp();
        });
      busy.set(w, p);
    }
    if (busy.size === 0) break;
    // Wait for a worker to finish, Ctrl-C, or (with idle workers) a while, then look again.
    if (signalled) continue;
    await new Promise<void>((resolveWait) => {
      const t = nothingReady || isStopping() ? setTimeout(() => resolver?.(), opts.pollMs ?? 2000) : undefined;
      resolver = () => {
        if (t) clearTimeout(t);
        resolver = null;
        resolveWait();
      };
    });
  }
  if (isStopping()) summary.interrupted = true;
  if (failure) throw failure;
  emit({ event: 'finish', ...summary });
  return summary;
}

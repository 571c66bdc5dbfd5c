/**
 * The command line of `queue run` (`commands/run.ts`): options to {@link startRun}, events to the
 * terminal (one live line per worker, a summary at the end) or to stdout as JSON lines, and Ctrl-C.
 * Also the deferred `queue done` of an agent the runner started (`run/signal.ts`).
 */
import type { Command } from 'commander';
import { parseDuration, type IntegrateMode } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { describeEvent, eventLine, workerLine, type RunEvent, type WorkerView } from '../run/events.js';
import { startRun } from '../run/runner.js';
import { recordDone, type DoneRequest } from '../run/signal.js';
import { globals, positiveInt, printJson } from './context.js';

/** The options of `queue run`, as commander gives them. */
export interface RunCommandOptions {
  agents?: string;
  maxStories?: string;
  once?: boolean;
  dryRun?: boolean;
  clean?: boolean;
  command?: boolean;
  timeout?: string;
  retries?: string;
  integrate?: string;
  name?: string;
}

/** Run `queue run` with its parsed options and the argv after `--`. Sets the exit code: 0 when no story was escalated, 1 otherwise. */
export async function runCommand(cmd: Command, argv: string[], o: RunCommandOptions): Promise<void> {
  const g = globals(cmd);
  if (argv.length && !o.command) throw new QueueError('usage', `unexpected arguments ${argv.join(' ')} (the agent command goes after --command --)`);
  if (o.command && argv.length === 0) throw new QueueError('usage', '--command needs the agent command after --: queue run --command -- claude -p {prompt}');
  if (o.clean) {
    const [{ locateWrite }, { removeWorktrees }, { resolve }] = await Promise.all([import('../app/write.js'), import('../run/worktrees.js'), import('node:path')]);
    const where = await locateWrite({ cwd: g.C, file: g.file });
    const removed = await removeWorktrees(where.root, resolve(where.root, where.config.run.worktrees));
    if (g.json) printJson({ removed });
    else process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : 'no worktrees to remove\n');
    return;
  }
  let timeoutMs: number | undefined;
  if (o.timeout !== undefined) {
    const ms = parseDuration(o.timeout);
    if (ms === null || ms <= 0) throw new QueueError('usage', `--timeout must be a duration such as 45m or 30s, got "${o.timeout}"`);
    timeoutMs = ms;
  }
  if (o.integrate !== undefined && !['rebase', 'merge', 'branch'].includes(o.integrate))
    throw new QueueError('usage', `--integrate must be rebase, merge or branch, got "${o.integrate}"`);

  const live = !g.json && process.stdout.isTTY === true;
  let drawn = 0;
  let workers: WorkerView[] = [];
  let over = false;
  const draw = () => {
    if (!live || over) return;
    const lines = workers.map((w) => workerLine(w, Date.now()));
    process.stdout.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    drawn = lines.length;
  };
  const say = (text: string) => {
    if (live && drawn) process.stdout.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
    process.stdout.write(`${text}\n`);
    draw();
  };
  const onEvent = (e: RunEvent) => {
    // The summary is the last thing on the terminal: the live lines go first.
    if (e.event === 'finish') over = true;
    if (g.json) process.stdout.write(eventLine(e));
    else if (e.event !== 'idle' || !live) say(describeEvent(e));
  };
  const runner = startRun({
    cwd: g.C,
    file: g.file,
    agents: o.agents !== undefined ? positiveInt(o.agents, '--agents') : undefined,
    maxStories: o.maxStories !== undefined ? positiveInt(o.maxStories, '--max-stories') : undefined,
    once: o.once === true,
    dryRun: o.dryRun === true,
    command: o.command ? argv : undefined,
    timeoutMs,
    retries: o.retries !== undefined ? positiveInt(o.retries, '--retries') : undefined,
    integrate: o.integrate as IntegrateMode | undefined,
    name: o.name,
    onEvent,
    onView: (v) => {
      workers = v;
      draw();
    },
  });
  // The signal that stopped the run, for its exit code (the shell's 128 + the signal's number).
  let stoppedBy: NodeJS.Signals | null = null;
  const onSigint = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    runner.interrupt();
    if (!g.json) process.stderr.write('queue run: stopping: no new stories; running agents finish (Ctrl-C again kills them and releases their claims)\n');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const ticker = live ? setInterval(draw, 1000) : undefined;
  try {
    const summary = await runner.finished;
    if (summary.interrupted && stoppedBy) process.exitCode = stoppedBy === 'SIGTERM' ? 143 : 130;
    else if (summary.escalated.length) process.exitCode = 1;
  } finally {
    if (ticker) clearInterval(ticker);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/**
 * `queue done ID` inside an agent that `queue run` started on ID: record the request in `file` for
 * the runner, which publishes the done after landing the agent's commits, and say so.
 */
export function deferDone(cmd: Command, file: string, req: DoneRequest): void {
  recordDone(file, req);
  const note = `queue run publishes the done of ${req.id} after landing your commits on the shared branch`;
  if (globals(cmd).json) printJson({ story: { id: req.id }, changed: false, deferred: true, commit: null, attempts: 0, note });
  else process.stdout.write(`done ${req.id} recorded: ${note}\n`);
}

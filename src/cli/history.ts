/**
 * The history commands: `queue validate --range A..B`, `queue diff A B`, `queue log`.
 * Loaded only when one of them runs. Every revision and range given is resolved to commit ids
 * first (`git/args.ts`): git is handed ids, never the text typed.
 */
import type { Command } from 'commander';
import type { QueueConfig } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import { locateHistory } from '../app/locate.js';
import { diffQueues, type QueueEvent } from '../history/events.js';
import { Git } from '../git/git.js';
import { verifyRange, verifyRevision } from '../git/args.js';
import { configAt, Judge, queueAt, queueCommits, type JudgedCommit } from '../git/history.js';
import type { Violation } from '../rules/check.js';
import { globals, human, printJson } from './context.js';

interface Where {
  git: Git;
  root: string;
  file: string;
  config: QueueConfig;
}

function where(cmd: Command): Where {
  const g = globals(cmd);
  const { root, file, config } = locateHistory({ cwd: g.C, file: g.file });
  return { git: new Git(root), root, file, config };
}

/** One line for an event: `done 5-3 (Dev 1)`. */
export function eventText(e: QueueEvent): string {
  const who = e.claimant ?? e.claimantBefore;
  if (e.kind === 'dependency') return `dependency ${e.story}${e.added?.length ? ` +${e.added.join(',')}` : ''}${e.removed?.length ? ` -${e.removed.join(',')}` : ''}`;
  if (e.kind === 'edit') return `edit ${e.story} (${e.fields?.join(', ')})`;
  return `${e.kind} ${e.story}${who ? ` (${who})` : ''}`;
}

function violationText(v: Violation): string {
  return `${v.file}:${v.line}: ${v.severity} ${v.rule}${v.story ? ` ${v.story}` : ''}: ${v.message}. Fix: ${v.fix}`;
}

/**
 * The commits of `range` that changed the queue file, each judged as a push of it is (every side of
 * every merge), by the rules of the config at the range's start when it has one (as the server hook
 * takes them from the branch before the push: a change cannot loosen the rules it is judged by, and
 * a change of the config itself is judged as `config_change`); else (none there, or one that does
 * not read) by the working tree's.
 */
async function judgeEvery(w: Where, range: string): Promise<JudgedCommit[]> {
  const m = /^([0-9a-f]+)\.\.([0-9a-f]+)$/.exec(range);
  const at = m ? await configAt(w.git, m[1]) : null;
  const base = at && 'config' in at ? at : null;
  const judge = new Judge(w.git, base ? { file: w.file, config: base.config, guardConfig: true, rootConfig: base.source } : { file: w.file, config: w.config });
  const judged = await judge.range(m ? m[1] : null, [range]);
  // The tree the range ends at, as the server hook asks of a pushed tip: a queue file (or a
  // directory on its path) made a link or a submodule, by a change of mode alone too.
  const end = judged.find((c) => c.commit === (m ? m[2] : range));
  const shape = end ? await judge.shape(end.commit) : null;
  if (end && shape && !end.violations.some((v) => v.message === shape.message)) {
    end.violations.push(shape);
    end.changed = true;
  }
  return judged.filter((c) => c.changed);
}

/** The first-parent line of the queue file's history in `range`, each commit judged against the one before: what `queue log` tells. */
async function judgeRange(w: Where, range: string): Promise<JudgedCommit[]> {
  const commits = await queueCommits(w.git, range, w.file);
  // One line of history: a commit that brings back stories an earlier one lost is judged against them.
  const judge = new Judge(w.git, { file: w.file, config: w.config, linear: true });
  await judge.prefetch(commits.flatMap((c) => [...c.parents, c.commit]));
  const out: JudgedCommit[] = [];
  for (const c of commits) out.push(await judge.commit(c));
  return out;
}

const commitJson = (c: JudgedCommit) => ({
  commit: c.commit,
  author: c.author,
  email: c.email,
  time: new Date(c.time).toISOString(),
  subject: c.subject,
  actor: c.actor,
  agent: c.trailers.agent,
  op: c.trailers.op,
  events: c.events,
  violations: c.violations,
});

/** `queue validate --range A..B`: every commit's transition judged by the rules; exit 1 on an error. */
export async function runValidateRange(cmd: Command, range: string): Promise<void> {
  const w = where(cmd);
  const commits = await judgeEvery(w, await verifyRange(w.git, range));
  const errors = commits.reduce((n, c) => n + c.violations.filter((v) => v.severity === 'error').length, 0);
  const warnings = commits.reduce((n, c) => n + c.violations.filter((v) => v.severity === 'warning').length, 0);
  if (globals(cmd).json) printJson({ valid: errors === 0, errors, warnings, file: w.file, range, commits: commits.map(commitJson) });
  else {
    const { c, count } = await human();
    // Written at once: a line a write is a system call a line.
    const lines: string[] = [];
    for (const k of commits) {
      lines.push(`${c().dim(k.commit.slice(0, 7))} ${k.subject} ${c().dim(`(by ${k.actor ?? k.author})`)}\n`);
      for (const e of k.events) lines.push(`  ${eventText(e)}\n`);
      for (const v of k.violations) lines.push(`  ${v.severity === 'error' ? c().red(violationText(v)) : c().yellow(violationText(v))}\n`);
    }
    lines.push(`${count(commits.length, 'commit', 'commits')} to ${w.file}: ${count(errors, 'error', 'errors')}, ${count(warnings, 'warning', 'warnings')}\n`);
    process.stdout.write(lines.join(''));
  }
  if (errors) process.exitCode = 1;
}

/** `queue diff A B`: the events that take the queue at A to the queue at B. */
export async function runDiff(cmd: Command, a: string, b: string): Promise<void> {
  const w = where(cmd);
  const [from, to] = await Promise.all([verifyRevision(w.git, a), verifyRevision(w.git, b)]);
  const after = await queueAt(w.git, to, w.file);
  if (!after) throw new QueueError('not_found', `${w.file} does not exist at ${b}`);
  const events = diffQueues(await queueAt(w.git, from, w.file), after);
  if (globals(cmd).json) printJson({ file: w.file, from: a, to: b, events });
  else process.stdout.write(events.map((e) => `${eventText(e)}\n`).join('') || 'no change to any story\n');
}

/** `queue log [--story ID]`: the queue file's history as events, with agent, commit and time. */
export async function runLog(cmd: Command, story: string | undefined, rev: string): Promise<void> {
  const w = where(cmd);
  const commits = await judgeRange(w, await verifyRange(w.git, rev));
  const rows = commits.flatMap((c) =>
    c.events
      .filter((e) => !story || e.story.toLowerCase() === story.toLowerCase())
      .map((e) => ({
        ...e,
        commit: c.commit,
        // A claim names its claimant (a group commit claims for several agents); anything else is
        // the commit's: its Queue-Agent, else the actor (never the holder the change was made to).
        agent: e.kind === 'claim' || e.kind === 'add' ? (e.claimant ?? c.trailers.agent ?? c.actor) : (c.trailers.agent ?? c.actor),
        actor: c.actor,
        author: c.author,
        time: new Date(c.time).toISOString(),
        subject: c.subject,
      })),
  );
  // A story no event in the history names is no story: not an empty history.
  if (story && rows.length === 0) throw new QueueError('not_found', `no story "${story}" in the history of ${w.file} (${rev})`, { id: story });
  if (globals(cmd).json) printJson({ file: w.file, events: rows });
  else {
    const { c, table } = await human();
    process.stdout.write(
      table(
        rows.map((r) => [
          c().dim(r.commit.slice(0, 7)),
          r.time.slice(0, 16).replace('T', ' '),
          eventText(r),
          r.agent && r.actor && r.agent.toLowerCase() !== r.actor.toLowerCase() ? `${r.agent} (by ${r.actor})` : (r.agent ?? r.actor ?? r.author),
        ]),
        ['COMMIT', 'TIME', 'EVENT', 'AGENT'],
      ),
    );
  }
}

/**
 * A queue file's history from git (issue 4): every commit that touched it, with the queue before
 * (its first parent's version) and after, who wrote it, and its `Queue-*` trailers. Feeds
 * `queue validate --range`, `queue log`, `queue diff` and the hooks; the judging itself is pure
 * (`rules/check.ts`, `history/events.ts`).
 */
import type { QueueConfig } from '../domain/config.js';
import { readQueue, type Queue } from '../read/queue.js';
import { diffQueues, type QueueEvent } from '../history/events.js';
import { checkTransition, type Violation } from '../rules/check.js';
import type { Git } from './git.js';
import { TRAILER } from '../domain/trailers.js';
import { MAX_FILE_BYTES, tooLarge } from '../domain/limits.js';

/** One commit that changed the queue file. */
export interface QueueCommit {
  commit: string;
  parent: string | null;
  author: string;
  email: string;
  /** Committer time, milliseconds since the epoch. */
  time: number;
  subject: string;
  /** `Queue-Agent` (null when absent, or when a group commit names several), `Queue-Op`, `Queue-Force`. */
  trailers: { agent: string | null; op: string | null; force: boolean };
}

/** A commit judged: what it did to the queue and which rules it broke. */
export interface JudgedCommit extends QueueCommit {
  events: QueueEvent[];
  violations: Violation[];
}

const FORMAT = `%H%x1f%P%x1f%an%x1f%ae%x1f%ct%x1f%s%x1f${[TRAILER.agent, TRAILER.op, TRAILER.force].map((k) => `%(trailers:key=${k},valueonly,separator=%x1d)`).join('%x1f')}%x1e`;

/** Commits in `range` (`A..B`, or a single revision for its whole history) touching `file`, oldest first. */
export async function queueCommits(git: Git, range: string, file: string): Promise<QueueCommit[]> {
  const out = await git.raw(['log', '--reverse', '--first-parent', `--format=${FORMAT}`, range, '--', file]);
  return parseLog(out);
}

/** Every commit in `range` (touching the file or not), oldest first: a push or receive judges them all. */
export async function rangeCommits(git: Git, range: string[]): Promise<QueueCommit[]> {
  return parseLog(await git.raw(['log', '--reverse', `--format=${FORMAT}`, ...range]));
}

function parseLog(out: string): QueueCommit[] {
  const commits: QueueCommit[] = [];
  for (const rec of out.split('\x1e')) {
    const f = rec.replace(/^\n/, '').split('\x1f');
    if (f.length < 9) continue;
    const first = (s: string) => s.split('\x1d')[0]?.trim() || null;
    // A group commit names several agents, one per claim it carries: none of them is the actor.
    const agents = new Set(
      f[6]
        .split('\x1d')
        .map((a) => a.trim().toLowerCase())
        .filter(Boolean),
    );
    commits.push({
      commit: f[0],
      parent: f[1].split(' ')[0] || null,
      author: f[2],
      email: f[3],
      time: Number(f[4]) * 1000,
      subject: f[5],
      trailers: { agent: agents.size > 1 ? null : first(f[6]), op: first(f[7]), force: !!first(f[8]) },
    });
  }
  return commits;
}

/** The blob id of the queue file at a revision; null when the file does not exist there.
 * QueueError `too_large` when it is over the size limit (found before it is read). */
async function blobAt(git: Git, rev: string | null, file: string): Promise<string | null> {
  if (rev === null) return null;
  const m = /^\d{6} blob ([0-9a-f]+) +(\d+)\t/.exec(await git.line(['ls-tree', '-l', rev, '--', file]));
  if (m && Number(m[2]) > MAX_FILE_BYTES) throw tooLarge(file, Number(m[2]));
  return m ? m[1] : null;
}

/** The queue file at a revision, read; null when the file does not exist there. */
export async function queueAt(git: Git, rev: string | null, file: string): Promise<Queue | null> {
  const blob = await blobAt(git, rev, file);
  return blob === null ? null : readQueue([{ file, text: await git.raw(['cat-file', 'blob', blob]) }]);
}

/** Judge one commit's change to the queue file: its events and the rules it broke. `cache` keeps
 * queues read by blob id across calls. */
export async function judgeCommit(git: Git, c: QueueCommit, file: string, config: QueueConfig, cache?: Map<string, Queue | null>): Promise<JudgedCommit> {
  const [b0, b1] = await Promise.all([blobAt(git, c.parent, file), blobAt(git, c.commit, file)]);
  if (b0 === b1) return { ...c, events: [], violations: [] }; // the commit leaves the queue file alone
  const at = async (blob: string | null) => {
    if (blob === null) return null;
    if (cache?.has(blob)) return cache.get(blob)!;
    const q = await readQueue([{ file, text: await git.raw(['cat-file', 'blob', blob]) }]);
    cache?.set(blob, q);
    return q;
  };
  const before = await at(b0);
  const after = await at(b1);
  if (!after) return { ...c, events: [], violations: [] };
  // The author may be known by email or by name (config aliases).
  const violations = checkTransition(before, after, { agent: c.trailers.agent, op: c.trailers.op, force: c.trailers.force, author: [c.email, c.author], config });
  return { ...c, events: diffQueues(before, after), violations };
}

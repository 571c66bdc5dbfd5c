/**
 * Leases: a claim's age is the time of the commit that set it, read from git history, never
 * from a clock written in the file. The commit that set a claim is the one that last changed the
 * story's row (`git blame` at the tip); a renewal (`queue claim ID --renew`) is a commit with no
 * content change whose trailers say `Queue-Op: renew`, `Queue-Story: ID`, `Queue-Agent: NAME`, and
 * it counts when it names the current claimant.
 */
import type { Queue } from '../read/queue.js';
import type { Story } from '../domain/types.js';
import type { Git } from './git.js';
import { isClaimed } from '../domain/status.js';

/** One claim and when it was last set or renewed. */
export interface Lease {
  story: Story;
  claimant: string;
  /** Commit that set or last renewed the claim. */
  commit: string;
  /** Its committer time, in milliseconds since the epoch. */
  since: number;
}

/** Line (1-based) → commit and committer time, from `git blame --line-porcelain`. */
async function blame(git: Git, rev: string, file: string): Promise<Map<number, { commit: string; time: number }>> {
  const out = await git.raw(['blame', '--line-porcelain', rev, '--', file]);
  const lines = new Map<number, { commit: string; time: number }>();
  let commit = '';
  let line = 0;
  let time = 0;
  for (const l of out.split('\n')) {
    const head = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l);
    if (head) {
      commit = head[1];
      line = Number(head[2]);
    } else if (l.startsWith('committer-time ')) time = Number(l.slice(15)) * 1000;
    else if (l.startsWith('\t')) lines.set(line, { commit, time });
  }
  return lines;
}

/** Latest renewal per `story\0agent`, from trailers on the history of `rev`. */
async function renewals(git: Git, rev: string): Promise<Map<string, { commit: string; time: number }>> {
  const out = await git.raw([
    'log',
    rev,
    '--grep=^Queue-Op: renew$',
    '--max-count=2000',
    '--format=%H%x1f%ct%x1f%(trailers:key=Queue-Story,valueonly,separator=%x1d)%x1f%(trailers:key=Queue-Agent,valueonly,separator=%x1d)%x1e',
  ]);
  const found = new Map<string, { commit: string; time: number }>();
  for (const rec of out.split('\x1e')) {
    const [commit, ct, stories, agents] = rec.trim().split('\x1f');
    if (!commit || !stories) continue;
    const agent = (agents ?? '').split('\x1d')[0]?.trim().toLowerCase() ?? '';
    for (const id of stories.split('\x1d')) {
      const key = `${id.trim()}\0${agent}`;
      if (!found.has(key)) found.set(key, { commit, time: Number(ct) * 1000 }); // newest first
    }
  }
  return found;
}

/** Leases of every claimed story of `queue` (read from `file` at `rev`). */
export async function leases(git: Git, rev: string, file: string, queue: Queue): Promise<Lease[]> {
  const claimed = queue.stories.filter((s) => s.claimant && isClaimed(s.status.category));
  if (claimed.length === 0) return [];
  const [lines, renewed] = await Promise.all([blame(git, rev, file), renewals(git, rev)]);
  const out: Lease[] = [];
  for (const s of claimed) {
    const set = lines.get(s.line);
    if (!set) continue;
    const renew = renewed.get(`${s.id}\0${s.claimant!.toLowerCase()}`);
    const latest = renew && renew.time > set.time ? renew : set;
    out.push({ story: s, claimant: s.claimant!, commit: latest.commit, since: latest.time });
  }
  return out;
}

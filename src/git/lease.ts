/**
 * Leases: a claim's age is the time of the commit that set it, read from git history, never
 * from a clock written in the file. The commit that set a claim is its claim event: the newest one
 * before which the story was not held by its current claimant (any later edit of the row keeps the
 * lease); a renewal (`queue claim ID --renew`) is a commit with no content change whose trailers
 * say `Queue-Op: renew`, `Queue-Story: ID`, `Queue-Agent: NAME`, and it counts when it names the
 * current claimant. The oldest version read stands for the claim when the history is longer than
 * {@link LEASE_HISTORY_LIMIT} versions.
 */
import { readQueue, type Queue } from '../read/queue.js';
import type { Story } from '../domain/types.js';
import type { Git } from './git.js';
import { isClaimed } from '../domain/status.js';
import { TRAILER } from '../domain/trailers.js';
import { logCommits, trailerField, trailerValues } from './log.js';

/** One claim and when it was last set or renewed. */
export interface Lease {
  story: Story;
  claimant: string;
  /** Commit that set or last renewed the claim. */
  commit: string;
  /** Its committer time, in milliseconds since the epoch. */
  since: number;
}

/** Latest renewal per `story\0agent`, from trailers on the history of `rev`. */
async function renewals(git: Git, rev: string): Promise<Map<string, { commit: string; time: number }>> {
  const listed = await logCommits(git, ['%ct', trailerField(TRAILER.story), trailerField(TRAILER.agent)], [rev, '--grep=^Queue-Op: renew$', '--max-count=2000']);
  const found = new Map<string, { commit: string; time: number }>();
  for (const { commit, fields } of listed) {
    const [ct, stories, agents] = fields;
    const agent = (trailerValues(agents)[0] ?? '').toLowerCase();
    for (const id of trailerValues(stories)) {
      const key = `${id}\0${agent}`;
      if (!found.has(key)) found.set(key, { commit, time: Number(ct) * 1000 }); // newest first
    }
  }
  return found;
}

/** How many versions of the queue file a lease lookup reads back at most; a claim older than that is dated by the oldest one read. */
export const LEASE_HISTORY_LIMIT = 500;

/**
 * Leases of every claimed story of `queue` (read from `file` at `rev`): for each, the claim event —
 * the newest commit in the file's history before which the story was not held by its current
 * claimant — or the claimant's last renewal, whichever is later. Edits of the row that keep the
 * claim (a dependency added, a done mark, a render) leave the lease as it was. Versions are read
 * newest first and only as far back as the oldest claim still undated.
 */
export async function leases(git: Git, rev: string, file: string, queue: Queue): Promise<Lease[]> {
  const claimed = queue.stories.filter((s) => s.claimant && isClaimed(s.status.category));
  if (claimed.length === 0) return [];
  const [versions, renewed] = await Promise.all([fileVersions(git, rev, file), renewals(git, rev)]);
  const holds = (q: Queue | null, s: Story) => {
    const t = q?.graph.byId.get(s.id);
    return t !== undefined && isClaimed(t.status.category) && (t.claimant ?? '').toLowerCase() === s.claimant!.toLowerCase();
  };
  const set = new Map<string, { commit: string; time: number }>();
  let open = claimed;
  for (let k = 0; k < versions.length && open.length; k++) {
    // The version before versions[k]: the next older one, or none when versions[k] created the file.
    // Older versions are read with the vocabulary the current one was read with.
    const older =
      k + 1 < versions.length
        ? await readQueue([{ file, text: await git.raw(['cat-file', 'blob', `${versions[k + 1].commit}:${file}`]) }], { vocabulary: queue.vocabulary })
        : null;
    const still: Story[] = [];
    for (const s of open) {
      if (holds(older, s)) still.push(s);
      else set.set(s.id, versions[k]);
    }
    open = still;
  }
  const out: Lease[] = [];
  for (const s of claimed) {
    const at = set.get(s.id);
    if (!at) continue;
    const renew = renewed.get(`${s.id}\0${s.claimant!.toLowerCase()}`);
    const latest = renew && renew.time > at.time ? renew : at;
    out.push({ story: s, claimant: s.claimant!, commit: latest.commit, since: latest.time });
  }
  return out;
}

/** The commits that changed `file` in the history of `rev`, newest first, with their committer times (ms). */
async function fileVersions(git: Git, rev: string, file: string): Promise<Array<{ commit: string; time: number }>> {
  const out = await git.raw(['log', `--max-count=${LEASE_HISTORY_LIMIT}`, '--format=%H %ct', rev, '--', file]);
  return out
    .split('\n')
    .map((l) => l.trim().split(' '))
    .filter(([h, t]) => h && t)
    .map(([commit, t]) => ({ commit, time: Number(t) * 1000 }));
}

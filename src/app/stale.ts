/**
 * Stale claims (leases, `git/lease.ts`): the claims at the shared branch's tip older than a lease, and
 * their release in one transaction. A claim's age is the time of the commit that set or renewed it
 * (`git/lease.ts`), never a clock written in the file.
 */
import { decideRelease } from '../edit/decide.js';
import { Git } from '../git/git.js';
import { leases, type Lease } from '../git/lease.js';
import { formerAt } from '../git/history.js';
import { readTip } from '../git/transaction.js';
import type { QueueGraph } from '../model/graph.js';
import { QueueError } from '../domain/errors.js';
import type { Queue } from '../read/queue.js';
import { write, type WriteTarget } from './write.js';

/** What {@link staleClaims} found and, with an agent, released. */
export interface StaleClaims {
  /** Claims older than the lease at the tip read, oldest set first as git blame gives them. */
  found: Lease[];
  /** The graph at that tip (for each story's JSON). */
  graph: QueueGraph;
  /** Ids released (decided again on the tip the release was committed on). */
  released: string[];
  /** The release commit, or null when nothing was released. */
  commit: string | null;
  /** Attempts of the release transaction; 0 when none ran. */
  attempts: number;
}

/**
 * The claims at `where`'s shared tip older than `leaseMs` milliseconds at `now` (ms since the
 * epoch). With `releaseAs` (an agent name), release them in one transaction, decided again on every
 * new tip so a claim renewed or released meanwhile is left alone. Throws QueueError `usage` outside
 * a repository, and the transaction's errors (`git`, `conflict_retries_exhausted`, …).
 */
export async function staleClaims(where: WriteTarget, leaseMs: number, now: number, releaseAs?: string): Promise<StaleClaims> {
  if (!where.repo) throw new QueueError('usage', `${where.root} is not in a git repository: leases are read from git history`);
  const git = new Git(where.root);
  const stale = async (queue: Queue, base: string) => (await leases(git, base, where.file, queue)).filter((l) => now - l.since > leaseMs);
  const tip = await readTip(git, where, where.repo.common);
  const found = await stale(tip.queue, tip.base);
  if (releaseAs === undefined || found.length === 0) return { found, graph: tip.queue.graph, released: [], commit: null, attempts: 0 };
  const out = await write(where, async (queue, base) => {
    const ids = (await stale(queue, base ?? tip.base)).map((l) => l.story.id);
    // Each story back as it stood before its claim, as `queue release` writes it (git/history.ts formerAt).
    const formers = new Map(await Promise.all(ids.map(async (id) => [id, await formerAt(git, base ?? tip.base, where.file, id, where.config.vocabulary)] as const)));
    return decideRelease(queue, ids, releaseAs, formers);
  });
  return { found, graph: tip.queue.graph, released: out.decision.changes.map((c) => c.id), commit: out.commit, attempts: out.attempts };
}

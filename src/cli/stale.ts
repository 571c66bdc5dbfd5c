/**
 * `queue stale`: claims older than the lease, read from git history at the shared tip, and
 * with `--release` their release in one transaction (`app/stale.ts`). Loaded only when the command runs.
 */
import type { Command } from 'commander';
import { formatDuration, parseDuration } from '../domain/config.js';
import { QueueError } from '../domain/errors.js';
import type { Lease } from '../git/lease.js';
import { staleClaims } from '../app/stale.js';
import { globals, human, printJson } from './context.js';
import { storyJson } from '../model/contract.js';
import { resolveAgent, target } from './write.js';
import type { WriteOptions } from './write-options.js';
import type { QueueGraph } from '../model/graph.js';

/** `queue stale` options: `--older-than` (a duration such as `2h`; default the config's lease) and `--release`. */
export interface StaleOptions extends WriteOptions {
  olderThan?: string;
  release?: boolean;
}

/** List (and optionally release) the stale claims. `now` is the clock the age is measured against. */
export async function runStale(cmd: Command, opts: StaleOptions, now = Date.now()): Promise<void> {
  // Located even outside a repository, so the answer there says what stale needs (git history), not how to skip a commit.
  const t = await target(cmd, { ...opts, commit: false });
  const leaseMs = opts.olderThan === undefined ? t.config.leaseMs : parseDuration(opts.olderThan);
  if (leaseMs === null) throw new QueueError('usage', `--older-than: expected a duration such as 2h or 90m, got "${opts.olderThan}"`);
  const agent = opts.release ? await resolveAgent(opts.agent, t.root, t.config) : undefined;
  const s = await staleClaims(t, leaseMs, now, agent);
  await print(cmd, s.found, s.graph, leaseMs, now, s.released, s.commit, s.attempts);
}

async function print(cmd: Command, found: Lease[], graph: QueueGraph, leaseMs: number, now: number, released: string[], commit: string | null, attempts: number) {
  if (globals(cmd).json) {
    printJson({
      leaseSeconds: Math.round(leaseMs / 1000),
      stories: found.map((l) => ({
        ...storyJson(l.story, graph),
        claimedAt: new Date(l.since).toISOString(),
        ageSeconds: Math.round((now - l.since) / 1000),
        leaseCommit: l.commit,
      })),
      released,
      commit,
      attempts,
    });
    return;
  }
  if (found.length === 0) {
    process.stdout.write('no claim is older than the lease\n');
    return;
  }
  const { table } = await human();
  process.stdout.write(
    table(
      found.map((l) => [l.story.id, l.claimant, formatDuration(now - l.since), new Date(l.since).toISOString(), released.includes(l.story.id) ? 'released' : '']),
      ['STALE', 'CLAIMANT', 'AGE', 'CLAIMED AT', ''],
    ),
  );
  if (commit) process.stdout.write(`released in ${commit.slice(0, 7)}\n`);
}

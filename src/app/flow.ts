/**
 * `queue stats --history`: the typed events of the queue file's history (as `queue log` reads them,
 * oldest first, with commit times) summed up as the team's flow (`history/flow.ts`).
 */
import { QueueError } from '../domain/errors.js';
import { locateHistory } from './locate.js';
import { Git } from '../git/git.js';
import { verifyRange } from '../git/args.js';
import { Judge, queueCommits } from '../git/history.js';
import { logCommits, trailerField, trailerValues } from '../git/log.js';
import { TRAILER } from '../domain/trailers.js';
import { flowStats, type FlowStats, type TimedEvent, type TimedHandoff } from '../history/flow.js';
import { mentionedIds } from '../workspace/mentions.js';

/** What {@link historyFlow} reads: where, which revision (default `HEAD`), and from when. */
export interface HistoryFlowOptions {
  cwd?: string;
  file?: string;
  rev?: string;
  /** Count only what ends on or after this date (`YYYY-MM-DD`, or any date `Date` reads). */
  since?: string;
}

/**
 * Every event in the history of the queue file up to `rev`, oldest first, with its commit time and
 * the agent `queue log` names for it. QueueError `usage` outside a repository or for a date that
 * does not read.
 */
export async function historyEvents(opts: HistoryFlowOptions = {}): Promise<TimedEvent[]> {
  return (await history(opts)).events;
}

/** The events, and the handoffs added under `<deploymentDir>/handoffs` up to the same revision. */
async function history(opts: HistoryFlowOptions): Promise<{ events: TimedEvent[]; handoffs: TimedHandoff[] }> {
  const { root, file, config } = locateHistory(opts);
  const git = new Git(root);
  const range = await verifyRange(git, opts.rev ?? 'HEAD');
  const commits = await queueCommits(git, range, file);
  const judge = new Judge(git, { file, config, linear: true });
  await judge.prefetch(commits.flatMap((c) => [...c.parents, c.commit]));
  const out: TimedEvent[] = [];
  for (const c of commits) {
    const judged = await judge.commit(c);
    for (const e of judged.events) {
      const agent = e.kind === 'claim' || e.kind === 'add' ? (e.claimant ?? c.trailers.agent ?? judged.actor) : (c.trailers.agent ?? judged.actor);
      out.push({ ...e, time: c.time, agent });
    }
  }
  return { events: out, handoffs: await handoffsAdded(git, range, `${config.deploymentDir.replace(/\/+$/, '')}/handoffs`, new Set(out.map((e) => e.story))) };
}

/**
 * Handoff files added under `dir` in `range`, each for the stories its commit's `Queue-Story`
 * trailers name, else those of `ids` its file name names.
 */
async function handoffsAdded(git: Git, range: string, dir: string, ids: ReadonlySet<string>): Promise<TimedHandoff[]> {
  const listed = await logCommits(git, ['%ct', trailerField(TRAILER.story)], ['--reverse', '--diff-filter=A', range, '--', dir], { names: true });
  const out: TimedHandoff[] = [];
  for (const { fields, names } of listed) {
    const time = Number(fields[0]) * 1000;
    const named = trailerValues(fields[1]);
    for (const name of names) {
      if (!name.endsWith('.md') || /(^|\/)readme\.md$/i.test(name)) continue;
      for (const story of named.length ? named : mentionedIds(name.slice(dir.length + 1), ids)) out.push({ story, time });
    }
  }
  return out;
}

/** The flow of the queue's history ({@link flowStats}), from `opts.since` when given. */
export async function historyFlow(opts: HistoryFlowOptions = {}): Promise<FlowStats> {
  let since: number | null = null;
  if (opts.since !== undefined) {
    since = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(opts.since) ? `${opts.since}T00:00:00Z` : opts.since);
    if (Number.isNaN(since)) throw new QueueError('usage', `--since ${JSON.stringify(opts.since)} is not a date (YYYY-MM-DD)`);
  }
  const h = await history(opts);
  return flowStats(h.events, since, h.handoffs);
}

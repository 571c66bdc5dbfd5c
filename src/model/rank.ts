/**
 * Order ready stories for an agent (the order `queue claim` takes them in, shared with
 * `queue ready`): priority first, then the story whose completion unblocks most dependents (those
 * waiting on it alone), then one on the critical path, then file order. Pure.
 */
import { rankIndices } from './core.js';
import type { QueueGraph } from './graph.js';
import type { StatusCategory, Story } from '../domain/types.js';
import { ownerTakes, sameAgent, type QueueConfig } from '../domain/config.js';
import { isClaimed } from '../domain/status.js';

const WORDS: Record<string, number> = { critical: 0, urgent: 0, highest: 0, blocker: 0, high: 1, medium: 2, normal: 2, med: 2, low: 3, lowest: 4, trivial: 4 };

/** Priority as a rank, lower first: `P0`/`critical` 0, `P1`/`high` 1, …; unknown or none 2.5. */
export function priorityRank(p: string | null): number {
  if (!p) return 2.5;
  const t = p.trim().toLowerCase().replace(/[*_`]/g, '');
  const m = /^p?(\d)\b/.exec(t);
  if (m) return Number(m[1]);
  for (const [w, r] of Object.entries(WORDS)) if (t.startsWith(w)) return r;
  if (/🔴|‼/.test(t)) return 0;
  return 2.5;
}

const forms = new WeakMap<readonly Story[], Uint8Array>();

/**
 * For each story (in file order), 1 when `queue claim` without an id may take it once it is ready,
 * 0 when only a claim by id may, 2 when no write can (docs/formats.md, "Which stories queue claim
 * offers"; decision 0009): 1 for a story of the queue's main form (table rows if it has any, else
 * heading blocks, else task items: a check box beside a table or under a story heading is a
 * checklist, claimed by id if at all), written in one place (its rows in a Completed log aside: a
 * story in two places is refused by every write until a person says which is the story); 2 for a
 * story written only in logs and listings, where queue never writes a status. Worked out once per
 * list of stories.
 */
export function offeredForms(stories: readonly Story[]): Uint8Array {
  let out = forms.get(stories);
  if (out) return out;
  const main = (['table', 'heading', 'task'] as const).find((k) => stories.some((s) => s.occurrences[0].kind === k));
  out = new Uint8Array(stories.length);
  for (let i = 0; i < stories.length; i++) {
    const occ = stories[i].occurrences;
    if (occ.every((o) => o.kind === 'log')) {
      out[i] = 2;
      continue;
    }
    if (occ[0].kind !== main) continue;
    let places = 0;
    for (const o of occ) if (o.kind !== 'log') places++;
    out[i] = places === 1 ? 1 : 0;
  }
  forms.set(stories, out);
  return out;
}

/**
 * Ready stories an agent may take, best first: those {@link offeredForms} offers, so that what
 * `queue ready` lists is what `queue claim` without an id takes. `agent` keeps the stories the
 * Owner column leaves to it (`domain/config.ts` ownerTakes: unassigned, or assigned to it by any of
 * its names in `agents`).
 */
export function rankReady(graph: QueueGraph, agent?: string, agents: QueueConfig['agents'] = {}): Story[] {
  const a = agent?.trim();
  const takes = a ? (i: number) => ownerTakes({ agents }, graph.stories[i].owner, a) : undefined;
  return rankIndices(graph.core, { priority: (i) => priorityRank(graph.stories[i].priority), takes, offered: offeredForms(graph.stories) }).map((i) => graph.stories[i]);
}

/** The ready stories {@link rankReady} leaves out because `queue claim` without an id never takes
 * them ({@link offeredForms}), in file order: they are claimed by id. */
export function readyNotOffered(graph: QueueGraph): Story[] {
  const offered = offeredForms(graph.stories);
  return graph.core
    .readyIndices()
    .filter((i) => offered[i] === 0)
    .map((i) => graph.stories[i]);
}

/** Planning work that can be taken now ({@link QueueGraph.planning}: stories that need decomposition),
 * best first: priority, then file order. `queue ready --planning` lists them; `claim` without an id
 * never takes one. `agent` keeps those the Owner column leaves to it, as {@link rankReady}. */
export function rankPlanning(graph: QueueGraph, agent?: string, agents: QueueConfig['agents'] = {}): Story[] {
  const a = agent?.trim();
  return graph
    .planning()
    .filter((s) => !a || ownerTakes({ agents }, s.owner, a))
    .map((s, i) => ({ s, i, p: priorityRank(s.priority) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.s);
}

/** Whether a story with `claimant` and status `category` is held by `agent`: claimed, by the agent
 * or one of its aliases in `agents`, as the claim rules count. */
export function isHeldBy(agents: QueueConfig['agents'], claimant: string | null, category: StatusCategory, agent: string): boolean {
  return claimant !== null && isClaimed(category) && sameAgent({ agents }, claimant, agent);
}

/** What an agent holding its share holds: the ids, and the limit (`maxClaims`). */
export interface ClaimLimit {
  held: string[];
  limit: number;
}

/**
 * The stories `agent` holds ({@link isHeldBy}) with the limit, when they are as many as `maxClaims`
 * allows, so that `queue claim` takes none (`claim_limit`); null otherwise, or without an agent.
 * Stories are positions `0 … n-1`, each with its claimant as written, its status category and its
 * id (a queue's stories, or the arrays of its index).
 */
export function claimLimitReached(
  config: Pick<QueueConfig, 'agents' | 'maxClaims'>,
  agent: string | undefined | null,
  n: number,
  claimant: (i: number) => string | null,
  category: (i: number) => StatusCategory,
  id: (i: number) => string,
): ClaimLimit | null {
  const who = agent?.trim();
  if (!who) return null;
  const held: string[] = [];
  for (let i = 0; i < n; i++) if (isHeldBy(config.agents, claimant(i), category(i), who)) held.push(id(i));
  return held.length >= config.maxClaims ? { held, limit: config.maxClaims } : null;
}

/** {@link claimLimitReached} of a queue's stories. */
export function claimLimitOf(stories: readonly Story[], agent: string | undefined | null, config: Pick<QueueConfig, 'agents' | 'maxClaims'>): ClaimLimit | null {
  return claimLimitReached(
    config,
    agent,
    stories.length,
    (i) => stories[i].claimant,
    (i) => stories[i].status.category,
    (i) => stories[i].id,
  );
}

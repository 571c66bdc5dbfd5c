/**
 * Order ready stories for an agent (the order `queue claim` takes them in, shared with
 * `queue ready`): priority first, then the story whose completion unblocks most dependents (those
 * waiting on it alone), then one on the critical path, then file order. Pure.
 */
import { rankIndices } from './core.js';
import type { QueueGraph } from './graph.js';
import type { Story } from '../domain/types.js';

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

/** Ready stories an agent may take, best first. `agent` keeps stories unassigned or assigned to it. */
export function rankReady(graph: QueueGraph, agent?: string): Story[] {
  const a = agent?.trim().toLowerCase() || undefined;
  const owner = (i: number) => graph.stories[i].owner?.toLowerCase() ?? null;
  return rankIndices(graph.core, { priority: (i) => priorityRank(graph.stories[i].priority), owner, agent: a }).map((i) => graph.stories[i]);
}

/** Planning work that can be taken now ({@link QueueGraph.planning}: stories that need decomposition),
 * best first: priority, then file order. `queue ready --planning` lists them; `claim` without an id never takes one. */
export function rankPlanning(graph: QueueGraph): Story[] {
  return graph
    .planning()
    .map((s, i) => ({ s, i, p: priorityRank(s.priority) }))
    .sort((a, b) => a.p - b.p || a.i - b.i)
    .map((x) => x.s);
}

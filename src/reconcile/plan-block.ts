/**
 * The plan as Markdown: one table per track (`Track A`, with its holder when it carries claimed
 * work), story, start and end in effort units from now, then what is not scheduled. For `queue plan`
 * and the `<!-- queue:plan -->` generated block (`<!-- queue:plan agents=3 -->` plans for 3 agents;
 * default {@link DEFAULT_PLAN_AGENTS}). No clock: the same queue renders the same plan. Pure.
 */
import type { Queue } from '../read/queue.js';
import { plan, type Plan } from '../model/plan.js';
import { cellText } from '../edit/common.js';
import { DEFAULTS } from '../domain/config.js';

/** Agents a `queue:plan` block plans for when its marker does not say (`agents=N`). */
export const DEFAULT_PLAN_AGENTS = 2;

/** `3`, `2.5`, `0.33`: at most two decimals. */
export function slot(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The lines of the plan: a summary, a table per track, the stories left out. */
export function planMarkdown(queue: Queue, p: Plan): string[] {
  const unit = p.unit === 'units' ? '' : ` ${p.unit}`;
  const out = [
    `_${p.agents} agent${p.agents === 1 ? '' : 's'}: done in ${slot(p.makespan)}${unit}; critical path ${p.criticalPath.join(' → ') || '—'} (${slot(p.criticalLength)}${unit}); utilization ${Math.round(p.utilization * 100)}%._`,
  ];
  for (const t of p.tracks) {
    out.push('', `**Track ${t.track}**${t.agent !== `Track ${t.track}` ? ` (${cellText(t.agent)})` : ''}`, '');
    if (t.stories.length === 0) {
      out.push('_Nothing to do._');
      continue;
    }
    out.push('| Story | Description | Start | End |', '|-------|-------------|-------|-----|');
    for (const s of t.stories) {
      const story = queue.graph.byId.get(s.id);
      out.push(`| **${s.id}** | ${cellText(story?.title ?? '')}${s.claimed ? ' (claimed)' : ''} | ${slot(s.start)} | ${slot(s.end)} |`);
    }
  }
  if (p.unscheduled.length) out.push('', `Not scheduled: ${p.unscheduled.map((u) => `**${u.id}** (${cellText(u.reason)})`).join(', ')}.`);
  return out;
}

/** The `queue:plan` block's content for `params` (the marker's `agents=N`). */
export function planBlock(queue: Queue, params: string, sizes?: Record<string, number>): string[] {
  const m = /\bagents=(\d+)\b/.exec(params);
  const agents = m ? Math.max(1, Math.min(100, Number(m[1]))) : DEFAULT_PLAN_AGENTS;
  return planMarkdown(queue, plan(queue.graph, { agents, sizes: sizes ?? DEFAULTS.effort }));
}

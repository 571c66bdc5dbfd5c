/**
 * The plan as Markdown: one table per track (`Track A`, with its holder when it carries claimed
 * work), story, start and end in effort units from now, then what is not scheduled. For `queue plan`
 * and the `<!-- queue:plan -->` generated block (`<!-- queue:plan agents=3 -->` plans for 3 agents;
 * default {@link DEFAULT_PLAN_AGENTS}). Built as mdast (markdown/generate.ts). No clock: the same
 * queue renders the same plan. Pure.
 */
import type { PhrasingContent, RootContent } from 'mdast';
import type { Queue } from '../read/queue.js';
import { plan, type Plan } from '../model/plan.js';
import { DEFAULTS } from '../domain/config.js';
import { emphasis, markdownLines, paragraph, strong, table, text } from '../markdown/generate.js';
import { titleContent } from './title.js';

/** Agents a `queue:plan` block plans for when its marker does not say (`agents=N`). */
export const DEFAULT_PLAN_AGENTS = 2;

/** `3`, `2.5`, `0.33`: at most two decimals. */
export function slot(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The plan as mdast: a summary, a table per track, the stories left out. */
export function planNodes(queue: Queue, p: Plan): RootContent[] {
  const unit = p.unit === 'units' ? '' : ` ${p.unit}`;
  const out: RootContent[] = [
    paragraph(
      emphasis(
        `${p.agents} agent${p.agents === 1 ? '' : 's'}: done in ${slot(p.makespan)}${unit}; critical path ${p.criticalPath.join(' → ') || '—'} (${slot(p.criticalLength)}${unit}); utilization ${Math.round(p.utilization * 100)}%.`,
      ),
    ),
  ];
  for (const t of p.tracks) {
    out.push(paragraph(strong(`Track ${t.track}`), t.agent !== `Track ${t.track}` ? ` (${t.agent})` : ''));
    if (t.stories.length === 0) {
      out.push(paragraph(emphasis('Nothing to do.')));
      continue;
    }
    const rows = t.stories.map((s) => {
      const story = queue.graph.byId.get(s.id);
      const title = story ? titleContent(queue, story) : [];
      return [strong(s.id), s.claimed ? [...title, text(' (claimed)')] : title, slot(s.start), slot(s.end)];
    });
    out.push(table(['Story', 'Description', 'Start', 'End'], rows));
  }
  if (p.unscheduled.length) {
    const list: PhrasingContent[] = [text('Not scheduled: ')];
    for (const [i, u] of p.unscheduled.entries()) list.push(...(i ? [text(', ')] : []), strong(u.id), text(` (${u.reason})`));
    list.push(text('.'));
    out.push(paragraph(list));
  }
  return out;
}

/** The lines of the plan as Markdown ({@link planNodes}). */
export function planMarkdown(queue: Queue, p: Plan): string[] {
  return markdownLines(planNodes(queue, p));
}

/** The `queue:plan` block's content for `params` (the marker's `agents=N`), scheduled with the effort `sizes` (default the built-in ones). */
export function planBlock(queue: Queue, params: string, sizes?: Record<string, number>): RootContent[] {
  const m = /\bagents=(\d+)\b/.exec(params);
  const agents = m ? Math.max(1, Math.min(100, Number(m[1]))) : DEFAULT_PLAN_AGENTS;
  return planNodes(queue, plan(queue.graph, { agents, sizes: sizes ?? DEFAULTS.effort }));
}

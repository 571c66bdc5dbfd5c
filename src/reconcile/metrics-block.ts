/**
 * The `<!-- queue:metrics -->` generated block: the team's flow from the queue file's git history
 * (history/flow.ts, as `queue stats --history` gives it) as a picture GitHub draws — a mermaid
 * `xychart-beta` with the stories done per week (bars, weeks by their Monday) and the stories done
 * so far (a burn-up line) — and a small table of cycle and lead time (median, p90). A pure function
 * of the flow: the block changes only when the history does. Pure.
 */
import type { RootContent } from 'mdast';
import { formatDuration } from '../domain/config.js';
import type { Durations, FlowStats } from '../history/flow.js';
import { mermaidXYChart } from '../model/diagram.js';
import { emphasis, paragraph, table } from '../markdown/generate.js';

/** `3h 05m` (seconds in), or `—` for none. */
const duration = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000));

/** The block's content for the history's `flow` (null: no history to read). */
export function metricsBlock(flow: FlowStats | null): RootContent[] {
  if (!flow || flow.done === 0 || flow.throughputByWeek.length === 0) return [paragraph(emphasis('No story done in the history yet.'))];
  const weeks = flow.throughputByWeek;
  let sum = 0;
  const burnUp = weeks.map((w) => (sum += w.done));
  const chart = mermaidXYChart({
    title: 'Stories done per week',
    x: weeks.map((w) => w.week),
    yLabel: 'Stories',
    bars: [weeks.map((w) => w.done)],
    lines: [burnUp],
  });
  const row = (name: string, d: Durations) => [name, duration(d.median), duration(d.p90), String(d.count)];
  return [
    { type: 'code', lang: 'mermaid', value: chart.join('\n') },
    paragraph(emphasis(`${flow.done} done over ${weeks.length} week${weeks.length === 1 ? '' : 's'} (bars: done per week, from its Monday; line: done so far).`)),
    table(['Time', 'Median', 'p90', 'Stories'], [row('Cycle (claim → done)', flow.cycleTime), row('Lead (add → done)', flow.leadTime)]),
  ];
}

/**
 * `queue stats --history [--since DATE] [--json]`: the team's flow from the queue's history
 * (`app/flow.ts`). JSON: `{"schemaVersion": 1, "history": {done, throughputByDay, throughputByWeek,
 * cycleTime, leadTime, blockedTime, reopens, reopenRate, handoffsPerStory, byAgent}}`, durations in seconds.
 */
import type { Command } from 'commander';
import { formatDuration } from '../domain/config.js';
import { count } from './format.js';
import type { Durations } from '../history/flow.js';
import { globals, human, printJson } from './context.js';

const d = (x: Durations) => (x.count ? `median ${formatDuration(x.median! * 1000)}, p90 ${formatDuration(x.p90! * 1000)} (${x.count})` : '—');

/** Print the flow of the queue's history. */
export async function runStatsHistory(cmd: Command, since: string | undefined): Promise<void> {
  const g = globals(cmd);
  const { historyFlow } = await import('../app/flow.js');
  const flow = await historyFlow({ cwd: g.C, file: g.file, since });
  if (g.json) {
    printJson({ history: flow });
    return;
  }
  const { table } = await human();
  const days = flow.throughputByDay.length || 1;
  const out = [
    `${flow.done} done${flow.since ? ` since ${flow.since}` : ''} (${(flow.done / days).toFixed(1)} a day over ${count(flow.throughputByDay.length, 'day', 'days')})`,
    `cycle time (claim → done)    ${d(flow.cycleTime)}`,
    `lead time (add → done)       ${d(flow.leadTime)}`,
    `blocked (block → unblock)    ${d(flow.blockedTime)}`,
    `reopened                     ${flow.reopens} (${Math.round(flow.reopenRate * 100)}% of done)`,
    `handoffs per story done      mean ${flow.handoffsPerStory.mean.toFixed(2)}, max ${flow.handoffsPerStory.max}`,
  ];
  process.stdout.write(`${out.join('\n')}\n\n`);
  if (flow.throughputByWeek.length)
    process.stdout.write(
      `${table(
        flow.throughputByWeek.map((w) => [w.week, String(w.done)]),
        ['WEEK OF', 'DONE'],
      )}\n`,
    );
  const agents = Object.entries(flow.byAgent);
  if (agents.length)
    process.stdout.write(
      table(
        agents.map(([who, a]) => [who, String(a.done), d(a.cycleTime)]),
        ['AGENT', 'DONE', 'CYCLE TIME'],
      ),
    );
}

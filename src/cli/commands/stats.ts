/** `queue stats`: counts by status and section, ready/blocked, waves, critical path; `--history` and/or `--since DATE`: the flow (stats-history.ts). */
import type { Command } from 'commander';
import { globals, human, open, printJson } from '../context.js';

/** Add `queue stats` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('stats')
    .description('progress of the queue; with --history, the flow of its history')
    .option('--history', "the team's flow from the queue's history: throughput, cycle, lead and blocked times, reopens, per agent")
    .option('--since <date>', 'the flow (--history) of what ended on or after this date (YYYY-MM-DD)')
    .action(async (opts: { history?: boolean; since?: string }, cmd: Command) => {
      // A date bounds the history's flow: `--since` asks for it, with or without `--history`.
      if (opts.history || opts.since !== undefined) {
        const { runStatsHistory } = await import('../stats-history.js');
        return runStatsHistory(cmd, opts.since);
      }
      const q = await open(cmd, true);
      const byStatus: Record<string, number> = {};
      const bySection = new Map<string, { done: number; total: number }>();
      for (const s of q.stories) {
        byStatus[s.status.category] = (byStatus[s.status.category] ?? 0) + 1;
        const key = s.sectionPath.length ? s.sectionPath[s.sectionPath.length - 1] : '(no section)';
        const e = bySection.get(key) ?? { done: 0, total: 0 };
        e.total++;
        if (s.status.category === 'done') e.done++;
        bySection.set(key, e);
      }
      const { waves, unschedulable } = q.graph.waves();
      const body = {
        total: q.stories.length,
        byStatus,
        ready: q.graph.ready().length,
        blocked: q.graph.blocked().length,
        waves: waves.length,
        unschedulable: unschedulable.length,
        criticalPath: q.graph.criticalPath(),
        cycles: q.graph.cycles.length,
        sections: [...bySection].map(([section, v]) => ({ section, ...v })),
        agents: (q.workspace?.agents ?? []).map((a) => ({ name: a.name, currentTask: a.currentTask, progress: a.progress, stories: a.stories })),
        diagnostics: { error: 0, warning: 0, info: 0, ...Object.fromEntries(['error', 'warning', 'info'].map((s) => [s, q.diagnostics.filter((d) => d.severity === s).length])) },
      };
      if (globals(cmd).json) {
        printJson(body);
        return;
      }
      const { c, table } = await human();
      const done = byStatus.done ?? 0;
      const pct = q.stories.length ? Math.round((100 * done) / q.stories.length) : 0;
      const out = [`${c().bold(String(q.stories.length))} stories, ${done} done (${pct}%), ${body.ready} ready, ${body.blocked} blocked`];
      out.push(
        Object.entries(byStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · '),
      );
      out.push(`${waves.length} waves to finish${unschedulable.length ? `, ${unschedulable.length} unschedulable` : ''}; critical path ${body.criticalPath.join(' → ') || '—'}`);
      process.stdout.write(`${out.join('\n')}\n\n`);
      process.stdout.write(
        table(
          body.sections.map((s) => [s.section, `${s.done}/${s.total}`]),
          ['SECTION', 'DONE'],
        ),
      );
    });
}

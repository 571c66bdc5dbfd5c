/** `queue stats`: counts by status and section, ready/blocked, waves, critical path (app/stats.ts); `--history` and/or `--since DATE`: the flow (stats-history.ts). */
import type { Command } from 'commander';
import { globals, human, open, printJson } from '../context.js';
import { count } from '../format.js';

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
      const { queueStats } = await import('../../app/stats.js');
      const body = queueStats(await open(cmd, true));
      if (globals(cmd).json) {
        printJson({ ...body });
        return;
      }
      const { c, table } = await human();
      const done = body.byStatus.done ?? 0;
      const pct = body.total ? Math.round((100 * done) / body.total) : 0;
      const out = [`${c().bold(String(body.total))} ${body.total === 1 ? 'story' : 'stories'}, ${done} done (${pct}%), ${body.ready} ready, ${body.blocked} blocked`];
      out.push(
        Object.entries(body.byStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · '),
      );
      out.push(
        `${count(body.waves, 'wave', 'waves')} to finish${body.unschedulable ? `, ${body.unschedulable} unschedulable` : ''}; critical path ${body.criticalPath.join(' → ') || '—'}`,
      );
      process.stdout.write(`${out.join('\n')}\n\n`);
      process.stdout.write(
        table(
          body.sections.map((s) => [s.section, `${s.done}/${s.total}`]),
          ['SECTION', 'DONE'],
        ),
      );
    });
}

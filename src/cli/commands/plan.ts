/**
 * `queue plan --agents N [--json]`: the open stories scheduled on N agents, longest remaining path
 * first (docs/plan.md): one track per agent with each story's start and end in effort units, the
 * makespan, the critical path, utilization, and the stories left out with why.
 */
import type { Command } from 'commander';
import { globals, positiveInt, printJson } from '../context.js';

/** Add `queue plan` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('plan')
    .description('schedule the open stories on N agents: tracks, makespan, critical path')
    .option('--agents <n>', 'agents to plan for', '2')
    .action(async (opts: { agents: string }, cmd: Command) => {
      const g = globals(cmd);
      const agents = positiveInt(opts.agents, '--agents');
      const [{ planQueue }, { planJson }] = await Promise.all([import('../../app/plan.js'), import('../../model/plan.js')]);
      const { queue, plan } = await planQueue({ cwd: g.C, file: g.file, offline: g.offline === true, agents });
      if (g.json) {
        printJson(planJson(plan));
        return;
      }
      const { planMarkdown } = await import('../../reconcile/plan-block.js');
      process.stdout.write(`${planMarkdown(queue, plan).join('\n')}\n`);
    });
}

/**
 * `queue done ID [--handoff [--notes TEXT] [--next STEP]…]`: the holder marks its story done (issue 3);
 * with `--handoff`, a handoff file for each story this unblocks goes into the same commit (issue 5).
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

const collect = (v: string, all: string[]) => [...all, v];

export function register(program: Command): void {
  writeOptions(
    program
      .command('done')
      .description('mark a story you hold done')
      .argument('<id>', 'story id')
      .option('--force', 'act on a story another agent holds (said in the commit)')
      .option('--handoff', 'write a handoff (deployment/handoffs/) for each story this unblocks, in the same commit')
      .option('--notes <text>', 'with --handoff: notes for whoever takes over')
      .option('--next <step>', 'with --handoff: a next step (repeatable)', collect, []),
  ).action(async (id: string, opts: WriteOptions & { handoff?: boolean; notes?: string; next: string[] }, cmd: Command) => {
    if (!opts.handoff) {
      await runWrite(cmd, opts, (agent) => ({ op: 'done', id, agent, force: opts.force }));
      return;
    }
    const { decide } = await import('../../edit/decide.js');
    const { handoffFile, unblockedBy } = await import('../../edit/handoff.js');
    const now = new Date().toISOString();
    await runWrite(cmd, opts, (agent, config) => (queue) => {
      const d = decide(queue, { op: 'done', id, agent, force: opts.force });
      const story = queue.graph.byId.get(d.id)!;
      const from = story.claimant ?? agent;
      const next = unblockedBy(queue, story.id);
      const req = { from, to: null, notes: opts.notes, next: opts.next, completed: [story], now };
      d.files = (next.length ? next : [story]).map((s) => handoffFile(config.deploymentDir, { ...req, story: s }));
      return d;
    });
  });
}

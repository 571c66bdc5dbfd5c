/**
 * `queue done ID [--no-unblock] [--handoff [--notes TEXT] [--next STEP]…]`: the holder marks its
 * story done. The same commit unblocks the dependents it releases and marks it done in their
 * Depends On cells (what `queue render` would do, for those rows only); with `--handoff`, a handoff
 * file for each story this unblocks goes into it too. Inside an agent started by `queue run` on this
 * story, the done is recorded for the runner, which publishes it after integrating the agent's commits.
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

const collect = (v: string, all: string[]) => [...all, v];

/** Add `queue done` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('done')
      .description('mark a story you hold done')
      .argument('<id>', 'story id')
      .option('--force', 'act on a story another agent holds (said in the commit)')
      .option('--no-unblock', 'leave its dependents as they are (queue render or watch unblocks them later)')
      .option('--handoff', 'write a handoff (deployment/handoffs/) for each story this unblocks, in the same commit')
      .option('--notes <text>', 'with --handoff: notes for whoever takes over')
      .option('--next <step>', 'with --handoff: a next step (repeatable)', collect, []),
  ).action(async (id: string, opts: WriteOptions & { handoff?: boolean; notes?: string; next: string[]; unblock: boolean }, cmd: Command) => {
    const handoff = opts.handoff ? { notes: opts.notes, next: opts.next } : undefined;
    // Inside an agent that `queue run` started on this story, the runner publishes the done after the code.
    const { deferredDone } = await import('../../run/signal.js');
    const deferred = opts.force || opts.commit === false || opts.push === false ? null : deferredDone(id);
    if (deferred) {
      const { deferDone } = await import('../run.js');
      return deferDone(cmd, deferred, { id, unblock: opts.unblock !== false, ...(handoff ? { handoff } : {}), at: new Date().toISOString() });
    }
    await runWrite(cmd, opts, (ops, s) => ops.done(s, { id, force: opts.force, unblock: opts.unblock, handoff, indexed: true }));
  });
}

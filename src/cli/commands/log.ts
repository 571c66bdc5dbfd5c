/** `queue log [--story ID] [REV]`: the queue file's history as typed events. */
import type { Command } from 'commander';

/** Add `queue log` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('log')
    .description('the history of the queue as events: claim, release, done, cancel, block, unblock, review, reopen, add, remove, edit, dependency')
    .argument('[rev]', 'revision or range', 'HEAD')
    .option('--story <id>', 'only this story')
    .action(async (rev: string, opts: { story?: string }, cmd: Command) => {
      const { runLog } = await import('../history.js');
      await runLog(cmd, opts.story, rev);
    });
}

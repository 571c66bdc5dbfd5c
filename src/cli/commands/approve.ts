/**
 * `queue approve ID`: a reviewer accepts a story in review. It is done, with what `queue done` does
 * in the same commit (the Completed log row, dependents released, done marks, generated blocks).
 * Anyone but the story's implementer approves, or one of the config's `reviewers` when it names any.
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue approve` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(program.command('approve').description('approve a story in review: it is done').argument('<id>', 'story id')).action(
    async (id: string, opts: WriteOptions, cmd: Command) => {
      await runWrite(cmd, opts, (ops, s) => ops.approve(s, { id }));
    },
  );
}

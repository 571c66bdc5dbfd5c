/** `queue review ID`: the holder hands its story to review. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue review` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('review')
      .description('move a story you hold to review')
      .argument('<id>', 'story id')
      .option('--force', 'act on a story another agent holds (said in the commit)'),
  ).action(async (id: string, opts: WriteOptions, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.review(s, { id, force: opts.force }));
  });
}

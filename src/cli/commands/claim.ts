/**
 * `queue claim [ID] --agent NAME [--renew]`: take a ready story (without ID: the best ready story
 * for the agent), as a git transaction that exactly one claimer of a story wins.
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue claim` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('claim')
      .description('claim a ready story (without ID: the best one for the agent)')
      .argument('[id]', 'story id')
      .option('--renew', 'refresh the lease on a story the agent holds (a commit with no content change)'),
  ).action(async (id: string | undefined, opts: WriteOptions & { renew?: boolean }, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.claim(s, { id, renew: opts.renew, indexed: true }));
  });
}

/** `queue block ID --reason TEXT`: put a manual hold on a story. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue block` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('block')
      .description('hold a story, with a reason')
      .argument('<id>', 'story id')
      .requiredOption('--reason <text>', 'why (written into the status cell)')
      .option('--force', 'hold a story another agent holds (said in the commit)'),
  ).action(async (id: string, opts: WriteOptions & { reason: string }, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.block(s, { id, reason: opts.reason, force: opts.force, indexed: true }));
  });
}

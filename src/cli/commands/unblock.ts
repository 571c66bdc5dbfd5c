/** `queue unblock ID`: lift a manual hold. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue unblock` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(program.command('unblock').description('lift a hold').argument('<id>', 'story id')).action(async (id: string, opts: WriteOptions, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.unblock(s, { id }));
  });
}

/** `queue reopen ID`: a done story is open again. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue reopen` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(program.command('reopen').description('reopen a done story').argument('<id>', 'story id')).action(async (id: string, opts: WriteOptions, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.reopen(s, { id }));
  });
}

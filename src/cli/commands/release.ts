/** `queue release ID`: give a claimed story back. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue release` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program.command('release').description('give back a story you hold').argument('<id>', 'story id').option('--force', 'release a story another agent holds (said in the commit)'),
  ).action(async (id: string, opts: WriteOptions, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.release(s, { id, force: opts.force }));
  });
}

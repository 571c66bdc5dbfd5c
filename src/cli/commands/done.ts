/** `queue done ID`: the holder marks its story done (issue 3). */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

export function register(program: Command): void {
  writeOptions(program.command('done').description('mark a story you hold done').argument('<id>', 'story id').option('--force', 'act on a story another agent holds (said in the commit)')).action(
    async (id: string, opts: WriteOptions, cmd: Command) => {
      await runWrite(cmd, opts, (agent) => ({ op: 'done', id, agent, force: opts.force }));
    },
  );
}

/** `queue block ID --reason TEXT`: put a manual hold on a story (issue 3). */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';
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
    const reason = opts.reason.trim();
    if (reason === '' || /[\r\n|\]]/.test(reason)) throw new QueueError('usage', '--reason must be one line of text without | or ]');
    await runWrite(cmd, opts, (agent) => ({ op: 'block', id, agent, reason, force: opts.force }));
  });
}

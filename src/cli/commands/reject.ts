/**
 * `queue reject ID --reason TEXT`: a reviewer sends a story in review back to its implementer. It is
 * in progress again, held by the implementer, and the same commit writes a handoff from the
 * reviewer to the implementer (deployment/handoffs/) with the reason as its notes.
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue reject` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('reject')
      .description('send a story in review back to its implementer, with the reason as a handoff')
      .argument('<id>', 'story id')
      .requiredOption('--reason <text>', 'what to change (the handoff notes)'),
  ).action(async (id: string, opts: WriteOptions & { reason: string }, cmd: Command) => {
    await runWrite(cmd, opts, (ops, s) => ops.reject(s, { id, reason: opts.reason }));
  });
}

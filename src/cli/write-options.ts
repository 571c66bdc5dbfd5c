/**
 * The options of every write command. Kept apart from `write.ts`, which loads git and the
 * edit layer only when a write command runs, so read commands start fast.
 */
import type { Command } from 'commander';

import type { WriteOptions } from './write.js';

export type { WriteOptions };

/** Add `--agent`, `--no-commit`, `--no-push` to a write command. */
export function writeOptions(cmd: Command): Command {
  return cmd
    .option('--agent <name>', 'who acts (default: $QUEUE_AGENT, then git config queue.agent)')
    .option('--no-commit', 'only edit the working file; no git commit')
    .option('--no-push', 'commit to the local branch; do not push');
}

/** The core write API (`app/operations.ts`), as a command's operation receives it. */
export type Operations = typeof import('../app/operations.js');

/**
 * Run a write command: open its session, call `operation` with the core write API and that
 * session, print the result. The write machinery is loaded on first use, so read commands start fast.
 */
export async function runWrite(
  cmd: Command,
  opts: WriteOptions,
  operation: (ops: Operations, s: import('../app/operations.js').Session) => Promise<import('../app/operations.js').WriteResult>,
): Promise<void> {
  const [{ runWrite: run }, ops] = await Promise.all([import('./write.js'), import('../app/operations.js')]);
  return run(cmd, opts, (s) => operation(ops, s));
}

/**
 * The options of every write command (issue 3). Kept apart from `write.ts`, which loads git and the
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

/** Run a write command; the write machinery is loaded on first use. */
export async function runWrite(...args: Parameters<typeof import('./write.js').runWrite>): Promise<void> {
  const { runWrite: run } = await import('./write.js');
  return run(...args);
}

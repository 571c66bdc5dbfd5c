/** `queue stale [--older-than 2h] [--release]`: claims held longer than the lease. */
import type { Command } from 'commander';
import { writeOptions } from '../write-options.js';

/** Add `queue stale` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('stale')
      .description('claims older than the lease (queue.config.json "lease", default 2h), from git history')
      .option('--older-than <duration>', 'the lease to judge by, e.g. 90m, 2h, 1d')
      .option('--release', 'release them all in one commit'),
  ).action(async (opts: import('../stale.js').StaleOptions, cmd: Command) => {
    const { runStale } = await import('../stale.js');
    await runStale(cmd, opts);
  });
}

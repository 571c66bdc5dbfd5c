/** `queue diff A B`: what happened to the stories between two revisions. */
import type { Command } from 'commander';

/** Add `queue diff` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('diff')
    .description('the events between the queue at revision A and at revision B')
    .argument('<a>', 'older revision')
    .argument('[b]', 'newer revision', 'HEAD')
    .action(async (a: string, b: string, _opts: unknown, cmd: Command) => {
      const { runDiff } = await import('../history.js');
      await runDiff(cmd, a, b);
    });
}

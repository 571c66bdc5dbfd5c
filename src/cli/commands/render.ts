/** `queue render [--check] [--commit]`: unblock, done marks, generated blocks. */
import type { Command } from 'commander';

/** Add `queue render` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('render')
    .description('bring what follows from the graph up to date: [BLOCKED] ↔ [ ] by dependencies, done marks, generated blocks')
    .option('--check', 'change nothing; exit 1 and list what is stale (for CI)')
    .option('--commit', 'commit through the transaction layer instead of editing the working file')
    .option('--no-push', 'with --commit: commit to the local branch only')
    .option('--agent <name>', 'who the commit names, and whose hand edits it carries (default: $QUEUE_AGENT, then git config queue.agent, else "queue")')
    .action(async (opts: import('../render.js').RenderOptions, cmd: Command) => {
      const { runRender } = await import('../render.js');
      await runRender(cmd, opts);
    });
}

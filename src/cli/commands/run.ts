/**
 * `queue run [--agents N] [--max-stories K] [--once] [--dry-run] [--clean] [--command -- argv…]`:
 * dispatch ready stories to coding agents, each worker in a worktree of its own, until nothing is
 * ready and nothing it started is running (docs/run.md).
 */
import type { Command } from 'commander';

/** Add `queue run` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('run')
    .description('dispatch ready stories to coding agents (queue.config.json "run"), retrying and landing their work')
    .argument('[argv...]', 'with --command: the agent command for this run, after --')
    .option('--agents <n>', 'workers at once (default: "run.agents", else 1)')
    .option('--max-stories <k>', 'stop dispatching after K stories')
    .option('--once', 'each worker takes one story (with its retries), then stops')
    .option('--dry-run', 'show what would be dispatched; claim nothing, start nothing')
    .option('--clean', 'remove the workers\u2019 worktrees and branches, then exit')
    .option('--command', 'the agent command follows, after --: queue run --command -- claude -p {prompt}')
    .option('--timeout <duration>', 'per attempt, e.g. 45m (default: "run.timeout")')
    .option('--retries <n>', 'attempts per story (default: "run.retries", else 3)')
    .option('--integrate <mode>', 'rebase, merge or branch (default: "run.integrate", else rebase)')
    .option('--name <name>', 'the runner\u2019s name; workers act as <name>-<k> (default: "run.name", else run-<host>-<hash>)')
    .action(async (argv: string[], opts: import('../run.js').RunCommandOptions, cmd: Command) => {
      const { runCommand } = await import('../run.js');
      await runCommand(cmd, argv, opts);
    });
}

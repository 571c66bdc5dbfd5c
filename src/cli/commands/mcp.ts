/**
 * `queue mcp [--agent NAME]`: a Model Context Protocol server over stdio on this queue (docs/agents.md):
 * the tools `ready`, `show`, `claim`, `done`, `release`, `block`, `add`, `handoff`, answering with the
 * `--json` documents. Runs until the client closes stdin.
 */
import type { Command } from 'commander';
import { globals } from '../context.js';

/** Add `queue mcp` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('mcp')
    .description('a Model Context Protocol server over stdio, for coding agents (docs/agents.md)')
    .option('--agent <name>', 'who acts (default: $QUEUE_AGENT, then git config queue.agent)')
    .action(async (opts: { agent?: string }, cmd: Command) => {
      const g = globals(cmd);
      // A name no write could use is refused now, not at the first write.
      if (opts.agent !== undefined) (await import('../../dialect/agent-name.js')).assertAgentName(opts.agent, '--agent');
      const { serveStdio } = await import('../../mcp/server.js');
      await serveStdio({ cwd: g.C, file: g.file, offline: g.offline === true, agent: opts.agent }, program.version() ?? '0.0.0');
    });
}

/**
 * `queue init [--hooks] [--mcp]`: start a queue in an existing git repository: WORK_QUEUE.md with
 * one example story and its generated blocks, queue.config.json, the stories and deployment
 * directories, the agents' instructions in AGENTS.md (and CLAUDE.md where there is one), `logs/run/`
 * in .gitignore; `--hooks` installs the git hooks, `--mcp` the MCP server entry of the agent tools
 * found. Nothing existing is overwritten. What it wrote is committed on the current branch (not
 * pushed) unless `--no-commit`.
 */
import type { Command } from 'commander';
import { exitCodeOf } from '../../domain/errors.js';
import { globals, printJson } from '../context.js';

/** Add `queue init` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('init')
    .description('start a queue here: WORK_QUEUE.md, config, directories, agent instructions (never overwrites)')
    .option('--hooks', 'also install the git hooks that judge changes of the queue by the claim rules')
    .option('--mcp', 'also write the MCP server entry (.mcp.json; .cursor/mcp.json where .cursor/ exists)')
    .option('--no-commit', 'write the files only; do not commit them')
    .action(async (opts: { hooks?: boolean; mcp?: boolean; commit: boolean }, cmd: Command) => {
      const { resolve, relative } = await import('node:path');
      const { Git } = await import('../../git/git.js');
      const { QueueError } = await import('../../domain/errors.js');
      const { initQueue } = await import('../../app/init.js');
      const cwd = resolve(globals(cmd).C ?? process.cwd());
      const top = await new Git(cwd).line(['rev-parse', '--show-toplevel']).catch(() => null);
      if (!top) throw new QueueError('usage', `${cwd} is not in a git work tree: run git init first`);
      const r = await initQueue(top, { mcp: opts.mcp, commit: opts.commit });
      let hooks: { wrote: string[]; chained: string[] } | null = null;
      if (opts.hooks) {
        const { install } = await import('../../hooks/install.js');
        const installed = await install(top);
        hooks = { wrote: installed.wrote.map((p) => relative(top, p) || p), chained: installed.chained.map((p) => relative(top, p) || p) };
      }
      // The files are there, but the commit asked for is not: the exit code says so too.
      if (r.commitFailed) process.exitCode = exitCodeOf('git');
      if (globals(cmd).json) {
        printJson({ root: r.root, steps: r.steps, commit: r.commit ?? null, ...(r.uncommitted ? { uncommitted: r.uncommitted } : {}), ...(hooks ? { hooks } : {}) });
        return;
      }
      for (const s of r.steps) process.stdout.write(`${s.action.padEnd(8)} ${s.path}${s.note ? ` (${s.note})` : ''}\n`);
      for (const p of hooks?.wrote ?? []) process.stdout.write(`hook     ${p}\n`);
      for (const p of hooks?.chained ?? []) process.stdout.write(`chained  ${p} (kept as ${p}.queue-chained; it runs after queue's check)\n`);
      const agentHint = 'name yourself once per clone (git config queue.agent NAME), then queue ready and queue claim';
      const wrote = r.steps.some((st) => st.action !== 'kept');
      if (r.commit) process.stdout.write(`committed ${r.commit.slice(0, 7)} queue: init (not pushed: git push shares the queue with the other clones)\nnext: ${agentHint}\n`);
      else if (!wrote) process.stdout.write('nothing new: this repository has its queue already\n');
      else process.stdout.write(`${r.uncommitted ? `not committed: ${r.uncommitted}\n` : ''}next: commit these files, ${agentHint}\n`);
    });
}

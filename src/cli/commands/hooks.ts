/**
 * `queue hooks install [--server] [--github-action]`, `queue hooks uninstall [--server]`,
 * `queue hooks run NAME [ARGS…]`: the claim rules where every change passes.
 */
import type { Command } from 'commander';
import { globals, printJson } from '../context.js';
import { REFUSED_BY_RULES } from '../../domain/rules.js';

/** Add `queue hooks` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  const hooks = program.command('hooks').description('git hooks that judge every queue transition by the claim rules');
  hooks
    .command('install')
    .description('pre-commit and pre-push here (existing hooks are kept and chained); --server: pre-receive in a bare repository')
    .option('--server', 'install pre-receive in the bare repository this runs in')
    .option('--github-action', 'write .github/workflows/queue-validate.yml instead')
    .action(async (opts: { server?: boolean; githubAction?: boolean }, cmd: Command) => {
      const { install, githubAction } = await import('../../hooks/install.js');
      const root = await rootOf(cmd, opts.server === true);
      if (opts.githubAction) {
        const path = githubAction(root);
        if (globals(cmd).json) printJson({ wrote: [path] });
        else process.stdout.write(`wrote ${path}\n`);
        return;
      }
      const r = await install(root, { server: opts.server });
      if (globals(cmd).json) printJson({ ...r });
      else {
        for (const p of r.wrote) process.stdout.write(`installed ${p}\n`);
        for (const p of r.chained) process.stdout.write(`kept the existing hook as ${p}.queue-chained; it runs after queue's check\n`);
        for (const n of r.notes) process.stderr.write(`queue: note: ${n}\n`);
      }
    });
  hooks
    .command('uninstall')
    .description("remove queue's hooks and restore the ones they chained to")
    .option('--server', 'the pre-receive hook of a bare repository')
    .action(async (opts: { server?: boolean }, cmd: Command) => {
      const { uninstall } = await import('../../hooks/install.js');
      const removed = await uninstall(await rootOf(cmd, opts.server === true), { server: opts.server });
      if (globals(cmd).json) printJson({ removed });
      else process.stdout.write(removed.map((p) => `removed ${p}\n`).join('') || 'no queue hook installed\n');
    });
  hooks
    .command('run')
    .description('run one hook check (the installed hooks call this)')
    .argument('<name>', 'pre-commit | pre-push | pre-receive')
    .argument('[args...]', "git's arguments to the hook")
    .action(async (name: string, args: string[], _opts: unknown, cmd: Command) => {
      const run = await import('../../hooks/run.js');
      const { QueueError } = await import('../../domain/errors.js');
      const stdin = async () => {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      };
      let refusals: string[];
      if (!['pre-commit', 'pre-push', 'pre-receive'].includes(name)) throw new QueueError('usage', `unknown hook "${name}" (pre-commit, pre-push, pre-receive)`);
      try {
        if (name === 'pre-commit') refusals = await run.preCommit(await rootOf(cmd, false));
        else if (name === 'pre-push') refusals = await run.prePush(await rootOf(cmd, false), args[0] ?? 'origin', await stdin());
        else refusals = await run.preReceive(await rootOf(cmd, true), await stdin());
      } catch (e) {
        // A hook that cannot judge refuses, in one line: what it sends reaches whoever pushed.
        process.stderr.write(`queue: the ${name} check could not run, so it refuses: ${(e as Error).message.split('\n')[0]}\n`);
        process.exitCode = 1;
        return;
      }
      if (refusals.length === 0) return;
      process.stderr.write(`queue: ${REFUSED_BY_RULES} (${name}):\n${refusals.map((r) => `  ${r}\n`).join('')}`);
      process.exitCode = 1;
    });
}

/** The work tree root, or for `bare` the repository (git dir) itself. */
async function rootOf(cmd: Command, bare: boolean): Promise<string> {
  const { resolve } = await import('node:path');
  const { Git } = await import('../../git/git.js');
  const { QueueError } = await import('../../domain/errors.js');
  const cwd = resolve(globals(cmd).C ?? process.cwd());
  const git = new Git(cwd);
  if (bare) return resolve(cwd, await git.line(['rev-parse', '--git-dir']).catch(() => '.'));
  const top = await git.line(['rev-parse', '--show-toplevel']).catch(() => null);
  if (!top) throw new QueueError('usage', `${cwd} is not in a git work tree (a bare repository takes --server)`);
  return top;
}

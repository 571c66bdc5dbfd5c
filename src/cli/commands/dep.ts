/** `queue dep add A B` / `queue dep rm A B`: A depends (no longer) on B; a cycle is refused. */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

/** Add `queue dep` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  const dep = program.command('dep').description('change dependencies');
  for (const action of ['add', 'rm'] as const) {
    writeOptions(
      dep
        .command(action)
        .description(action === 'add' ? 'make story A depend on story B (refuses a cycle)' : 'make story A no longer depend on story B')
        .argument('<a>', 'the dependent story')
        .argument('<b>', 'the dependency')
        .option('--force', 'change a story another agent holds (said in the commit)'),
    ).action(async (a: string, b: string, opts: WriteOptions, cmd: Command) => {
      await runWrite(cmd, opts, (ops, s) => ops.dependency(s, { action, id: a, on: b, force: opts.force }));
    });
  }
}

/**
 * `queue add --title TEXT [--id ID] [--deps a,b] [--section "Tier 3"] [--story-file] [--parent ID]`:
 * a new story row in the table's own conventions (its id the next of the table's when none is
 * given), and on request its story file from a template; with `--parent`, written as that story's
 * child (its Parent cell, or an item nested under the parent's).
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

interface AddOptions extends WriteOptions {
  id?: string;
  title: string;
  deps?: string;
  section?: string;
  storyFile?: boolean;
  parent?: string;
}

/** Add `queue add` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('add')
      .description('add a story')
      .option('--id <id>', "the new story's id (default: the next of its table's ids, S-13 after S-12)")
      .requiredOption('--title <text>', 'what the story is')
      .option('--deps <ids>', 'comma-separated ids it depends on')
      .option('--section <heading>', 'the heading of the table to add it to (default: beside its first dependency, else the last table)')
      .option('--story-file', 'create stories/<id>-<slug>.md from a template and link it')
      .option('--parent <id>', "the story it is part of: its table's Parent column, or nested under the parent's task item"),
  ).action(async (opts: AddOptions, cmd: Command) => {
    const deps = (opts.deps ?? '').split(',');
    await runWrite(cmd, opts, (ops, s) => ops.add(s, { id: opts.id, title: opts.title, deps, section: opts.section, storyFile: opts.storyFile, parent: opts.parent }));
  });
}

/**
 * `queue handoff --from A --to B --story ID [--notes TEXT] [--next STEP]…`: a handoff file
 * (deployment/handoffs/YYYY-MM-DD-<from>-<to>-<id>.md, its fields as YAML front matter;
 * docs/render.md), committed like any write.
 */
import type { Command } from 'commander';
import { writeOptions, runWrite, type WriteOptions } from '../write-options.js';

const collect = (v: string, all: string[]) => [...all, v];

interface HandoffOptions extends WriteOptions {
  from?: string;
  to: string;
  story: string;
  notes?: string;
  next: string[];
  blocker: string[];
  reassign?: boolean;
}

/** Add `queue handoff` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  writeOptions(
    program
      .command('handoff')
      .description('hand a story over to another agent, with notes and next steps')
      .option('--from <agent>', 'who hands over (default: the acting agent)')
      .requiredOption('--to <agent>', 'who takes over')
      .requiredOption('--story <id>', 'the story')
      .option('--notes <text>', 'context for whoever takes over')
      .option('--next <step>', 'a next step (repeatable)', collect, [])
      .option('--blocker <text>', 'a blocker (repeatable)', collect, [])
      .option('--reassign', 'also hand the claim over: the story is held by --to in the same commit')
      .option('--force', 'with --reassign: act on a story another agent holds (said in the commit)'),
  ).action(async (opts: HandoffOptions, cmd: Command) => {
    // Whoever hands over is the one acting, unless --agent says otherwise.
    opts.agent ??= opts.from;
    await runWrite(cmd, opts, (ops, s) =>
      ops.handoff(s, { story: opts.story, from: opts.from, to: opts.to, notes: opts.notes, next: opts.next, blockers: opts.blocker, reassign: opts.reassign, force: opts.force }),
    );
  });
}

/**
 * `queue decision add --title T --context C --decision D [--by AGENT] [--reviewers a,b] [--status S]`:
 * a decision record, deployment/decisions/NNNN-slug.md (numbered after the highest; YAML front
 * matter with proposer, reviewers, decision maker, status, date), committed like any write, or
 * written to the working tree with --no-commit. `queue decision list [--json]`: the records.
 */
import type { Command } from 'commander';
import { globals, human, printJson } from '../context.js';
import { writeOptions, type WriteOptions } from '../write-options.js';

interface AddOptions extends WriteOptions {
  title: string;
  context: string;
  decision: string;
  by?: string;
  reviewers?: string;
  status?: string;
}

/** Add `queue decision` (add, list) to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  const decision = program.command('decision').description('decision records (deployment/decisions/): add, list');
  writeOptions(
    decision
      .command('add')
      .description('write a numbered decision record and commit it')
      .requiredOption('--title <text>', 'what is decided, in a line')
      .requiredOption('--context <text>', 'why a decision is needed')
      .requiredOption('--decision <text>', 'what was decided')
      .option('--by <agent>', 'who makes the decision')
      .option('--reviewers <names>', 'who reviews it, comma-separated')
      .option('--status <status>', 'proposed, accepted, superseded, …', 'proposed'),
  ).action(async (opts: AddOptions, cmd: Command) => {
    const [{ session }, { addDecision }, { splitNames }, { describeEffect }] = await Promise.all([
      import('../write.js'),
      import('../../app/decisions.js'),
      import('../../workspace/decisions.js'),
      import('../../domain/effects.js'),
    ]);
    const s = await session(cmd, opts);
    const r = await addDecision(s, {
      title: opts.title,
      context: opts.context,
      decision: opts.decision,
      by: opts.by,
      reviewers: opts.reviewers === undefined ? undefined : splitNames(opts.reviewers),
      status: opts.status,
    });
    const file = r.effects.find((e) => e.kind === 'file');
    if (globals(cmd).json) {
      printJson({
        decision: { number: r.number, file: file?.kind === 'file' ? file.path : null },
        changed: r.changed,
        effects: r.effects,
        commit: r.commit,
        attempts: r.attempts,
        ...(r.note ? { note: r.note } : {}),
      });
      return;
    }
    const { c } = await human();
    process.stdout.write(`${r.subject.replace(/^queue: /, '')}${r.commit ? c().dim(` [${r.commit.slice(0, 7)}]`) : ''}\n`);
    if (file) process.stdout.write(`${describeEffect(file)}\n`);
    if (r.note) process.stderr.write(`queue: ${r.note}\n`);
  });
  decision
    .command('list')
    .description('the decision records, in number order')
    .action(async (_opts: unknown, cmd: Command) => {
      const g = globals(cmd);
      const [{ locateQueueFile }, { listDecisions }] = await Promise.all([import('../../app/locate.js'), import('../../app/decision-files.js')]);
      const loc = locateQueueFile({ cwd: g.C, file: g.file });
      const all = listDecisions(loc.repo ?? loc.cwd, loc.config.deploymentDir);
      if (g.json) {
        printJson({ decisions: all });
        return;
      }
      if (all.length === 0) {
        process.stdout.write(`no decision records under ${loc.config.deploymentDir}/decisions\n`);
        return;
      }
      const { table } = await human();
      process.stdout.write(
        table(
          all.map((d) => [d.number, d.status ?? '', d.date ?? '', d.title, d.decisionMaker ?? '']),
          ['#', 'STATUS', 'DATE', 'TITLE', 'DECIDED BY'],
        ),
      );
    });
}

/** `queue ready [--agent NAME] [--limit N]`: stories that can be claimed now, best first. */
import type { Command } from 'commander';
import { openReady } from '../../app/open.js';
import { diagnosticJson } from '../../model/contract.js';
import { globals, human, positiveInt, printJson } from '../context.js';

/** Add `queue ready` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('ready')
    .description('stories whose dependencies are done and that nobody holds, best first')
    .option('--agent <name>', 'only stories unassigned or assigned to this agent')
    .option('--limit <n>', 'at most this many')
    .action(async (opts: { agent?: string; limit?: string }, cmd: Command) => {
      const limit = opts.limit === undefined ? Infinity : positiveInt(opts.limit, '--limit');
      const g = globals(cmd);
      const answer = await openReady({ cwd: g.C, file: g.file, shared: true, offline: g.offline === true }, opts.agent ?? process.env.QUEUE_AGENT, limit);
      if (g.json) {
        printJson({ stories: answer.stories, diagnostics: answer.diagnostics.map(diagnosticJson) });
        return;
      }
      if (answer.stories.length === 0) {
        // A file queue found no story in says so, with where, rather than "nothing is ready".
        const none = answer.diagnostics.filter((d) => d.code === 'no_stories');
        if (none.length) {
          const { formatDiagnostic } = await human();
          for (const d of none) process.stderr.write(`${formatDiagnostic(d)}\n`);
        } else process.stdout.write('no story is ready (queue blocked shows why)\n');
        return;
      }
      const { c, clip, colorStatus, table } = await human();
      const rows = answer.stories.map((s) => [
        c().bold(s.id),
        colorStatus(s.status, clip(s.rawStatus || s.status, 24)),
        s.claimant ?? '',
        clip(s.title, 60),
        s.deps.length ? c().dim(`← ${s.deps.join(', ')}`) : '',
      ]);
      process.stdout.write(table(rows, ['READY', 'STATUS', 'CLAIMANT', 'TITLE', 'DEPENDS ON']));
    });
}

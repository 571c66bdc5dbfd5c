/** `queue ready [--agent NAME] [--limit N]`: stories that can be claimed now, best first. */
import type { Command } from 'commander';
import { globals, human, open, positiveInt, printJson } from '../context.js';
import { diagnosticJson, storyJson } from '../json.js';
import { rankReady } from '../../model/rank.js';

export function register(program: Command): void {
  program
    .command('ready')
    .description('stories whose dependencies are done and that nobody holds, best first')
    .option('--agent <name>', 'only stories unassigned or assigned to this agent')
    .option('--limit <n>', 'at most this many')
    .action(async (opts: { agent?: string; limit?: string }, cmd: Command) => {
      const limit = opts.limit === undefined ? Infinity : positiveInt(opts.limit, '--limit');
      const q = await open(cmd);
      const stories = rankReady(q.graph, opts.agent ?? process.env.QUEUE_AGENT).slice(0, limit);
      if (globals(cmd).json) {
        printJson({ stories: stories.map((s) => storyJson(s, q.graph)), diagnostics: q.diagnostics.map(diagnosticJson) });
        return;
      }
      if (stories.length === 0) {
        process.stdout.write('no story is ready (queue blocked shows why)\n');
        return;
      }
      const { table, storyRows } = await human();
      process.stdout.write(table(storyRows(stories, q.graph), ['READY', 'STATUS', 'CLAIMANT', 'TITLE', 'DEPENDS ON']));
    });
}

/** `queue list [--status S]`: every story, optionally filtered by status category or `ready`. */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';
import { globals, human, open, printJson } from '../context.js';
import { CATEGORIES as STATUS_CATEGORIES } from '../../domain/status.js';

const CATEGORIES: readonly string[] = [...STATUS_CATEGORIES, 'ready'];

/** Add `queue list` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('list')
    .description('list every story in the queue')
    .option('--status <list>', `only these statuses, comma-separated: ${CATEGORIES.join(', ')}`)
    .action(async (opts: { status?: string }, cmd: Command) => {
      const wanted = opts.status
        ?.split(',')
        .map((s) => s.trim().toLowerCase().replace(/[- ]/g, '_'))
        .filter(Boolean);
      for (const w of wanted ?? []) if (!CATEGORIES.includes(w)) throw new QueueError('usage', `--status: unknown status "${w}" (one of ${CATEGORIES.join(', ')})`);
      const q = await open(cmd, false, true);
      const { diagnosticJson, storyJson } = await import('../../model/contract.js');
      const stories = q.stories.filter((s) => !wanted || wanted.includes(s.status.category) || (wanted.includes('ready') && q.graph.isReady(s)));
      if (globals(cmd).json) {
        printJson({ stories: stories.map((s) => storyJson(s, q.graph)), diagnostics: q.diagnostics.map(diagnosticJson) });
        return;
      }
      const { count, table, storyRows, formatDiagnostic } = await human();
      process.stdout.write(table(storyRows(stories, q.graph), ['ID', 'STATUS', 'CLAIMANT', 'TITLE', 'DEPENDS ON']));
      for (const d of q.diagnostics) if (d.code === 'no_stories') process.stderr.write(`${formatDiagnostic(d)}\n`);
      const errors = q.diagnostics.filter((d) => d.severity === 'error').length;
      process.stdout.write(`${stories.length} of ${count(q.stories.length, 'story', 'stories')}${errors ? `; ${count(errors, 'error', 'errors')} (queue validate)` : ''}\n`);
    });
}

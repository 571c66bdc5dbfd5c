/** `queue graph --format mermaid|dot|json`: the dependency graph, with waves and critical path. */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';
import { globals, open, printJson } from '../context.js';

const FORMATS = ['mermaid', 'dot', 'json'];

/** Add `queue graph` to `program`: its arguments and options (what it does is in this file's header). */
export function register(program: Command): void {
  program
    .command('graph')
    .description('the dependency graph as mermaid, dot or json')
    .option('--format <format>', FORMATS.join('|'), 'mermaid')
    .action(async (opts: { format: string }, cmd: Command) => {
      const json = globals(cmd).json;
      const format = json ? 'json' : opts.format;
      if (!FORMATS.includes(format)) throw new QueueError('usage', `--format must be one of ${FORMATS.join(', ')}`);
      const q = await open(cmd);
      if (format === 'json') {
        const { waves, unschedulable } = q.graph.waves();
        printJson({
          nodes: q.stories.map((s) => ({ id: s.id, title: s.title, status: s.status.category, ready: q.graph.isReady(s) })),
          edges: q.stories.flatMap((s) => s.deps.map((d) => ({ from: d.id ?? d.ref, to: s.id, known: d.id !== null, satisfied: q.graph.satisfied(d) }))),
          waves,
          unschedulable,
          criticalPath: q.graph.criticalPath(),
          cycles: q.graph.cycles,
        });
        return;
      }
      const { dotDigraph, mermaidFlowchart } = await import('../../model/diagram.js');
      process.stdout.write(format === 'dot' ? dotDigraph(q.stories, q.graph) : `${mermaidFlowchart(q.stories, q.graph, { labelMax: 80 }).lines.join('\n')}\n`);
    });
}

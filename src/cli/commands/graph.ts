/** `queue graph --format mermaid|dot|json`: the dependency graph, with waves and critical path. */
import type { Command } from 'commander';
import { QueueError } from '../../domain/errors.js';
import type { OpenedQueue } from '../../app/open.js';
import { globals, open, printJson } from '../context.js';

const FORMATS = ['mermaid', 'dot', 'json'];

/** Quote a label for mermaid (`"` is not allowed inside; use #quot;). */
const mermaidLabel = (s: string) => `"${s.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ')}"`;
const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Mermaid flowchart (GitHub renders ```mermaid blocks). Node ids are n0, n1… to stay valid. */
export function toMermaid(q: OpenedQueue): string {
  const key = new Map(q.stories.map((s, i) => [s.id, `n${i}`]));
  const lines = ['flowchart TD'];
  for (const s of q.stories) lines.push(`  ${key.get(s.id)}[${mermaidLabel(`${s.id}: ${s.title}`.slice(0, 80))}]:::${s.status.category}`);
  for (const s of q.stories) for (const d of s.deps) if (d.id) lines.push(`  ${key.get(d.id)} --> ${key.get(s.id)}`);
  lines.push(
    '  classDef done fill:#d4f7d4,stroke:#2a7a2a',
    '  classDef in_progress fill:#fff3c4,stroke:#a07800',
    '  classDef blocked fill:#fbd5d5,stroke:#a02020',
    '  classDef review fill:#d6ecff,stroke:#1f5f99',
  );
  return `${lines.join('\n')}\n`;
}

/** Graphviz digraph, edges from dependency to dependent. */
export function toDot(q: OpenedQueue): string {
  const fill: Record<string, string> = { done: '#d4f7d4', in_progress: '#fff3c4', blocked: '#fbd5d5', review: '#d6ecff' };
  const lines = ['digraph queue {', '  rankdir=LR;', '  node [shape=box, style=filled, fillcolor=white];'];
  for (const s of q.stories)
    lines.push(
      `  ${dotString(s.id)} [label=${dotString(`${s.id}\\n${s.title.slice(0, 60)}`)}${fill[s.status.category] ? `, fillcolor=${dotString(fill[s.status.category])}` : ''}];`,
    );
  for (const s of q.stories) for (const d of s.deps) if (d.id) lines.push(`  ${dotString(d.id)} -> ${dotString(s.id)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

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
      process.stdout.write(format === 'dot' ? toDot(q) : toMermaid(q));
    });
}

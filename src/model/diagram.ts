/**
 * The one home of the dependency graph drawn as a picture: a mermaid flowchart (GitHub renders
 * ```mermaid blocks) for `queue graph` and the `queue:graph` generated block, and a Graphviz
 * digraph for `queue graph --format dot`. Both draw an edge from each dependency to its dependent
 * and colour a story by what it means to a person planning: done, ready to claim, being worked on
 * (claimed), or waiting. Also the one home of mermaid charts: the `xychart-beta` of the
 * `queue:metrics` block (weekly throughput and burn-up). Pure.
 */
import { isClaimed, isFinished } from '../domain/status.js';
import type { Story } from '../domain/types.js';
import type { QueueGraph } from './graph.js';

/** How a story is drawn: done (or cancelled), ready to claim, claimed, or waiting on something. */
export type DiagramClass = 'done' | 'ready' | 'doing' | 'waiting';

/** The class a story is drawn with. */
export function diagramClass(s: Story, g: QueueGraph): DiagramClass {
  return isFinished(s.status.category) ? 'done' : g.isReady(s) ? 'ready' : isClaimed(s.status.category) ? 'doing' : 'waiting';
}

/** Fill and stroke of each class, shared by both formats. */
const COLOURS: Record<DiagramClass, { fill: string; stroke: string }> = {
  done: { fill: '#d3f9d8', stroke: '#2b8a3e' },
  ready: { fill: '#fff3bf', stroke: '#e67700' },
  doing: { fill: '#d0ebff', stroke: '#1864ab' },
  waiting: { fill: '#f1f3f5', stroke: '#868e96' },
};

/** A mermaid node label: `"id: title"`, one line, `"` written as `#quot;`, cut to `max` characters with `…`. */
function mermaidLabel(s: Story, max: number): string {
  const text = `${s.id}: ${s.title}`.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');
  return `"${text.length > max ? `${text.slice(0, max - 1)}…` : text}"`;
}

/** Options of {@link mermaidFlowchart}. */
export interface MermaidOptions {
  /** Draw at most this many open stories (and the dependencies they name, up to twice as many nodes); default all. */
  limit?: number;
  /** Longest node label, in characters; default 60. */
  labelMax?: number;
}

/**
 * The graph as mermaid flowchart lines (`graph TD`, no code fence). Node ids are `s0`, `s1`… so any
 * story id is valid. With `limit`, open stories come first (they are what people plan with), then
 * the stories they depend on; a `%%` comment line says how many stories were left out, and so does
 * `omitted` (a comment is invisible on GitHub: the caller says it where people read).
 */
export function mermaidFlowchart(stories: readonly Story[], g: QueueGraph, opts: MermaidOptions = {}): { lines: string[]; omitted: number } {
  let nodes: readonly Story[] = stories;
  if (opts.limit !== undefined) {
    const open = stories.filter((s) => !isFinished(s.status.category)).slice(0, opts.limit);
    const shown = new Set(open.map((s) => s.id));
    for (const s of open) for (const d of s.deps) if (d.id && shown.size < opts.limit * 2) shown.add(d.id);
    nodes = stories.filter((s) => shown.has(s.id));
  }
  const key = new Map(nodes.map((s, i) => [s.id, `s${i}`]));
  const lines = ['graph TD'];
  for (const s of nodes) lines.push(`  ${key.get(s.id)}[${mermaidLabel(s, opts.labelMax ?? 60)}]:::${diagramClass(s, g)}`);
  for (const s of nodes) for (const d of s.deps) if (d.id && key.has(d.id)) lines.push(`  ${key.get(d.id)} --> ${key.get(s.id)}`);
  for (const [name, c] of Object.entries(COLOURS)) lines.push(`  classDef ${name} fill:${c.fill},stroke:${c.stroke}`);
  const omitted = stories.length - nodes.length;
  if (omitted > 0) lines.push(`  %% ${omitted} more ${omitted === 1 ? 'story' : 'stories'} not drawn`);
  return { lines, omitted };
}

/** A Graphviz quoted string: `\` and `"` escaped. */
const dotString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The graph as a Graphviz digraph (left to right), each node labelled with its id over its title. */
export function dotDigraph(stories: readonly Story[], g: QueueGraph): string {
  const lines = ['digraph queue {', '  rankdir=LR;', '  node [shape=box, style=filled];'];
  for (const s of stories) {
    const c = COLOURS[diagramClass(s, g)];
    // `\n` inside a quoted label is Graphviz's line break: the parts are escaped, the break is not.
    const label = `${dotString(s.id).slice(1, -1)}\\n${dotString(s.title.slice(0, 60).replace(/[\r\n]+/g, ' ')).slice(1, -1)}`;
    lines.push(`  ${dotString(s.id)} [label="${label}", fillcolor=${dotString(c.fill)}, color=${dotString(c.stroke)}];`);
  }
  for (const s of stories) for (const d of s.deps) if (d.id) lines.push(`  ${dotString(d.id)} -> ${dotString(s.id)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A mermaid `xychart-beta` ({@link mermaidXYChart}): categories on the x axis, bars and lines over them. */
export interface XYChart {
  title: string;
  /** The x axis' categories (`2026-01-05`). */
  x: readonly string[];
  /** The y axis' label. */
  yLabel: string;
  /** Bar series, each a value per category. */
  bars: ReadonlyArray<readonly number[]>;
  /** Line series, each a value per category. */
  lines: ReadonlyArray<readonly number[]>;
}

/** A mermaid string: in `"…"`, with `"` written as `#quot;` and line breaks as spaces. */
const mermaidString = (s: string) => `"${s.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ')}"`;

/** The chart as mermaid `xychart-beta` lines (no code fence); the y axis runs from 0 to the largest value. */
export function mermaidXYChart(c: XYChart): string[] {
  const max = Math.max(1, ...c.bars.flat(), ...c.lines.flat());
  return [
    'xychart-beta',
    `  title ${mermaidString(c.title)}`,
    `  x-axis [${c.x.map(mermaidString).join(', ')}]`,
    `  y-axis ${mermaidString(c.yLabel)} 0 --> ${max}`,
    ...c.bars.map((b) => `  bar [${b.join(', ')}]`),
    ...c.lines.map((l) => `  line [${l.join(', ')}]`),
  ];
}

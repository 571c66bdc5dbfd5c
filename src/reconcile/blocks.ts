/**
 * Generated blocks: Markdown that queue writes between two HTML-comment markers, which
 * GitHub does not show, so a person sees only the content:
 *
 *     <!-- queue:ready -->      the stories that can be claimed now, best first
 *     <!-- queue:progress -->   done / total per section, with a text progress bar
 *     <!-- queue:graph -->      a mermaid dependency graph (GitHub renders it)
 *     <!-- queue:plan agents=3 --> the open stories scheduled on 3 agents (plan-block.ts)
 *     <!-- queue:metrics -->    the team's flow from the git history (metrics-block.ts)
 *     <!-- /queue:NAME -->      the end of each
 *
 * A block is rewritten only where its markers are; its content is a pure function of the graph
 * (no clock) and, for `queue:metrics`, of the history the caller read, so rendering twice writes
 * nothing the second time. The content is built as mdast and serialized by the library
 * (markdown/generate.ts). Pure.
 */
import type { RootContent } from 'mdast';
import { mermaidFlowchart } from '../model/diagram.js';
import type { Queue, QueueDocument } from '../read/queue.js';
import { lineEnding } from '../edit/common.js';
import type { Edit } from '../edit/splice.js';
import type { Story } from '../domain/types.js';
import type { FlowStats } from '../history/flow.js';
import { code, emphasis, type Inline, markdownLines, paragraph, strong, table } from '../markdown/generate.js';
import { titleContent } from './title.js';
import { planBlock } from './plan-block.js';
import { metricsBlock } from './metrics-block.js';

/** A block's opening marker: an HTML comment alone on its line (one inside a title or a paragraph is text). */
const BLOCK = /^[^\S\r\n]{0,3}<!--\s*queue:(ready|progress|graph|plan|metrics)((?:\s+[a-z]+=[\w.-]+)*)\s*-->[^\S\r\n]*(\r?\n)/gm;

/** Whether `text` holds a generated block (its opening line), which a write re-renders from every story. */
export function hasGeneratedBlocks(text: string): boolean {
  return new RegExp(BLOCK.source, 'm').test(text);
}

/** What blocks need beyond the queue: the history's flow, the effort sizes. */
export interface BlockInputs {
  /** The flow of the queue file's history for `queue:metrics` (null: no history to read). Absent:
   * the block is left as it is (a pass that did not read the history, such as a write's follow). */
  metrics?: FlowStats | null;
  /** Effort sizes (config `effort`) the `queue:plan` block schedules with; default the built-in ones. */
  effort?: Record<string, number>;
}

/** Mermaid graphs larger than this are cut to the open stories nearest the front. */
const GRAPH_LIMIT = 150;

/** The edits that bring every generated block of `doc` up to date (none when all are). `ready` gives the ready stories, best first: asked only when the document has a `queue:ready` block. */
export function generatedBlocks(doc: QueueDocument, queue: Queue, ready: () => readonly Story[], inputs: BlockInputs = {}): Array<{ name: string; edit: Edit }> {
  const out: Array<{ name: string; edit: Edit }> = [];
  const eol = lineEnding(doc.text);
  for (const m of doc.text.matchAll(BLOCK)) {
    const name = m[1];
    const start = m.index! + m[0].length;
    const end = new RegExp(`^[^\\S\\r\\n]*<!--\\s*/queue:${name}\\s*-->`, 'm');
    const close = end.exec(doc.text.slice(start));
    if (!close) continue;
    if (name === 'metrics' && inputs.metrics === undefined) continue;
    const stop = start + close.index;
    const body = markdownLines(render(name, m[2], queue, doc, ready, inputs)).join(eol) + eol;
    const content = `${eol}${body}${eol}`;
    if (doc.text.slice(start, stop) !== content) out.push({ name: `queue:${name}`, edit: { start, end: stop, text: content } });
  }
  return out;
}

function render(name: string, params: string, queue: Queue, doc: QueueDocument, ready: () => readonly Story[], inputs: BlockInputs): RootContent[] {
  if (name === 'ready') return readyTable(queue, ready());
  if (name === 'progress') return progress(queue, doc);
  if (name === 'plan') return planBlock(queue, params, inputs.effort);
  if (name === 'metrics') return metricsBlock(inputs.metrics ?? null);
  return mermaid(queue);
}

function readyTable(queue: Queue, ready: readonly Story[]): RootContent[] {
  if (ready.length === 0) return [paragraph(emphasis('No story is ready: ', code('queue blocked'), ' says what each waits on.'))];
  return [
    table(
      ['Story', 'Description', 'Depends On'],
      ready.map((s) => [strong(s.id), titleContent(queue, s), s.deps.length ? s.deps.map((d) => d.id ?? d.ref).join(', ') : 'None']),
    ),
  ];
}

/** `████░░░░░░ 40%`: ten cells, rounded down so 100% means every story is done. */
export function progressBar(done: number, total: number): string {
  const pct = total ? Math.floor((100 * done) / total) : 0;
  const full = Math.floor(pct / 10);
  return `${'█'.repeat(full)}${'░'.repeat(10 - full)} ${pct}%`;
}

function progress(queue: Queue, doc: QueueDocument): RootContent[] {
  const sections = new Map<string, { done: number; total: number }>();
  for (const s of queue.stories) {
    if (s.file !== doc.file) continue;
    const key = s.sectionPath.length ? s.sectionPath[s.sectionPath.length - 1] : '(no section)';
    const e = sections.get(key) ?? { done: 0, total: 0 };
    e.total++;
    if (s.status.category === 'done' || s.status.category === 'cancelled') e.done++;
    sections.set(key, e);
  }
  const rows: Inline[][] = [...sections].map(([section, e]) => [section, `${e.done}/${e.total}`, progressBar(e.done, e.total)]);
  const done = [...sections.values()].reduce((n, e) => n + e.done, 0);
  const total = [...sections.values()].reduce((n, e) => n + e.total, 0);
  return [table(['Section', 'Done', 'Progress'], [...rows, [strong('All'), `${done}/${total}`, progressBar(done, total)]])];
}

function mermaid(queue: Queue): RootContent[] {
  const { lines, omitted } = mermaidFlowchart(queue.stories, queue.graph, { limit: GRAPH_LIMIT });
  const graph: RootContent = { type: 'code', lang: 'mermaid', value: lines.join('\n') };
  if (omitted === 0) return [graph];
  return [graph, paragraph(emphasis(`${omitted} more ${omitted === 1 ? 'story is' : 'stories are'} not drawn here: `, code('queue graph'), ' draws them all.'))];
}

/**
 * The remark front end: unified + remark-parse + remark-gfm, reduced to {@link DocBlocks}.
 *
 * This is the reference reading: the fast scanner (`scan.ts`) must give the same answer wherever it
 * answers. Loaded lazily (dynamic import) because importing the markdown stack costs ~0.2 s.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { toString as nodeText } from 'mdast-util-to-string';
import type { Nodes, Root, Table, TableCell, TableRow } from 'mdast';
import type { DocBlocks, RawCell, RawRow, RawTable, RawTask } from './blocks.js';

const processor = unified().use(remarkParse).use(remarkGfm);

/** Parse `text` (BOM removed) into an mdast root. */
export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

function cellOf(cell: TableCell, text: string): RawCell {
  const kids = cell.children;
  if (kids.length > 0) {
    return { text: nodeText(cell), start: kids[0].position!.start.offset!, end: kids[kids.length - 1].position!.end.offset! };
  }
  let p = cell.position!.start.offset!;
  if (text[p] === '|') p++;
  if (p < cell.position!.end.offset! && text[p] === ' ') p++;
  return { text: '', start: p, end: p };
}

function rowOf(row: TableRow, text: string): RawRow {
  const pos = row.position!;
  return {
    line: pos.start.line,
    column: pos.start.column,
    start: pos.start.offset!,
    end: pos.end.offset!,
    cells: row.children.map((c) => cellOf(c, text)),
  };
}

function tableOf(node: Table, text: string): RawTable {
  const [header, ...rows] = node.children;
  return {
    header: rowOf(header, text),
    rows: rows.map((r) => rowOf(r, text)),
    start: node.position!.start.offset!,
    end: node.position!.end.offset!,
  };
}

/** Read {@link DocBlocks} from an mdast root parsed from `text`. */
export function blocksFromTree(tree: Root, text: string): DocBlocks {
  const out: DocBlocks = { tables: [], headings: [], tasks: [] };
  for (const node of tree.children) {
    if (node.type === 'heading') {
      out.headings.push({
        depth: node.depth,
        text: nodeText(node),
        line: node.position!.start.line,
        start: node.position!.start.offset!,
      });
    }
  }
  const walk = (node: Nodes, parentTask: number) => {
    if (node.type === 'table') {
      out.tables.push(tableOf(node, text));
      return;
    }
    let nextParent = parentTask;
    if (node.type === 'listItem' && typeof node.checked === 'boolean') {
      const para = node.children[0]?.type === 'paragraph' ? node.children[0] : undefined;
      const start = node.position!.start.offset!;
      const textStart = para ? para.position!.start.offset! : start;
      const task: RawTask = {
        checked: node.checked,
        text: para ? nodeText(para).replace(/\r\n|\r|\n/g, ' ') : '',
        line: node.position!.start.line,
        column: node.position!.start.column,
        start,
        // The first `[` after the list marker: the paragraph may itself start with one (`[WIP: bob]`).
        box: text.indexOf('[', start),
        textStart,
        textEnd: para ? para.position!.end.offset! : start,
        end: node.position!.end.offset!,
        parent: parentTask,
      };
      nextParent = out.tasks.length;
      out.tasks.push(task);
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes, nextParent);
  };
  walk(tree, -1);
  return out;
}

/** Parse and reduce in one step. */
export function remarkBlocks(text: string): DocBlocks {
  return blocksFromTree(parseMarkdown(text), text);
}

/** What {@link inlineTexts} gives for one snippet. */
export interface InlineText {
  text: string;
  /** For a task's paragraph: true when it starts at the check box (it begins with a node other
   * than text: mdast-util-gfm-task-list-item moves its start past the box only before text). */
  atBox?: boolean;
}

/**
 * Plain text of inline snippets the fast path could not decide, in one remark parse: each cell
 * becomes a row of a one-column table, each heading its own ATX line and each task paragraph its
 * own task item, so the inline context (table cell, heading, paragraph) is the same as in the
 * original document.
 */
export function inlineTexts(items: Array<{ raw: string; kind: 'cell' | 'heading' | 'task' }>): InlineText[] {
  const cells = items.filter((x) => x.kind === 'cell');
  const heads = items.filter((x) => x.kind === 'heading');
  const tasks = items.filter((x) => x.kind === 'task');
  let doc = '';
  for (const h of heads) doc += `# ${h.raw}\n\n`;
  // One list, an item each: a blank line ends each paragraph (and a lazy line cannot follow one).
  for (const t of tasks) doc += `- [ ] ${t.raw}\n\n`;
  if (cells.length) doc += `| q |\n| - |\n${cells.map((c) => `| ${c.raw} |\n`).join('')}`;
  const tree = parseMarkdown(doc);
  const headTexts: string[] = [];
  const taskTexts: InlineText[] = [];
  const cellTexts: string[] = [];
  for (const node of tree.children) {
    if (node.type === 'heading') headTexts.push(nodeText(node));
    if (node.type === 'list') {
      for (const item of node.children) {
        const para = item.children[0];
        const box = item.position!.start.offset! + 2;
        taskTexts.push(para?.type === 'paragraph' ? { text: nodeText(para).replace(/\r\n|\r|\n/g, ' '), atBox: para.position!.start.offset === box } : { text: '' });
      }
    }
    if (node.type === 'table') for (const row of node.children.slice(1)) cellTexts.push(row.children[0] ? nodeText(row.children[0]) : '');
  }
  let hi = 0;
  let ti = 0;
  let ci = 0;
  return items.map((x) => (x.kind === 'heading' ? { text: headTexts[hi++] } : x.kind === 'task' ? taskTexts[ti++] : { text: cellTexts[ci++] }));
}

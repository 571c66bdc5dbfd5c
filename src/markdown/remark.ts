/**
 * The remark front end: unified + remark-parse + remark-gfm, reduced to {@link DocBlocks}.
 *
 * This is the reference reading: the fast scanner (`scan.ts`) must give the same answer wherever it
 * answers. Loaded lazily (dynamic import) because importing the markdown stack costs ~0.2 s.
 */
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import type { Nodes, Root, Table, TableCell, TableRow } from 'mdast';
import type { DocBlocks, RawCell, RawRow, RawTable, RawTask } from './blocks.js';
import { checkCell, checkDepth, LimitError, ParseBudget, parseCost } from './limits.js';
import { LineIndex } from './lines.js';
import { MAX_DEPTH } from '../domain/limits.js';
import { plainText as nodeText } from './mdast-text.js';

const processor = unified().use(remarkParse).use(remarkGfm);

/** Parse `text` (BOM removed) into an mdast root. */
export function parseMarkdown(text: string): Root {
  return processor.parse(text);
}

/**
 * Parse a whole document (BOM removed) into an mdast root within the limits (`limits.ts`): its
 * nesting checked and its cost drawn from a parse budget of its own first. Throws {@link LimitError}.
 */
export function parseBounded(text: string, why: string): Root {
  const lines = new LineIndex(text);
  checkDepth(text, lines);
  new ParseBudget().charge(parseCost(text, lines), why);
  try {
    return processor.parse(text);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new LimitError('too_deep', 0, 'nested too deeply for the Markdown parser', MAX_DEPTH);
    throw e;
  }
}

/** A cell's text and where its content lies; `too_large` (limits.ts {@link checkCell}) for a cell over the limits. */
function cellOf(cell: TableCell, text: string): RawCell {
  const kids = cell.children;
  const first = kids[0]?.position?.start.offset;
  const last = kids[kids.length - 1]?.position?.end.offset;
  if (first !== undefined && last !== undefined) {
    checkCell(text, first, last);
    return { text: nodeText(cell), start: first, end: last };
  }
  if (kids.length > 0) {
    // Nodes that GFM's autolink literals made (`[https://x.y/z` split around its link) carry no
    // position: the content is the cell's own span, its pipes and the spaces beside them left out.
    const { start, end } = cellContent(cell, text);
    checkCell(text, start, end);
    return { text: nodeText(cell), start, end };
  }
  let p = cell.position!.start.offset!;
  if (text[p] === '|') p++;
  if (p < cell.position!.end.offset! && text[p] === ' ') p++;
  return { text: '', start: p, end: p };
}

/** Where a cell's content lies within its own span: after its opening `|` and the spaces after it,
 * before the spaces and the unescaped `|` that close it. */
function cellContent(cell: TableCell, text: string): { start: number; end: number } {
  let start = cell.position!.start.offset!;
  let end = cell.position!.end.offset!;
  if (text[start] === '|') start++;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  if (end > start && text[end - 1] === '|' && text[end - 2] !== '\\') end--;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return { start, end };
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
  // Depth first in document order, with a stack of its own (no recursion however deep the tree).
  // Inline content (in paragraphs, headings, cells) holds no table or list item: it is not walked.
  const stack: Array<{ node: Nodes; parentTask: number }> = [{ node: tree, parentTask: -1 }];
  while (stack.length > 0) {
    const { node, parentTask } = stack.pop()!;
    if (node.type === 'table') {
      out.tables.push(tableOf(node, text));
      continue;
    }
    if (INLINE_HOLDERS.has(node.type)) continue;
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
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as Nodes, parentTask: nextParent });
  }
  return out;
}

/** Nodes whose children are inline content only: no table or list item can be inside. */
const INLINE_HOLDERS = new Set(['paragraph', 'heading', 'tableCell', 'code', 'html', 'definition']);

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

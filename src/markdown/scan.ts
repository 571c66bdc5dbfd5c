/**
 * Fast line scanner: finds GFM tables and root-level ATX headings without building a syntax tree.
 *
 * It models the block structure of CommonMark 0.31 + GFM tables only as far as it can be certain:
 * fenced and indented code, HTML blocks (kinds 1-6), ATX headings, lists, block quotes, paragraphs
 * and tables at the root, and GFM task-list items (`- [ ] T-3 Parser`, nested or not, their first
 * paragraph on one line or more). Whenever a line's meaning depends on something it does not model
 * (a table inside a list or quote, a setext heading, HTML block kind 7, tabs in indentation, link
 * definitions, code or a fence inside a task item, an indented lazy line in a task's paragraph, a
 * check box in a quote), it gives up and returns `{ fallback: reason }`, and the caller parses the
 * document with remark instead. When it does answer, the answer equals remark's; the differential
 * test checks that over real queue files and generated documents.
 *
 * Cell, heading and task text is left `null` where the inline fast path (`inline.ts`) is unsure;
 * `read.ts` fills it in from remark (for a task, with where its paragraph starts).
 */
import type { RawCell, RawHeading, RawRow, RawTable, RawTask } from './blocks.js';
import { LineIndex } from './lines.js';
import { fastInlineText } from './inline.js';
import { MAX_ROWS } from '../domain/limits.js';
import { checkCell, LimitError } from './limits.js';

/** A scan result: tables and root headings, with `text === null` where remark must decide. */
export interface ScanResult {
  tables: RawTable[];
  headings: RawHeading[];
  /** Task items, `parent` indexing this array. */
  tasks: RawTask[];
  /** Cells, headings and task paragraphs whose text the fast inline path could not decide (for a
   * task, nor whether its paragraph begins with text); `task` is the task item to set, `at` the
   * offset of the cell, heading or task item. */
  pending: Array<{ raw: string; kind: 'cell' | 'heading' | 'task'; target: { text: string | null }; task?: RawTask; at: number }>;
}

/**
 * Where the scanner gave up: `line` (0-based) could not be read with certainty. `safe` is the last
 * line before it where every block was closed (a root ATX heading, or where the scan started), and
 * `partial` is what was found before `safe`. Without `at`, the whole document needs remark.
 */
export interface ScanFallback {
  fallback: string;
  at?: { line: number; safe: number; partial: ScanResult };
}

/** The scanner's answer: the blocks it read, or where and why it gave up (remark reads from there). */
export type ScanOutcome = ScanResult | ScanFallback;

const FENCE = /^(`{3,}|~{3,})(.*)$/;
const ATX = /^(#{1,6})(?:[ \t]+|$)(.*)$/;
const THEMATIC = /^(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const SETEXT = /^(?:=+|-+)[ \t]*$/;
const BULLET = /^([-*+])(?:([ \t]+)(.*)|$)/;
const ORDERED = /^(\d{1,9})([.)])(?:([ \t]+)(.*)|$)/;
const TASK = /^\[[ xX]\](?:[ \t]|$)/;
/** A check box anywhere in a line. */
const CHECK_BOX = /\[[ xX]\]/;
/** A list item line whose content starts with a check box. */
const ITEM_TASK = /^(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\]/;
const DELIMITER_CELL = /^:?-+:?$/;
const HTML1 = /^<(?:script|pre|style|textarea)(?:[\s>]|$)/i;
const HTML6 =
  /^<\/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[\s>]|\/>|$)/i;

interface Fence {
  char: string;
  len: number;
  /** Indent of the container the fence lives in (0 at the root, the item's content indent in a list). */
  base: number;
}

function indentOf(line: string): number {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  return i;
}

/** Split a table row into cells (GFM §4.10): optional outer pipes, `\|` escapes, trimmed content. */
export function splitRow(text: string, lineStart: number, lineEnd: number): RawCell[] {
  let i = lineStart;
  while (i < lineEnd && isBlankChar(text.charCodeAt(i))) i++;
  let end = lineEnd;
  while (end > i && isBlankChar(text.charCodeAt(end - 1))) end--;
  const cells: RawCell[] = [];
  let cellStart = i;
  if (text.charCodeAt(i) === PIPE) i++;
  let contentFrom = i;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
      continue;
    }
    if (c === PIPE) {
      cells.push(cellOf(text, contentFrom, i, cellStart));
      cellStart = i;
      contentFrom = i + 1;
    }
  }
  if (contentFrom < end || cells.length === 0) cells.push(cellOf(text, contentFrom, end, cellStart));
  return cells;
}

const PIPE = 124;
const BACKSLASH = 92;

function isBlankChar(c: number): boolean {
  return c === 32 || c === 9;
}

/** The cell whose source lies in `[from, to)`, trimmed; an empty cell sits after its `|` and one space. */
function cellOf(text: string, from: number, to: number, pipeAt: number): RawCell {
  let s = from;
  let e = to;
  while (s < e && isBlankChar(text.charCodeAt(s))) s++;
  while (e > s && isBlankChar(text.charCodeAt(e - 1))) e--;
  if (s < e) return { text: text.slice(s, e), start: s, end: e };
  let p = pipeAt;
  if (text.charCodeAt(p) === PIPE) p++;
  if (text.charCodeAt(p) === 32) p++; // a lone `| ` row: its one cell sits after the space, past the trimmed end
  return { text: '', start: p, end: p };
}

function isDelimiterRow(line: string): number {
  const t = line.trim();
  if (!t.includes('-')) return 0;
  if (/^-[ \t]/.test(t)) return 0; // a list item interrupts first (micromark order)
  let body = t;
  if (body.startsWith('|')) body = body.slice(1);
  if (body.endsWith('|') && !body.endsWith('\\|')) body = body.slice(0, -1);
  const parts = body.split('|');
  for (const p of parts) if (!DELIMITER_CELL.test(p.trim())) return 0;
  if (parts.length === 1 && !t.includes('|') && !t.includes(':')) return 0;
  return parts.length;
}

function htmlKind(rest: string, inParagraph: boolean): number {
  if (HTML1.test(rest)) return 1;
  if (rest.startsWith('<!--')) return 2;
  if (rest.startsWith('<?')) return 3;
  if (/^<![A-Za-z]/.test(rest)) return 4;
  if (rest.startsWith('<![CDATA[')) return 5;
  if (HTML6.test(rest)) return 6;
  if (!inParagraph && /^<\/?[A-Za-z]/.test(rest)) return 7;
  return 0;
}

const HTML_END: Record<number, RegExp> = {
  1: /<\/(?:script|pre|style|textarea)>/i,
  2: /-->/,
  3: /\?>/,
  4: />/,
  5: /\]\]>/,
};

/**
 * Scan `text` (BOM already removed) from line `from` (0-based; a line where every block is closed:
 * the start, or a root ATX heading). Returns tables and root headings, or a {@link ScanFallback}
 * naming the first construct the scanner cannot be certain about, with what it found before the
 * last point where every block was closed. A link or footnote definition anywhere changes how
 * inline text reads everywhere, so it sends the whole document to remark (checked when `from` is 0:
 * a scan from a later line is one of the same text, after a scan from the top).
 */
export function scanBlocks(text: string, from = 0, lineIndex?: LineIndex): ScanOutcome {
  // Checked once, by the scan from the top (a later scan of the same text has had the answer).
  if (from === 0 && /\]:/.test(text)) return { fallback: 'link or footnote definition' };
  const lines = lineIndex ?? new LineIndex(text);
  const tables: RawTable[] = [];
  const headings: RawHeading[] = [];
  const pending: ScanResult['pending'] = [];
  const tasks: RawTask[] = [];
  const n = lines.count;

  let fence: Fence | null = null;
  let html = 0;
  let paragraph = false;
  let blank = true;
  let list: number[] = [];
  // The index in `tasks` of the task item each open list item is, or -1 (parallel to `list`).
  let listTasks: number[] = [];
  // The task item whose first paragraph is still open, with its lines so far ({@link OpenTask}).
  let taskPara = null as OpenTask | null;
  let quote = false;
  // micromark judges a list item after root indented code (blank lines between or not, until
  // another block starts) as if it interrupted a paragraph: `2.` and empty items are text there.
  let afterCode = false;
  let table: RawTable | null = null;
  // The last line where every block was closed, and how much had been found before it.
  let safe = from;
  let found = { tables: 0, headings: 0, pending: 0, tasks: 0 };
  let i = from;
  const fail = (fallback: string): ScanFallback => ({
    fallback,
    at: {
      line: i,
      safe,
      partial: { tables: tables.slice(0, found.tables), headings: headings.slice(0, found.headings), tasks: tasks.slice(0, found.tasks), pending: pending.slice(0, found.pending) },
    },
  });
  // Table rows, task items and headings read so far: over MAX_ROWS, the file is refused (too_large).
  let rows = 0;
  const count = (at: number) => {
    if (++rows > MAX_ROWS) throw new LimitError('too_large', at, `more than ${MAX_ROWS} table rows, task items and headings in one file: split it`, MAX_ROWS);
  };
  const inTask = () => listTasks.some((t) => t >= 0);
  /** Line `i` belongs to every open list item: each open task item now ends with its content. */
  const extendTasks = (i: number) => {
    for (const t of listTasks) if (t >= 0) tasks[t].end = lines.ends[i];
  };
  /**
   * Add the task item whose marker starts at offset `at` on line `i`, its check box `box` characters
   * further, and give its index in `tasks`; or a reason to give up when the scanner cannot read it
   * with certainty (exactly one space after the box, then text). Its text and where its paragraph
   * ends are set by {@link finishTask} once the paragraph is over.
   */
  const taskAt = (i: number, at: number, task: { box: number; checked: boolean }): number | string => {
    if (taskPara) {
      const why = finishTask();
      if (why) return why;
    }
    const box = at + task.box;
    const after = text.slice(box + 3, lines.ends[i]);
    if (after[0] !== ' ' || after.length < 2 || isBlankChar(after.charCodeAt(1))) return `task item spacing at line ${i + 1}`;
    count(at);
    let parent = -1;
    for (const x of listTasks) if (x >= 0) parent = x;
    const t: RawTask = {
      checked: task.checked,
      text: '',
      line: i + 1,
      column: at - lines.starts[i] + 1,
      start: at,
      box,
      textStart: box + 4,
      textEnd: lines.ends[i],
      end: lines.ends[i],
      parent,
    };
    taskPara = { task: t, raw: [after.slice(1)], source: [after.slice(1)], last: i, indented: false, lazyIndent: false };
    return tasks.push(t) - 1;
  };
  /**
   * Line `i` goes on with the open task paragraph, indented `extra` columns past its container's
   * content (`lazy`: a lazy line, `extra` its whole indent).
   */
  const continueTask = (i: number, extra: number, lazy = false) => {
    const open = taskPara!;
    const content = text.slice(lines.starts[i], lines.ends[i]).replace(/^[ \t]+/, '');
    if (extra > 0) open.indented = true;
    if (lazy && extra > 0) open.lazyIndent = true;
    open.raw.push(content);
    // The same line in a task item of remark's batch (`- [ ] `: content at two columns).
    open.source.push(lazy ? content : ' '.repeat(2 + extra) + content);
    open.last = i;
    open.task.textEnd = lines.ends[i];
  };
  /**
   * The open task paragraph is over: its plain text and where it starts. The fast path takes one
   * without a hard line break (two spaces or `\` at a line's end), a `|`, or a code span over lines
   * indented past their container (a code span keeps that indent): its lines joined by a space, as
   * remark's `\n` is folded. Anything else goes to remark's batch (`read.ts`) as the same lines in a
   * task item of its own; a reason to give up when even that cannot reproduce it (a lazy line that
   * is indented).
   */
  const finishTask = (): string | null => {
    const open = taskPara!;
    taskPara = null;
    const raw = open.raw.map((l) => l.replace(/[ \t]+$/, '')).join(' ');
    const hardBreak = open.raw.slice(0, -1).some((l) => / {2}$|\\$/.test(l));
    const t = hardBreak || raw.includes('|') || (open.indented && raw.includes('`')) ? null : fastInlineText(raw);
    const lead = t === null ? null : leadingNode(raw, t);
    if (t === null || lead === null) {
      if (open.lazyIndent) return `indented lazy line in task item at line ${open.task.line}`;
      pending.push({ raw: open.source.join('\n').replace(/[ \t]+$/, ''), kind: 'task', target: open.task, task: open.task, at: open.task.start });
      return null;
    }
    open.task.text = t;
    // mdast-util-gfm-task-list-item moves the paragraph's start past the box and one space only
    // when the paragraph begins with text; before code or emphasis it stays at the box.
    if (lead) open.task.textStart = open.task.box;
    return null;
  };

  const textOf = (raw: string, kind: 'cell' | 'heading', target: { text: string | null; start: number }) => {
    const t = fastInlineText(raw);
    if (t === null) pending.push({ raw, kind, target, at: target.start });
    return t;
  };
  /** Split line `i` into cells; `text` holds each cell's raw source until {@link resolveTexts}. */
  const splitLine = (i: number): RawRow => {
    const start = lines.starts[i];
    count(start);
    const end = lines.ends[i];
    let col = 1;
    while (text.charCodeAt(start + col - 1) === 32) col++;
    return { line: i + 1, column: col, start: start + col - 1, end, cells: splitRow(text, start, end) };
  };
  /** Replace raw cell source by plain text, or queue the cell for remark. A cell over the limits is
   * refused first (`too_large`, limits.ts {@link checkCell}). */
  const resolveTexts = (row: RawRow): RawRow => {
    for (let k = 0; k < row.cells.length; k++) {
      const cell = row.cells[k];
      checkCell(text, cell.start, cell.end);
      cell.text = textOf(cell.text, 'cell', cell as { text: string | null; start: number }) as string;
    }
    return row;
  };

  for (; i < n; i++) {
    // The line before did not go on with the open task paragraph: it is over.
    if (taskPara && taskPara.last < i - 1) {
      const why = finishTask();
      if (why) return fail(why);
    }
    const prevTask = taskPara !== null;
    // Fast path: inside a root table (no list, fence, HTML block or quote can be open then), a line
    // starting with `|` is always the next row; it is the line type of every big queue.
    if (table !== null && text.charCodeAt(lines.starts[i]) === PIPE) {
      const row = resolveTexts(splitLine(i));
      table.rows.push(row);
      table.end = row.end;
      blank = false;
      continue;
    }
    const line = lines.line(i);
    const isBlank = line.trim() === '';
    const ind = indentOf(line);
    if (!isBlank && /^[ ]*\t/.test(line)) return fail(`tab indentation at line ${i + 1}`);

    if (fence) {
      if (!isBlank && fence.base > 0 && ind < fence.base) return fail(`fence ended by list end at line ${i + 1}`);
      const rel = line.slice(Math.min(ind, fence.base));
      const m = /^( {0,3})(`+|~+)[ \t]*$/.exec(rel);
      if (m && m[2][0] === fence.char && m[2].length >= fence.len) fence = null;
      blank = false;
      continue;
    }
    if (html) {
      if (html >= 6) {
        if (isBlank) {
          html = 0;
          blank = true;
        }
      } else if (HTML_END[html].test(line)) {
        html = 0;
        blank = false;
      }
      continue;
    }
    if (isBlank) {
      table = null;
      paragraph = false;
      quote = false;
      blank = true;
      continue;
    }

    // Inside an open list item?
    while (list.length && ind < list[list.length - 1]) {
      // Lazy continuation, unless the line starts a block. The paragraph is in an item the line
      // does not continue, so any ordered item starts one here (`10.` too: CommonMark's "cannot
      // interrupt a paragraph" is about the paragraph the line would continue). Whether it starts a
      // block is judged inside the deepest item whose content it does reach (or the root): four
      // spaces under a two-space item are a sibling item there, not indented code.
      let k = list.length - 2;
      while (k >= 0 && list[k] > ind) k--;
      const rel = ind - (k >= 0 ? list[k] : 0);
      if (!blank && paragraph && !startsBlock(line.slice(ind), rel) && !(rel < 4 && ORDERED.test(line.slice(ind)))) break;
      list.pop();
      listTasks.pop();
      paragraph = false;
    }
    const base = list.length ? list[list.length - 1] : 0;
    if (list.length && ind >= base) {
      const rest = line.slice(base);
      const rind = indentOf(rest);
      const body = rest.slice(rind);
      if (rind >= 4) {
        if (!paragraph && body.includes('|')) return fail(`code or table in list at line ${i + 1}`);
        if (!paragraph && inTask()) return fail(`code in task item at line ${i + 1}`);
        if (prevTask) continueTask(i, rind);
        extendTasks(i);
        blank = false;
        continue;
      }
      const r = listLine(body, rind + base, paragraph, i);
      if ('fallback' in r) return fail(r.fallback);
      // An underline under the task's first line would make it a heading, not a paragraph.
      if (prevTask && SETEXT.test(body)) return fail(`setext underline in task item at line ${i + 1}`);
      if (prevTask && r.item === undefined && r.paragraph && paragraph) continueTask(i, rind);
      if (r.fence && inTask()) return fail(`fence in task item at line ${i + 1}`);
      if (r.fence) fence = { ...r.fence, base };
      extendTasks(i);
      if (r.item !== undefined) {
        const task = r.task ? taskAt(i, lines.starts[i] + base + rind, r.task) : -1;
        if (typeof task === 'string') return fail(task);
        list.push(r.item);
        listTasks.push(task);
      }
      if (body.includes('|') && i + 1 < n && isDelimiterRow(lines.line(i + 1))) return fail(`table in list at line ${i + 1}`);
      paragraph = r.paragraph;
      blank = false;
      continue;
    }
    if (list.length && ind < base && paragraph && !blank) {
      // lazy paragraph continuation inside a list item
      if (line.includes('|')) return fail(`pipe in lazy list line ${i + 1}`);
      // micromark reads the line after a lazy `<tag>` line as a new root paragraph, not lazily.
      if (line.trimStart().startsWith('<')) return fail(`HTML in lazy list line ${i + 1}`);
      if (prevTask) continueTask(i, ind, true);
      extendTasks(i);
      blank = false;
      continue;
    }

    // Root level.
    const body = line.slice(ind);
    if (table) {
      if (ind >= 4) return fail(`indented line after table row at line ${i + 1}`);
      if (ATX.test(body)) table = null;
      else if (body.startsWith('>') || BULLET.test(body) || ORDERED.test(body) || FENCE.test(body) || body.startsWith('<') || THEMATIC.test(body))
        return fail(`block start after table at line ${i + 1}`);
      else {
        const row = resolveTexts(splitLine(i));
        table.rows.push(row);
        table.end = row.end;
        blank = false;
        continue;
      }
    }
    if (ind >= 4) {
      if (!paragraph && !quote) {
        blank = false;
        afterCode = true;
        continue; // indented code
      }
      if (line.includes('|')) return fail(`indented pipe line at ${i + 1}`);
      blank = false;
      continue;
    }
    if (quote && !body.startsWith('>') && !blank && paragraph && !startsBlock(body, ind)) {
      if (body.includes('|')) return fail(`lazy quote line with pipe at ${i + 1}`);
      if (CHECK_BOX.test(body)) return fail(`check box in lazy quote line at ${i + 1}`);
      continue;
    }
    quote = false;
    const interrupt = paragraph || afterCode;
    afterCode = false;
    const h = ATX.exec(body);
    if (h) {
      // Every block is closed here: a later fallback can hand remark the text from this line on.
      if (taskPara) {
        const why = finishTask();
        if (why) return fail(why);
      }
      safe = i;
      found = { tables: tables.length, headings: headings.length, pending: pending.length, tasks: tasks.length };
      let content = h[2];
      content = content.replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      if (/^#+$/.test(content)) content = '';
      count(lines.starts[i] + ind);
      const heading: RawHeading = { depth: h[1].length, text: '', line: i + 1, start: lines.starts[i] + ind };
      heading.text = textOf(content, 'heading', heading as { text: string | null; start: number }) as string;
      headings.push(heading);
      paragraph = false;
      blank = false;
      continue;
    }
    if (paragraph && SETEXT.test(body)) return fail(`setext heading at line ${i + 1}`);
    const f = FENCE.exec(body);
    if (f && !(f[1][0] === '`' && f[2].includes('`'))) {
      fence = { char: f[1][0], len: f[1].length, base: 0 };
      paragraph = false;
      blank = false;
      continue;
    }
    if (body.startsWith('<')) {
      const k = htmlKind(body, paragraph);
      if (k === 7) return fail(`HTML block at line ${i + 1}`);
      if (k) {
        html = k;
        if (k < 6 && HTML_END[k].test(body.slice(k === 4 ? 2 : 0))) html = 0;
        paragraph = false;
        blank = false;
        continue;
      }
    }
    if (THEMATIC.test(body)) {
      paragraph = false;
      blank = false;
      continue;
    }
    if (body.startsWith('>')) {
      if (body.includes('|') || /^>[ ]?(?:`{3}|~{3})/.test(body)) return fail(`pipe or fence in quote at line ${i + 1}`);
      // A list in a quote can hold task items, which the scanner does not read there.
      if (CHECK_BOX.test(body)) return fail(`check box in quote at line ${i + 1}`);
      quote = true;
      paragraph = true;
      blank = false;
      continue;
    }
    // After root indented code micromark sometimes lets a `2.` or empty item start a list and
    // sometimes not (a list before the code changes it): a task there is left to remark.
    if (interrupt && !paragraph && ITEM_TASK.test(body)) return fail(`task item after indented code at line ${i + 1}`);
    const r = listLine(body, ind, interrupt, i);
    if ('fallback' in r) return fail(r.fallback);
    if (r.item !== undefined) {
      if (r.fence) fence = { ...r.fence, base: r.item };
      const task = r.task ? taskAt(i, lines.starts[i] + ind, r.task) : -1;
      if (typeof task === 'string') return fail(task);
      list = [r.item];
      listTasks = [task];
      paragraph = r.paragraph;
      blank = false;
      continue;
    }
    // Table header?
    if (i + 1 < n) {
      const delims = isDelimiterRow(lines.line(i + 1));
      if (delims) {
        const header = splitLine(i);
        if (header.cells.length === delims && indentOf(lines.line(i + 1)) < 4) {
          table = { header: resolveTexts(header), rows: [], start: header.start, end: lines.ends[i + 1] };
          tables.push(table);
          i++;
          paragraph = false;
          blank = false;
          continue;
        }
      }
    }
    paragraph = true;
    blank = false;
  }
  if (taskPara) {
    const why = finishTask();
    if (why) return fail(why);
  }
  return { tables, headings, tasks, pending };
}

/**
 * Whether inline content `raw` (whose plain text the fast path gave as `plain`) begins with a node
 * other than text: true for a code span or `**` emphasis that formed at its start, false for text,
 * null when that cannot be told for certain here (a lone `*`, `_`, `~`, `<`, `[`, `!` first, an
 * autolink literal or an email address as its first word, a code span whose content starts with a
 * backtick).
 */
function leadingNode(raw: string, plain: string): boolean | null {
  const word = raw.split(/[ \t]/, 1)[0];
  if (word.includes('@') || word.includes('://') || /^www\./i.test(word)) return null;
  if (raw.startsWith('`')) {
    if (!plain.startsWith('`')) return true; // a code span formed at the start
    return raw.indexOf('`', 1) === -1 ? false : null; // a lone backtick is text
  }
  if (raw.startsWith('**')) return plain.startsWith('**') ? null : true;
  if (/^[*_~<[!]/.test(raw)) return null;
  return false;
}

/** A task item whose first paragraph is still being read: its lines so far (the indent a paragraph
 * drops removed) and the index of the last. */
interface OpenTask {
  task: RawTask;
  raw: string[];
  last: number;
  /** The same lines as remark's batch gets them, in a task item of its own (`scan.ts` continueTask). */
  source: string[];
  /** Some line after the first was indented beyond its container's content (or lazily, at all). */
  indented: boolean;
  /** A lazy line was indented: remark's batch cannot reproduce that. */
  lazyIndent: boolean;
}

/** Does `body` (indent already removed) start a block that can interrupt a paragraph? */
function startsBlock(body: string, ind: number): boolean {
  if (ind >= 4) return false;
  if (ATX.test(body) || FENCE.test(body) || body.startsWith('>') || THEMATIC.test(body)) return true;
  if (BULLET.test(body)) return true;
  const o = ORDERED.exec(body);
  if (o && o[1] === '1') return true;
  if (body.startsWith('<') && htmlKind(body, true)) return true;
  return false;
}

/** Classify a line that may start a list item; `item` is the new item's content indent. */
function listLine(
  body: string,
  ind: number,
  paragraph: boolean,
  i: number,
): { item?: number; paragraph: boolean; fence?: { char: string; len: number }; task?: { box: number; checked: boolean } } | { fallback: string } {
  if (THEMATIC.test(body)) return { paragraph: false };
  const b = BULLET.exec(body);
  const o = b ? null : ORDERED.exec(body);
  const marker = b ? b[1] : o ? o[1] + o[2] : null;
  const spaces = b ? b[2] : o ? o[3] : undefined;
  const content = b ? b[3] : o ? o[4] : undefined;
  if (marker === null) {
    if (ATX.test(body) || body.startsWith('>') || body.startsWith('<')) return { fallback: `block in list at line ${i + 1}` };
    const f = FENCE.exec(body);
    if (f && !(f[1][0] === '`' && f[2].includes('`'))) return { paragraph: false, fence: { char: f[1][0], len: f[1].length } };
    return { paragraph: true };
  }
  const empty = content === undefined || content.trim() === '';
  if (paragraph && (empty || (o && o[1] !== '1'))) return { paragraph: true };
  if (spaces?.includes('\t')) return { fallback: `tab after list marker at line ${i + 1}` };
  const w = empty ? 1 : spaces!.length >= 5 ? 1 : spaces!.length;
  const item = ind + marker.length + w;
  const inner = empty ? '' : spaces!.length >= 5 ? body.slice(marker.length + 1) : content!;
  // A task item: its check box is where the content starts (`box` characters after the marker's).
  if (TASK.test(inner)) return { item, paragraph: true, task: { box: marker.length + spaces!.length, checked: inner[1] !== ' ' } };
  if (/^(?:`{3}|~{3}|>|<|#|[-*+][ \t]|\d{1,9}[.)][ \t]|\|)/.test(inner) || /^ {4}/.test(inner)) return { fallback: `nested block in list item at line ${i + 1}` };
  return { item, paragraph: !empty };
}

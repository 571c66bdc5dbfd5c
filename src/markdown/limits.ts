/**
 * Checking a document against the limits of `domain/limits.ts` before the work they bound: the
 * nesting of every line before any reader sees it, each table cell as it is split, and the full
 * parser's budget before remark is handed any text. Over a limit, a {@link LimitError} names the
 * offset of the construct; `read/queue.ts` turns it into QueueError `too_large` or `too_deep` at the
 * file's line and column. Every check here is one linear pass without recursion.
 */
import { QueueError } from '../domain/errors.js';
import { MARK_COST, MAX_CELL_CHARS, MAX_CELL_LINKS, MAX_DEPTH, PARSE_BUDGET } from '../domain/limits.js';
import { LineIndex } from './lines.js';

/** A document over a limit: the code, the offset (into the BOM-less text) of the construct, the limit. */
export class LimitError extends Error {
  constructor(
    readonly code: 'too_large' | 'too_deep',
    readonly offset: number,
    message: string,
    readonly limit: number,
  ) {
    super(message);
  }

  /** The same error for a text that starts `by` characters further into the document. */
  shifted(by: number): LimitError {
    return new LimitError(this.code, this.offset + by, this.message, this.limit);
  }

  /** QueueError `too_large` or `too_deep` at `file:line:column` of the offset in `text`, with `limit`. */
  toQueueError(text: string, file: string): QueueError {
    const { line, column } = new LineIndex(text).locate(this.offset);
    return new QueueError(this.code, `${file}:${line}:${column}: ${this.message}`, { file, line, column, limit: this.limit });
  }
}

const SPACE = 32;
const TAB = 9;
const GT = 62;

/** Whether the character at `i` ends a list marker: a space, a tab, or the end of the line. */
function endsMarker(text: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = text.charCodeAt(i);
  return c === SPACE || c === TAB;
}

/**
 * Refuse a line whose block nesting could exceed {@link MAX_DEPTH} (`too_deep`). Every block quote,
 * list item and footnote definition is opened on a line that starts with its marker, so only lines
 * starting with markers are judged: one level for each `>`, list marker (`-`, `*`, `+`, `1.`, `1)`)
 * or footnote label (`[^a]:`), and one for every two columns of other indentation among them (the
 * space after a marker belongs to it).
 * Lines without a marker nest no deeper than the line that opened their containers.
 */
export function checkDepth(text: string, lines: LineIndex): void {
  const { starts, ends } = lines;
  for (let k = 0; k < starts.length; k++) {
    let i = starts[k];
    const end = ends[k];
    const first = text.charCodeAt(i);
    // The common lines (table rows, text, headings) cannot start a container.
    if (first !== SPACE && first !== TAB && first !== GT && first !== 45 && first !== 42 && first !== 43 && first !== 91 && !(first >= 48 && first <= 57)) continue;
    let markers = 0;
    let columns = 0;
    let afterMarker = false;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        const w = c === TAB ? 4 - (columns % 4) : 1;
        if (afterMarker) afterMarker = false;
        else columns += w;
        i++;
        continue;
      }
      let width = 0;
      if (c === GT) width = 1;
      else if ((c === 45 || c === 42 || c === 43) && endsMarker(text, i + 1, end)) width = 1;
      else if (c >= 48 && c <= 57) {
        let j = i;
        while (j < end && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        const d = text.charCodeAt(j);
        if ((d === 46 || d === 41) && endsMarker(text, j + 1, end)) width = j + 1 - i;
      } else if (c === 91 && text.charCodeAt(i + 1) === 94) {
        // A footnote definition (`[^label]:`, GFM) is a container too: its content may open another.
        const close = text.indexOf(']', i + 2);
        if (close !== -1 && close < end && text.charCodeAt(close + 1) === 58) width = close + 2 - i;
      }
      if (width === 0) break;
      markers++;
      if (markers + (columns >> 1) > MAX_DEPTH) {
        throw new LimitError('too_deep', i, `lists, block quotes and footnotes nested more than ${MAX_DEPTH} deep`, MAX_DEPTH);
      }
      i += width;
      afterMarker = true;
    }
  }
}

/**
 * Refuse a table cell whose content `[start, end)` is longer than {@link MAX_CELL_CHARS} or holds
 * more than {@link MAX_CELL_LINKS} links (`too_large`).
 */
export function checkCell(text: string, start: number, end: number): void {
  if (end - start > MAX_CELL_CHARS) {
    throw new LimitError('too_large', start, `a table cell of ${end - start} characters: the limit is ${MAX_CELL_CHARS}`, MAX_CELL_CHARS);
  }
  if (end - start <= MAX_CELL_LINKS) return;
  let links = 0;
  for (let i = text.indexOf('[', start); i !== -1 && i < end; i = text.indexOf('[', i + 1)) {
    if (++links > MAX_CELL_LINKS) throw new LimitError('too_large', start, `a table cell with more than ${MAX_CELL_LINKS} links: the limit is ${MAX_CELL_LINKS}`, MAX_CELL_LINKS);
  }
}

/** Emphasis and link marks, whose count in one inline stretch costs remark its square. */
function isMark(c: number): boolean {
  return c === 42 || c === 95 || c === 126 || c === 91 || c === 93; // * _ ~ [ ]
}

/** Where the code span opening with the backtick run at `i` ends (before `to`), or the end of the run when none closes it. */
function codeSpanEnd(text: string, i: number, to: number): number {
  let n = 1;
  while (i + n < to && text.charCodeAt(i + n) === 96) n++;
  for (let j = text.indexOf('`', i + n); j !== -1 && j < to; ) {
    let m = 1;
    while (j + m < to && text.charCodeAt(j + m) === 96) m++;
    if (m === n) return j + m;
    j = text.indexOf('`', j + m);
  }
  return i + n;
}

/** CommonMark's Unicode whitespace (NaN: the edge of the text, which counts as whitespace). */
const isSpace = (c: number) => Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 12 || c === 13 || (c > 127 && /\p{Zs}/u.test(String.fromCodePoint(c)));
/** CommonMark's Unicode punctuation: ASCII punctuation, and the P and S categories. */
const isPunct = (c: number) =>
  (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126) || (c > 127 && /[\p{P}\p{S}]/u.test(String.fromCodePoint(c)));

/** The code point that ends just before `i` (a surrogate pair read whole), or NaN at `from`. */
function pointBefore(text: string, i: number, from: number): number {
  if (i <= from) return Number.NaN;
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i - 2 >= from ? text.codePointAt(i - 2)! : c;
}

/** A run of delimiters that may still open, on {@link InlineNesting}'s stack. */
interface Opener {
  kind: number;
  /** Characters of the run not yet used by a closer. */
  left: number;
  /** The deepest nesting of the pairs formed inside it so far. */
  inner: number;
}

/**
 * How deep emphasis, strikethrough and links nest in one inline stretch, estimated without a parse
 * (CommonMark's delimiter stack in brief), and its marks counted. Runs of `*`, `_` and `~` open or
 * close by the flanking rules; a closer takes the nearest opener of its kind (`]` the nearest `[`),
 * the openers above it are dropped, and each pair formed nests one level (two characters of a run
 * make one level, as `**` does) deeper than the deepest pair formed inside its opener. Code spans
 * on one line are literal. Pairs nest where remark's do, apart from the rare closer its rule of
 * three turns away; the stack stays flat whatever the input (remark's own stack overflow is caught
 * by `read.ts` all the same).
 */
class InlineNesting {
  private stack: Opener[] = [];
  private kinds: Record<number, number> = { 42: 0, 95: 0, 126: 0, 91: 0 };
  marks = 0;

  reset(): void {
    this.stack = [];
    this.kinds = { 42: 0, 95: 0, 126: 0, 91: 0 };
    this.marks = 0;
  }

  /** Drop the top opener, handing its depth on to the one below. */
  private drop(): void {
    const top = this.stack.pop()!;
    this.kinds[top.kind]--;
    const below = this.stack[this.stack.length - 1];
    if (below && top.inner > below.inner) below.inner = top.inner;
  }

  /** A closer of `kind`, `n` characters long, at `offset`: the pairs it forms, checked against {@link MAX_DEPTH}. */
  private close(kind: number, n: number, offset: number): number {
    let rest = n;
    while (rest > 0 && this.kinds[kind] > 0) {
      while (this.stack[this.stack.length - 1].kind !== kind) this.drop();
      const o = this.stack[this.stack.length - 1];
      const used = Math.min(rest, o.left);
      const depth = o.inner + Math.ceil(used / 2);
      if (depth > MAX_DEPTH) throw new LimitError('too_deep', offset, `emphasis and links nested more than ${MAX_DEPTH} deep`, MAX_DEPTH);
      rest -= used;
      o.left -= used;
      o.inner = depth;
      if (o.left === 0) this.drop();
    }
    return rest;
  }

  /**
   * Go on over `text[from, to)` (one line, or a snippet); `too_deep` at the closer that would nest
   * deeper than {@link MAX_DEPTH}, its offset mapped to the document's by `at` (for a snippet).
   */
  feed(text: string, from: number, to: number, at: (offset: number) => number = (o) => o): void {
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) {
        if (isMark(text.charCodeAt(i + 1))) this.marks++;
        i++; // an escaped character is never a delimiter
        continue;
      }
      if (c === 96) {
        // A code span (closed on the same line by a run of as many backticks) is literal: its marks
        // cost, but never open or close.
        const end = codeSpanEnd(text, i, to);
        for (let j = i; j < end; j++) if (isMark(text.charCodeAt(j))) this.marks++;
        i = end - 1;
        continue;
      }
      if (!isMark(c)) continue;
      this.marks++;
      if (c === 91) {
        this.stack.push({ kind: 91, left: 1, inner: 0 });
        this.kinds[91]++;
        continue;
      }
      if (c === 93) {
        this.close(91, 1, at(i));
        continue;
      }
      let n = 1;
      while (i + n < to && text.charCodeAt(i + n) === c) n++;
      this.marks += n - 1;
      const before = pointBefore(text, i, from);
      const after = i + n < to ? text.codePointAt(i + n)! : Number.NaN;
      const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
      const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
      const canOpen = c === 95 ? left && (!right || isPunct(before)) : left;
      const canClose = c === 95 ? right && (!left || isPunct(after)) : right;
      const rest = canClose ? this.close(c, n, at(i)) : n;
      if (canOpen && rest > 0) {
        this.stack.push({ kind: c, left: rest, inner: 0 });
        this.kinds[c]++;
      }
      i += n - 1;
    }
  }
}

/** An ATX heading within three spaces of the margin: it ends any paragraph and is one line. */
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
/** A bullet item with content, or an ordered one numbered 1: either interrupts any paragraph. */
const ITEM = /^ {0,3}(?:[-*+]|1[.)])[ \t]+\S/;
/**
 * A line that may start a block other than a table row, which ends a table: indented code, a quote,
 * a heading, HTML, a list item, a fence, a thematic break or a setext underline.
 */
const BLOCK = /^(?: {4}| {0,3}(?:[>#<]|[-*+](?:[ \t]|$)|\d{1,9}[.)]|`{3}|~{3}|([-*_])(?:[ \t]*\1){2,}[ \t]*$|=+[ \t]*$))/;

/** The cells of a table row line (outer pipes optional, `\|` escaped): how many. */
function cellCount(line: string): number {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  let n = 1;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\\') i++;
    else if (t[i] === '|') n++;
  }
  return n;
}

/** A GFM delimiter row (`| --- | :-: |`): its cell count, or 0. */
function delimiterCells(line: string): number {
  const t = line.trim();
  if (!t.includes('-') || !/^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$/.test(t)) return 0;
  return cellCount(t);
}

/**
 * The cost of handing `text` to remark in units of the {@link PARSE_BUDGET}: its length, plus for
 * each stretch that remark's inline parser may read as one (a paragraph, a heading, a table row)
 * the square of its marks over {@link MARK_COST}. The stretches are found without parsing, so they
 * may be longer than remark's, never shorter: a blank line ends one, and so do the lines that start
 * a heading, a list item or (after a blank line or a plain paragraph at the margin) a table, whose
 * rows are one stretch each. Returns the cost and the offset of the costliest stretch.
 */
export function parseCost(text: string, lines: LineIndex, from = 0, to = lines.count): { cost: number; at: number } {
  let cost = lines.ends[to - 1] - lines.starts[from];
  let worst = -1;
  let at = lines.starts[from];
  let chunk = -1; // the line the open stretch started on, or -1
  let plain = false; // the open stretch is a paragraph at the margin, outside any container
  const inline = new InlineNesting();
  let table = -1; // the indentation of the open table's header, or -1
  const close = (start: number) => {
    const marks = inline.marks;
    if (chunk !== -1 && marks > 0) {
      const c = (marks * marks) / MARK_COST;
      cost += c;
      if (c > worst) {
        worst = c;
        at = start;
      }
    }
    chunk = -1;
    inline.reset();
  };
  for (let k = from; k < to; k++) {
    const s = lines.starts[k];
    const e = lines.ends[k];
    const line = lines.line(k);
    if (line.trim() === '') {
      close(lines.starts[chunk === -1 ? k : chunk]);
      table = -1;
      continue;
    }
    const indent = /^ */.exec(line)![0].length;
    if (table !== -1) {
      if (indent >= table && indent <= 3 && !BLOCK.test(line)) {
        // A row: its cells are read on their own.
        chunk = k;
        inline.feed(text, s, e);
        close(s);
        continue;
      }
      table = -1;
    }
    const lineStarts = ATX.test(line) || ITEM.test(line);
    const next = k + 1 < to ? lines.line(k + 1) : '';
    const header = indent <= 3 && (chunk === -1 || plain) && line.includes('|') && delimiterCells(next) !== 0 && delimiterCells(next) === cellCount(line);
    if (lineStarts || header) close(lines.starts[chunk === -1 ? k : chunk]);
    if (header) {
      chunk = k;
      inline.feed(text, s, e);
      close(s);
      table = indent;
      k++; // the delimiter row: no marks
      continue;
    }
    if (chunk === -1) {
      chunk = k;
      plain = indent === 0 && !lineStarts && !line.startsWith('>');
    } else if (/^ {0,3}>/.test(line)) plain = false;
    inline.feed(text, s, e);
    if (ATX.test(line)) close(s);
  }
  close(lines.starts[chunk === -1 ? to - 1 : chunk]);
  return { cost, at };
}

/** What remark may still spend on one document: {@link PARSE_BUDGET} units, drawn down by each text handed to it. */
export class ParseBudget {
  private left = PARSE_BUDGET;

  /**
   * Draw `cost` ({@link parseCost}, {@link snippetCost}) from the budget; `too_large` at its costliest
   * stretch when the budget is spent. `why` says what sent the text to remark.
   */
  charge(cost: { cost: number; at: number }, why: string): void {
    this.left -= cost.cost;
    if (this.left < 0) {
      throw new LimitError(
        'too_large',
        cost.at,
        `too costly to read: ${why} needs the full Markdown parser, and the file is over its budget of ${PARSE_BUDGET} units (a unit is a character; a paragraph, heading or table row also costs the square of its * _ ~ [ ] marks over ${MARK_COST}); split the file or simplify the Markdown from here`,
        PARSE_BUDGET,
      );
    }
  }
}

/**
 * The cost of one inline snippet (a cell, a heading's or a task's text, at `offset` in the
 * document) read by remark on its own, as {@link parseCost} counts it; `too_deep` at `offset` when
 * its emphasis and links could nest deeper than {@link MAX_DEPTH}.
 */
export function snippetCost(raw: string, offset: number): { cost: number; at: number } {
  const inline = new InlineNesting();
  inline.feed(raw, 0, raw.length, () => offset);
  return { cost: raw.length + (inline.marks * inline.marks) / MARK_COST, at: offset };
}

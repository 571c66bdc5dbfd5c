/**
 * Surgical edits: replace byte ranges of a document and leave every other character as it
 * was: line endings, padding, emoji, trailing spaces, a missing final newline. Pure.
 *
 * Offsets are UTF-16 indices into the BOM-less text that the reader produced (`read/queue.ts`);
 * {@link applyEdits} works on that text, and the caller puts the BOM back when writing.
 */
import { QueueError } from '../domain/errors.js';

/** Replace `[start, end)` by `text`. `start === end` inserts. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Apply edits to `text`. Edits may come in any order; they must not overlap (two edits at the same
 * insertion point keep their given order). Throws {@link QueueError} `invalid` on overlap or on an
 * offset outside the text: a caller bug, never a partial write.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const { e } of sorted) {
    if (e.start < at || e.end < e.start || e.end > text.length) {
      throw new QueueError('invalid', `overlapping or out-of-range edit [${e.start}, ${e.end}) in a text of ${text.length} characters`);
    }
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** Display width of a string in columns, as an editor shows it. */
export type Width = (s: string) => number;

/** Printable ASCII only: one column per character, so the width is the length. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * The width measure {@link keepPadding} needs for `edits` of `src`: string-width (emoji and CJK take
 * two columns, zero-width joiners none) where an edit changes a padded cell (one followed by two
 * spaces or more, then `|`) and either text is more than printable ASCII, or an inner edit (a mark
 * beside a reference) may be padded for, else the length: keepPadding leaves an edit of an unpadded
 * cell as it is, whatever the widths. string-width is loaded only when needed: loading it and
 * building its segmenter costs 10-20 ms.
 */
export async function widthFor(src: string, edits: readonly Edit[]): Promise<Width> {
  const padded = (e: Edit) => e.start !== e.end && !inner(src, e) && (padding(src, e.end) ?? 0) > 1;
  // An inner edit keepPadding may pad its cell for: in a padded cell, or beside a shrinking edit
  // (a mark removed; the row and the table's head are measured then too).
  const shrinks = edits.some((e) => e.text.length < e.end - e.start);
  const innerPadded = (e: Edit) => inner(src, e) && ((closing(src, e.end)?.spaces ?? 0) > 1 || shrinks);
  if (edits.some(innerPadded)) return (await import('string-width')).default;
  // A shorter text in a cell with one space before its `|` is padded to where the table closes the
  // cell (keepPadding), measured over the table's lines.
  const realigned = (e: Edit) => {
    if (e.start === e.end || e.text.length >= e.end - e.start || padding(src, e.end) !== 1) return false;
    const lineStart = src.lastIndexOf('\n', e.start - 1) + 1;
    const lines = alignmentLines(src, lineStart);
    const own = src.slice(lineStart, src.indexOf('\n', e.start) === -1 ? src.length : src.indexOf('\n', e.start));
    return lines !== null && !(PLAIN.test(own) && PLAIN.test(e.text) && lines.every((l) => PLAIN.test(l)));
  };
  // Rows appended to an aligned table are laid out in its columns, measured over its head and last rows.
  const appended = (e: Edit) => {
    if (!appendsRows(src, e)) return false;
    const table = tableLines(src, src.lastIndexOf('\n', e.start - 1) + 1);
    return table !== null && !(PLAIN.test(e.text.replace(/[\r\n]/g, '')) && table.every((l) => PLAIN.test(l)));
  };
  if (edits.every((e) => (!padded(e) || (PLAIN.test(e.text) && PLAIN.test(src.slice(e.start, e.end)))) && !realigned(e) && !appended(e))) return (s) => s.length;
  return (await import('string-width')).default;
}

/** Whether `e` stays within one table cell: no line break or `|` in what it writes or replaces,
 * and a `|` before it on its line. */
function inCell(src: string, e: Edit): boolean {
  if (/[\n\r|]/.test(e.text) || /[\n\r|]/.test(src.slice(e.start, e.end))) return false;
  const lineStart = src.lastIndexOf('\n', e.start - 1) + 1;
  return src.slice(lineStart, e.start).includes('|');
}

/** Whether `e` is an edit {@link keepPadding} pads at its cell's closing `|` rather than right after
 * it: an insertion, a deletion, or an edit that more of the cell's text follows (` ✅` added beside
 * a reference, or removed), within one table cell ({@link inCell}). */
const inner = (src: string, e: Edit): boolean => (e.start === e.end || e.text === '' || padding(src, e.end) === null) && inCell(src, e);

/** The `|` that closes the table cell holding offset `at` of `src` (the first unescaped one after it
 * on its line) and the spaces right before it; null when none does. */
function closing(src: string, at: number): { pipe: number; spaces: number } | null {
  for (let i = at; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 13) return null;
    if (c === 124 && !escapedAt(src, i)) {
      let spaces = 0;
      while (i - spaces - 1 >= at && src.charCodeAt(i - spaces - 1) === 32) spaces++;
      return { pipe: i, spaces };
    }
  }
  return null;
}

/** The spaces between offset `end` of `src` and the `|` that follows them, or null when no `|` does. */
function padding(src: string, end: number): number | null {
  let p = end;
  while (src.charCodeAt(p) === 32) p++;
  return src.charCodeAt(p) === 124 ? p - end : null;
}

/**
 * Keep an aligned table aligned, on the edited row only (widths by `width`, from {@link widthFor}).
 * For each edit of a cell's content that ends where its padding starts:
 * - growing text first consumes the cell's trailing padding (keeping one space before the `|`);
 * - shrinking text is padded back to the old width, but only when the cell was padded already (more
 *   than one space before its `|`), so unaligned tables stay unpadded; a cell that an earlier write
 *   overflowed (one space before its `|`, where the table's header, delimiter row and nearest rows
 *   all close it further right, at one column) is padded back to that column.
 * Insertions, deletions and edits followed by more of the cell's text (a done mark added beside a
 * reference, or removed) are summed per cell with the cell's other edits. Where the table's header
 * and delimiter rows close the cell at one column and the cell closes there (once the edits before
 * it on the row are made), a growth that fits in its padding whole (one space kept) is taken from
 * it, and a shrink is padded back: the same edits undone give the bytes back. Rows appended after a
 * table's last line are laid out in its columns ({@link alignAppended}). Other edits are returned
 * unchanged. `src` is the text the edits apply to.
 */
export function keepPadding(src: string, edits: readonly Edit[], width: Width): Edit[] {
  // The cells holding an inner edit, by their closing `|`: every edit of such a cell is summed, and
  // the cell's padding takes up the sum once.
  const cells = new Map<number, { spaces: number; delta: number; first: number }>();
  const closes = edits.map((e) => (inCell(src, e) ? closing(src, e.end) : null));
  edits.forEach((e, k) => {
    const close = closes[k];
    if (close && inner(src, e) && e.end <= close.pipe - close.spaces)
      cells.set(close.pipe, { spaces: close.spaces, delta: 0, first: Math.min(e.start, cells.get(close.pipe)?.first ?? e.start) });
  });
  const out = edits.map((e, k) => {
    if (appendsRows(src, e)) return alignAppended(src, e, width);
    const delta = width(e.text) - width(src.slice(e.start, e.end));
    const cell = closes[k] ? cells.get(closes[k].pipe) : undefined;
    if (cell) {
      cell.delta += delta;
      return e;
    }
    if (delta === 0 || inner(src, e)) return e;
    const spaces = padding(src, e.end);
    if (spaces === null) return e;
    if (delta > 0) return { start: e.start, end: e.end + Math.min(delta, Math.max(0, spaces - 1)), text: e.text };
    if (spaces > 1) return { start: e.start, end: e.end, text: e.text + ' '.repeat(-delta) };
    const lineStart = src.lastIndexOf('\n', e.start - 1) + 1;
    const before = width(`${src.slice(lineStart, e.start)}${e.text} `);
    const aligned = neighbourPipe(src, lineStart, e.end + spaces, width);
    return aligned !== null && aligned > before ? { start: e.start, end: e.end, text: e.text + ' '.repeat(aligned - before) } : e;
  });
  for (const [pipe, { spaces, delta, first }] of cells) {
    if (delta === 0 || out.some((e) => e.end > pipe - spaces && e.start <= pipe && !(e.start === e.end && e.start === pipe - spaces))) continue;
    // Only in a table whose header and delimiter rows close the cell at one column, for a cell closed
    // at that column, and so that the same edits undone give the bytes back: it takes a growth that
    // fits in its padding whole (one space kept), and is padded for a shrink.
    const lineStart = src.lastIndexOf('\n', pipe - 1) + 1;
    const column = headerPipe(src, lineStart, pipe, width);
    if (column === null) continue;
    // Where the cell's `|` stands once the edits of the cells before it on the row are made.
    let at = width(src.slice(lineStart, pipe));
    for (const o of out) if (o.start >= lineStart && o.start < first && o.end <= first) at += width(o.text) - width(src.slice(o.start, o.end));
    if (at !== column) continue;
    if (delta > 0 && spaces - 1 >= delta) out.push({ start: pipe - delta, end: pipe, text: '' });
    else if (delta < 0) out.push({ start: pipe, end: pipe, text: ' '.repeat(-delta) });
  }
  return out;
}

/** Whether the character at offset `i` of `s` is escaped: an odd run of backslashes before it
 * (`\|` is escaped, `\\|` is a backslash and a `|`). */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  while (i - n - 1 >= 0 && s.charCodeAt(i - n - 1) === 92) n++;
  return n % 2 === 1;
}

/** {@link pipes} of the line of `src` starting at `lineStart`, its line end left out. */
function rowPipes(src: string, lineStart: number): number[] {
  const lineEnd = src.indexOf('\n', lineStart);
  return pipes(src.slice(lineStart, lineEnd === -1 ? src.length : lineEnd).replace(/\r$/, ''));
}

/** The `|`s of a table row, as offsets into `line`: every `|` but an escaped one (`\|`). */
function pipes(line: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 124 && !escapedAt(line, i)) out.push(i);
  return out;
}

/**
 * The lines that say where the table around the row starting at `lineStart` closes its cells: its
 * header row, its delimiter row and the table rows nearest the row (up to two, above then below,
 * never past the table). Null when the row is the header or the delimiter.
 */
function alignmentLines(src: string, lineStart: number): string[] | null {
  const head = tableHead(src, lineStart);
  if (!head) return null;
  const { first, second, lineAt, isRow, up, down } = head;
  const near: number[] = [];
  for (const step of [up, down]) {
    for (let at = step(lineStart), n = 0; at !== -1 && n < 2 && at !== first && at !== second && isRow(lineAt(at)); at = step(at), n++) near.push(at);
  }
  near.sort((a, b) => Math.abs(a - lineStart) - Math.abs(b - lineStart));
  return [lineAt(first), lineAt(second), ...near.slice(0, 2).map(lineAt)];
}

/** The header row and delimiter row (offsets of their lines) of the table around the row starting at
 * `lineStart` of `src`, with the line helpers that found them; null when the row is one of them
 * (with `delimiter`, only when it is the header: the table's last line may be its delimiter row). */
function tableHead(src: string, lineStart: number, delimiter = false) {
  const lineAt = (start: number): string => {
    const end = src.indexOf('\n', start);
    return src.slice(start, end === -1 ? src.length : end).replace(/\r$/, '');
  };
  const isRow = (line: string) => /^\s*\|/.test(line);
  const up = (start: number) => (start > 0 ? src.lastIndexOf('\n', start - 2) + 1 : -1);
  const down = (start: number) => {
    const nl = src.indexOf('\n', start);
    return nl === -1 || nl + 1 >= src.length ? -1 : nl + 1;
  };
  let first = lineStart;
  for (let at = up(first); at !== -1 && isRow(lineAt(at)); at = up(at)) first = at;
  const second = down(first);
  if (first === lineStart || second === -1 || (second === lineStart && !delimiter)) return null;
  return { first, second, lineAt, isRow, up, down };
}

/**
 * Whether `e` appends rows after a table's last line (`queue add`'s row, a Completed log's rows):
 * an insertion at the end of a line that starts with `|`, made of a line ending then a line starting
 * with `|`, once or more.
 */
function appendsRows(src: string, e: Edit): boolean {
  if (e.start !== e.end || e.start === 0 || !/^\r?\n\|/.test(e.text)) return false;
  const next = src.charCodeAt(e.start);
  if (e.start < src.length && next !== 10 && next !== 13) return false;
  if (src.charCodeAt(src.lastIndexOf('\n', e.start - 1) + 1) !== 124) return false;
  const parts = e.text.split(/\r?\n/);
  return parts[0] === '' && parts.slice(1).every((r) => r.charCodeAt(0) === 124);
}

/**
 * The lines that say how the table whose last line starts at `lastStart` lays out its columns: its
 * header row, its delimiter row and its last rows (up to two, last first). Null when that line is
 * no table's, or is its header.
 */
function tableLines(src: string, lastStart: number): string[] | null {
  const head = tableHead(src, lastStart, true);
  if (!head) return null;
  const { first, second, lineAt, up } = head;
  const near: string[] = [];
  for (let at = lastStart; at !== second && at !== first && at !== -1 && near.length < 2; at = up(at)) near.push(lineAt(at));
  return [lineAt(first), lineAt(second), ...near];
}

/** How a column's cells are aligned, from its delimiter cell (`---`, `:--`, `--:`, `:-:`). */
type Alignment = 'left' | 'right' | 'center';

/**
 * Rows appended after a table's last line (the edit `e`, {@link appendsRows}), laid out as an
 * aligned table lays out its rows: where the header row and the delimiter row put every `|` at one
 * column, from the start of the line, and so does one of the table's last two rows (a table with no
 * row yet says nothing: rgrid's `|--------|` delimiters match their header, its rows do not), each
 * cell is padded so that its `|` stands at that column, the text placed as the delimiter cell says
 * (`--:` right, `:-:` centred, prettier's way: the odd space after); a text too wide for its column
 * is written with one space each side (the row overflows) and the cells after it go back to their
 * columns where their text leaves room. In any other table, and for a row with another
 * count of cells, `e` is returned as it is. The cells' texts are kept: the row reads the same.
 */
function alignAppended(src: string, e: Edit, width: Width): Edit {
  const lines = tableLines(src, src.lastIndexOf('\n', e.start - 1) + 1);
  if (!lines) return e;
  const [header, delimiter] = lines;
  const columns = lines.map((l) => pipes(l).map((i) => width(l.slice(0, i))));
  const head = columns[0];
  const agree = (c: number[]) => c.length === head.length && c.every((x, j) => x === head[j]);
  if (head.length < 2 || head[0] !== 0 || header.trimEnd().length !== pipes(header).at(-1)! + 1) return e;
  if (!agree(columns[1]) || !columns.slice(2).some(agree)) return e;
  const marks = pipes(delimiter);
  const align = head.slice(1).map((_, k): Alignment => {
    const cell = delimiter.slice(marks[k] + 1, marks[k + 1]).trim();
    return cell.endsWith(':') ? (cell.startsWith(':') ? 'center' : 'right') : 'left';
  });
  const layout = (row: string): string => {
    const own = pipes(row);
    if (own.length !== head.length || own[0] !== 0 || row.trimEnd().length !== own.at(-1)! + 1) return row;
    let out = '|';
    let at = 0;
    for (let k = 1; k < own.length; k++) {
      const text = row.slice(own[k - 1] + 1, own[k]).trim();
      const room = head[k] - at - 1 - 2 - width(text);
      if (room < 0) {
        out += ` ${text} |`;
        at += 3 + width(text);
        continue;
      }
      const before = align[k - 1] === 'right' ? room : align[k - 1] === 'center' ? room >> 1 : 0;
      out += `${' '.repeat(1 + before)}${text}${' '.repeat(1 + room - before)}|`;
      at = head[k];
    }
    return out;
  };
  return { start: e.start, end: e.end, text: e.text.replace(/(\r?\n)([^\r\n]*)/g, (_, eol: string, row: string) => eol + layout(row)) };
}

/** The column (by `width`) at which the header row and the delimiter row of the table around the row
 * starting at `lineStart` both put the `|` that is at offset `pipe` in it (the same count of `|`s
 * from the start); null when they put it at different columns, or the row is one of them. */
function headerPipe(src: string, lineStart: number, pipe: number, width: Width): number | null {
  const k = rowPipes(src, lineStart).indexOf(pipe - lineStart);
  const head = k === -1 ? null : tableHead(src, lineStart);
  if (!head) return null;
  const [a, b] = [head.first, head.second].map((at) => {
    const line = head.lineAt(at);
    const p = pipes(line)[k];
    return p === undefined ? null : width(line.slice(0, p));
  });
  return a !== null && a === b ? a : null;
}

/**
 * Where the table around the row starting at `lineStart` puts the `|` that is at offset `pipe` in
 * it (the same count of `|`s from the start), as a column (by `width`): when the lines of
 * {@link alignmentLines} say it is aligned (the header and delimiter rows and one row near it, or
 * the row itself, put every `|` at the same columns, and every row near it the `|`s up to this one).
 * Null otherwise (an unaligned table, or one this cannot tell).
 */
function neighbourPipe(src: string, lineStart: number, pipe: number, width: Width): number | null {
  const own = rowPipes(src, lineStart);
  const k = own.indexOf(pipe - lineStart);
  const lines = k === -1 ? null : alignmentLines(src, lineStart);
  if (!lines) return null;
  // An aligned table: the header and delimiter rows put every `|` at one column, and so does a row
  // near it (two equally long statuses under a header as long as they are line up one column, by
  // chance, not the table); no row near it puts a `|` up to this one elsewhere (a row that a mark
  // made overflow in a later cell still says where this cell closes).
  const columns = lines.map((l) => pipes(l).map((i) => width(l.slice(0, i))));
  const [head, delimiter, ...near] = columns;
  const agree = (c: number[], upTo: number) => c.length === head.length && c.slice(0, upTo).every((x, j) => x === head[j]);
  // The row itself, as it stands, is evidence too (a table of one row has no other).
  const row = own.map((i) => width(src.slice(lineStart, lineStart + i)));
  const aligned = agree(delimiter, head.length) && [...near, row].some((c) => agree(c, head.length)) && near.every((c) => agree(c, k + 1));
  return aligned && head[k] !== undefined ? head[k] : null;
}

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
 * two columns, zero-width joiners none) where an edit replaces text in a padded cell (it is
 * followed by two spaces or more, then `|`) and either text is more than printable ASCII, else the
 * length: keepPadding leaves an insertion and an edit of an unpadded cell as they are, whatever the
 * widths (the done mark ` ✅` beside a reference is an insertion). string-width is loaded only
 * when needed: loading it and building its segmenter costs 10-20 ms.
 */
export async function widthFor(src: string, edits: readonly Edit[]): Promise<Width> {
  const padded = (e: Edit) => e.start !== e.end && (padding(src, e.end) ?? 0) > 1;
  if (edits.every((e) => !padded(e) || (PLAIN.test(e.text) && PLAIN.test(src.slice(e.start, e.end))))) return (s) => s.length;
  return (await import('string-width')).default;
}

/** The spaces between offset `end` of `src` and the `|` that follows them, or null when no `|` does. */
function padding(src: string, end: number): number | null {
  let p = end;
  while (src.charCodeAt(p) === 32) p++;
  return src.charCodeAt(p) === 124 ? p - end : null;
}

/**
 * Keep an aligned table aligned, on the edited row only (widths by `width`, from {@link widthFor}).
 * For each edit of a cell's content:
 * - growing text first consumes the cell's trailing padding (keeping one space before the `|`);
 * - shrinking text is padded back to the old width, but only when the cell was padded already (more
 *   than one space before its `|`), so unaligned tables stay unpadded; a cell that an earlier write
 *   overflowed (one space before its `|`, where the table's header, delimiter row and nearest rows
 *   all close it further right, at one column) is padded back to that column.
 * Other edits are returned unchanged. `src` is the text the edits apply to.
 */
export function keepPadding(src: string, edits: readonly Edit[], width: Width): Edit[] {
  return edits.map((e) => {
    const delta = width(e.text) - width(src.slice(e.start, e.end));
    if (delta === 0 || e.start === e.end) return e;
    const spaces = padding(src, e.end);
    if (spaces === null) return e;
    if (delta > 0) return { start: e.start, end: e.end + Math.min(delta, Math.max(0, spaces - 1)), text: e.text };
    if (spaces > 1) return { start: e.start, end: e.end, text: e.text + ' '.repeat(-delta) };
    const lineStart = src.lastIndexOf('\n', e.start - 1) + 1;
    const before = `${src.slice(lineStart, e.start)}${e.text} `;
    const aligned = neighbourPipe(src, lineStart, e.end + spaces);
    return aligned !== null && PLAIN.test(before) && aligned > before.length ? { start: e.start, end: e.end, text: e.text + ' '.repeat(aligned - before.length) } : e;
  });
}

/** The `|`s of a table row, as offsets into `line`: every `|` but an escaped one (`\|`). */
function pipes(line: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === 124 && line.charCodeAt(i - 1) !== 92) out.push(i);
  return out;
}

/**
 * Where the table around the row starting at `lineStart` puts the `|` that is at offset `pipe` in
 * it (the same count of `|`s from the start), as a column: when the table's header row, its
 * delimiter row and the table rows nearest the row (up to two, above then below) all put it at the
 * same column, and are printable ASCII. Null otherwise (an unaligned table, or one this cannot tell).
 */
function neighbourPipe(src: string, lineStart: number, pipe: number): number | null {
  const lineAt = (start: number): string => {
    const end = src.indexOf('\n', start);
    return src.slice(start, end === -1 ? src.length : end).replace(/\r$/, '');
  };
  const isRow = (line: string) => /^\s*\|/.test(line);
  const k = pipes(lineAt(lineStart)).indexOf(pipe - lineStart);
  if (k === -1) return null;
  const up = (start: number) => (start > 0 ? src.lastIndexOf('\n', start - 2) + 1 : -1);
  const down = (start: number) => {
    const nl = src.indexOf('\n', start);
    return nl === -1 || nl + 1 >= src.length ? -1 : nl + 1;
  };
  // The table's first line (its header) and second (its delimiter row): up through its rows.
  let first = lineStart;
  for (let at = up(first); at !== -1 && isRow(lineAt(at)); at = up(at)) first = at;
  const second = down(first);
  if (first === lineStart || second === -1 || second === lineStart) return null;
  const lines = [lineAt(first), lineAt(second)];
  // The rows nearest this one, above then below, without leaving the table.
  const near: number[] = [];
  for (const step of [up, down]) {
    for (let at = step(lineStart), n = 0; at !== -1 && n < 2 && at !== first && at !== second && isRow(lineAt(at)); at = step(at), n++) near.push(at);
  }
  near.sort((a, b) => Math.abs(a - lineStart) - Math.abs(b - lineStart));
  for (const at of near.slice(0, 2)) lines.push(lineAt(at));
  if (lines.length < 3 || lines.some((l) => !PLAIN.test(l))) return null;
  const at = lines.map((l) => pipes(l)[k]);
  return at[0] !== undefined && at.every((c) => c === at[0]) ? at[0] : null;
}

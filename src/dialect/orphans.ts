/**
 * Rows of no table: lines written as table rows (starting with `|`, with another `|` after it)
 * outside every table of the document and every fenced code block. A note or a blank line between
 * them and their table's rows, or a place before its header, leaves them without the header row and
 * delimiter row right above them that make a table: Markdown reads them as a paragraph, GitHub shows
 * them as text, and they hold no story. Each run of such lines gets a warning, so that no row a
 * person wrote is lost without a word. Pure.
 */
import type { Diagnostic } from '../domain/types.js';
import type { RawTable } from '../markdown/blocks.js';
import { fences } from './tasks.js';

/** Whether `line` has a `|` after its first character that no backslash escapes. */
function secondPipe(line: string): boolean {
  for (let i = line.indexOf('|', 1); i !== -1; i = line.indexOf('|', i + 1)) {
    let n = 0;
    while (line.charCodeAt(i - n - 1) === 92) n++;
    if (n % 2 === 0) return true;
  }
  return false;
}

/**
 * Warn (`orphan_rows`) about each run of lines of `src` written as table rows that are rows of none
 * of `tables` (the document's root tables, in file order) and are outside code fences, at the run's
 * first line. Nothing in a document without tables: there, lines of pipes are its own prose.
 */
export function orphanRows(src: string, file: string, tables: readonly RawTable[], diags: Diagnostic[]): void {
  if (tables.length === 0) return;
  let fenced: Array<[number, number]> | null = null;
  let t = 0;
  let run: { line: number; count: number; last: number } | null = null;
  const report = () => {
    if (!run) return;
    const one = run.count === 1;
    const them = one ? 'it' : 'them';
    const lines = one ? `line ${run.line} is written as a table row` : `lines ${run.line}-${run.line + run.count - 1} are written as table rows`;
    diags.push({
      severity: 'warning',
      code: 'orphan_rows',
      message: `${lines} of no table: no header row and delimiter row (| --- |) come right before ${them}, so Markdown reads ${them} as text (GitHub shows ${them} so) and queue reads no story there; put ${them} back under ${one ? 'its' : 'their'} table's header, with no blank line or note between`,
      file,
      line: run.line,
      column: 1,
    });
    run = null;
  };
  let line = 1;
  for (let at = 0; at < src.length; line++) {
    let nl = src.indexOf('\n', at);
    if (nl === -1) nl = src.length;
    if (src.charCodeAt(at) === 124) {
      while (t < tables.length && tables[t].end < at) t++;
      const inTable = t < tables.length && tables[t].start <= at;
      fenced ??= inTable ? null : fences(src);
      if (!inTable && !fenced!.some(([a, b]) => at >= a && at < b) && secondPipe(src.slice(at, nl))) {
        if (run && run.last === line - 1) {
          run.count++;
          run.last = line;
        } else {
          report();
          run = { line, count: 1, last: line };
        }
      }
    }
    at = nl + 1;
  }
  report();
}

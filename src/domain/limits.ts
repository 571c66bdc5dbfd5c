/**
 * The limits that keep reading a queue file cheap whatever it holds. Git hooks parse whatever anyone
 * pushes, so every cost is bounded: over a limit, reading stops with QueueError `too_large` or
 * `too_deep` at the construct's file:line:column, checked before the expensive work.
 */
import { QueueError } from './errors.js';

/** Largest queue file read, in bytes (UTF-8): 16 MiB, about 150,000 stories in table rows. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Most table rows, task items and headings in one file: 150,000. Each becomes several objects
 * before it is a story, so the memory a read takes grows with their count, not with the bytes: a
 * 16 MiB file of short rows holds over 600,000, which took over 1.5 GB to read; just under the
 * limit, `queue ready` on such a file peaks near 450 MB on the benchmark machine.
 */
export const MAX_ROWS = 150_000;

/**
 * Deepest nesting of block quotes and list items on a line. A line's depth is estimated from its
 * start, before any parse: one level for each `>` and each list marker, and one for every two
 * columns of indentation before them (a nested list item sits at least two columns further in). The
 * estimate is never below the real depth, so a line that passes cannot nest deeper.
 */
export const MAX_DEPTH = 64;

/** Longest table cell, in characters: 64 KiB. */
export const MAX_CELL_CHARS = 64 * 1024;

/** Most links (counted as `[`, which every link, image and reference starts with) in one table cell. */
export const MAX_CELL_LINKS = 1000;

/**
 * The full Markdown parser's budget for one file (remark, for what the fast scanner cannot read), in
 * units of one character of ordinary Markdown. Each character handed to it costs one unit; its
 * inline parser also spends time on the square of the emphasis and link marks (`*`, `_`, `~`, `[`,
 * `]`) in one paragraph, cell or heading, so each such stretch costs `marks² / `{@link MARK_COST}
 * more. 256 KiB: remark spends a few seconds and a few hundred MB on that much dense Markdown
 * (bench/limits.mjs); the real queues that need remark for part of the file use a third of it at
 * most. `QUEUE_READ=remark`, which reads whole files with remark to compare the readers, is not
 * held to it.
 */
export const PARSE_BUDGET = 256 * 1024;

/** Divisor of the squared mark count of one inline stretch in the {@link PARSE_BUDGET}: at 64, the
 * costliest run of marks measured (alternating `*_[`) costs no more time than as many units of
 * ordinary Markdown. */
export const MARK_COST = 64;

/**
 * Refuse a file's text over {@link MAX_FILE_BYTES} (UTF-8): QueueError `too_large` at its first line.
 * Readers of files and blobs check their size ({@link tooLarge}) before reading them whole where
 * they can; this catches the rest.
 */
export function checkFileSize(raw: string, file: string): void {
  // A UTF-16 code unit is at most three bytes of UTF-8: most texts need no count.
  if (raw.length * 3 <= MAX_FILE_BYTES) return;
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > MAX_FILE_BYTES) throw tooLarge(file, bytes);
}

/** QueueError `too_large` for a file of `bytes` bytes. */
export function tooLarge(file: string, bytes: number): QueueError {
  return new QueueError('too_large', `${file}:1:1: ${bytes} bytes is over the limit of ${MAX_FILE_BYTES} bytes (16 MiB) for a file queue reads: split it`, {
    file,
    line: 1,
    column: 1,
    limit: MAX_FILE_BYTES,
  });
}

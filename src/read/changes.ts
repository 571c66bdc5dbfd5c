/**
 * Which lines an edit changed, told from the text before and after it without splitting either into
 * lines: what the incremental reads (`read/patch.ts`, the queue index's patch in `app/index-cache.ts`)
 * start from. Pure. Lines end at `\n`; the texts may be the bytes of a file as a one-byte string
 * (`latin1`): then offsets are byte offsets, and the lines' text is those bytes.
 */

/** The length of the common prefix of two texts of `a` and `b` units, compared a block at a time:
 * `same(i, j)` says whether both hold the same units from `i` to `j` (each comparison in the engine). */
function commonPrefixBy(a: number, b: number, same: (i: number, j: number) => boolean): number {
  const n = Math.min(a, b);
  let i = 0;
  for (const step of [65536, 4096, 256, 16, 1]) while (i + step <= n && same(i, i + step)) i += step;
  return i;
}

/** The length of the common suffix of two texts, at most `limit`: `same(k, s)` says whether both hold
 * the same `k` units before their last `s`. */
function commonSuffixBy(limit: number, same: (k: number, s: number) => boolean): number {
  let s = 0;
  for (const step of [65536, 4096, 256, 16, 1]) while (s + step <= limit && same(step, s)) s += step;
  return s;
}

/** The length of the common prefix of `a` and `b`. */
const commonPrefix = (a: string, b: string) => commonPrefixBy(a.length, b.length, (i, j) => a.slice(i, j) === b.slice(i, j));

/** The length of the common suffix of `a` and `b`, at most `limit`. */
const commonSuffix = (a: string, b: string, limit: number) => commonSuffixBy(limit, (k, s) => a.slice(a.length - s - k, a.length - s) === b.slice(b.length - s - k, b.length - s));

/**
 * The lines an edit of `before` into `after` changed: from 0-based line `first`, the old and the new
 * text of each (as many of one as of the other: the edit neither adds nor removes a line), and the
 * offset where line `first` starts (the same in both). Null when the edit adds or removes lines,
 * changes nothing, or changes a line before line `from` (told before the lines are split). Lines
 * end at `\n`. `known`: how long a prefix and a suffix the texts are known to share (where the
 * caller's edits begin and end), instead of comparing them; lines in between that did not change
 * are given as changed, with their old and new text the same.
 */
export function changedLines(
  before: string,
  after: string,
  from = 0,
  known?: { prefix: number; suffix: number },
): { first: number; old: string[]; now: string[]; start: number } | null {
  if (before === after) return null;
  const p = known ? known.prefix : commonPrefix(before, after);
  return linesAround(
    before,
    after,
    from,
    p,
    (limit) => (known ? Math.min(known.suffix, limit) : commonSuffix(before, after, limit)),
    (t, a, b) => t.slice(a, b),
  );
}

/** A text {@link linesAround} works on: a string, or a file's bytes. */
interface Lines {
  readonly length: number;
  indexOf(value: string, from?: number): number;
  lastIndexOf(value: string, from?: number): number;
}

/**
 * {@link changedLines} once the common prefix `p` is known: the common suffix from `suffix` (given the
 * most it may be), the text between two offsets from `slice`.
 */
function linesAround<T extends Lines>(
  before: T,
  after: T,
  from: number,
  p: number,
  suffix: (limit: number) => number,
  slice: (t: T, start: number, end: number) => string,
): { first: number; old: string[]; now: string[]; start: number } | null {
  for (let l = 0, at = -1; l < from; l++) {
    at = before.indexOf('\n', at + 1);
    if (at === -1 || p <= at) return null;
  }
  const s = suffix(Math.min(before.length, after.length) - p);
  const start = p === 0 ? 0 : before.lastIndexOf('\n', p - 1) + 1;
  const stop = (t: T, at: number) => {
    const i = t.indexOf('\n', at);
    return i === -1 ? t.length : i;
  };
  const old = slice(before, start, stop(before, before.length - s)).split('\n');
  const now = slice(after, start, stop(after, after.length - s)).split('\n');
  if (old.length !== now.length) return null;
  let first = 0;
  for (let i = before.indexOf('\n'); i !== -1 && i < start; i = before.indexOf('\n', i + 1)) first++;
  return { first, old, now, start };
}

/** The text of 0-based line `line` of `text`, a line before line `from`, which starts at offset `start`. */
export function lineBefore(text: string, start: number, from: number, line: number): string {
  return lineAt(text, start, from, line, (t, a, b) => t.slice(a, b));
}

/** {@link lineBefore} of a string or a file's bytes, its text from `slice`. */
function lineAt<T extends Lines>(text: T, start: number, from: number, line: number, slice: (t: T, start: number, end: number) => string): string {
  let at = start;
  for (let l = from; l > line; l--) at = at < 2 ? 0 : text.lastIndexOf('\n', at - 2) + 1;
  const end = text.indexOf('\n', at);
  return slice(text, at, end === -1 ? text.length : end);
}

/** Whether 0-based line `line` is one the edit `change` changed (a line outside its range is not). */
export function changedAt(change: { first: number; old: readonly string[]; now: readonly string[] }, line: number): boolean {
  const k = line - change.first;
  return k >= 0 && k < change.old.length && change.old[k] !== change.now[k];
}

/** The length of the common prefix of the bytes `a` and `b` (compared natively). */
const commonBytePrefix = (a: Uint8Array, b: Uint8Array) => commonPrefixBy(a.length, b.length, (i, j) => Buffer.compare(a.subarray(i, j), b.subarray(i, j)) === 0);

/** The length of the common suffix of the bytes `a` and `b`, at most `limit`. */
const commonByteSuffix = (a: Uint8Array, b: Uint8Array, limit: number) =>
  commonSuffixBy(limit, (k, s) => Buffer.compare(a.subarray(a.length - s - k, a.length - s), b.subarray(b.length - s - k, b.length - s)) === 0);

/**
 * {@link changedLines} of two files' bytes, the lines' text given as one-byte strings (`latin1`):
 * the same answer as `changedLines(before.toString('latin1'), after.toString('latin1'), from)`,
 * without turning either file into a string (only the changed lines are).
 */
export function changedByteLines(before: Buffer, after: Buffer, from = 0): { first: number; old: string[]; now: string[]; start: number } | null {
  if (before.equals(after)) return null;
  const p = commonBytePrefix(before, after);
  return linesAround(
    before,
    after,
    from,
    p,
    (limit) => commonByteSuffix(before, after, limit),
    (t, a, b) => t.toString('latin1', a, b),
  );
}

/** {@link lineBefore} of a file's bytes, as a one-byte string (`latin1`). */
export function byteLineBefore(bytes: Buffer, start: number, from: number, line: number): string {
  return lineAt(bytes, start, from, line, (t, a, b) => t.toString('latin1', a, b));
}
